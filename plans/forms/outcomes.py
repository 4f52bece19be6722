"""Forms of the outcomes pages: the survey-measures upload and a borough's targets."""

import datetime as dt
from decimal import Decimal

from django import forms

from drivers.models import Measure

from ..upload_safety import MAX_ROWS, MAX_UPLOAD_BYTES
from .dates import DateField


class MeasuresUploadForm(forms.Form):
    file = forms.FileField(
        label="Survey measures file (.xlsx or .csv)",
        help_text=(
            f"Either MOPAC's trust-and-confidence dashboard workbook (its Borough sheet is read) or a table "
            f"with the columns borough, period, measure, value. At most {MAX_UPLOAD_BYTES // 1048576} MB "
            f"and {MAX_ROWS:,} rows."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    accept_large_moves = forms.BooleanField(
        required=False,
        label="I have checked the figures above that move by more than 10 points, and they are right.",
    )


class TargetForm(forms.Form):
    target_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    measure = forms.ModelChoiceField(
        label="Measure", queryset=Measure.objects.exclude(unit="qualitative").order_by("order", "name")
    )
    baseline_value = forms.DecimalField(
        label="Baseline (%)",
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text="Leave empty to use the borough's latest reading of the measure.",
    )
    baseline_date = DateField(
        label="Baseline date",
        required=False,
        help_text="Leave empty to use the quarter of the latest reading.",
    )
    target_value = forms.DecimalField(
        label="Target (%)", min_value=Decimal(0), max_value=Decimal(100), max_digits=5, decimal_places=2
    )
    target_date = DateField(label="Target date")
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def clean(self):
        data = super().clean()
        baseline, target = data.get("baseline_date"), data.get("target_date")
        if target and not dt.date(2000, 1, 1) <= target <= dt.date(2100, 12, 31):
            self.add_error("target_date", "Give a date between 2000 and 2100.")
        if baseline and target and target <= baseline:
            self.add_error("target_date", "The target date must be after the baseline date.")
        return data
