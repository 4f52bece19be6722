from django import forms

from ..quarters import Quarter


def recent_quarters(today, count=4):
    quarter = Quarter.last_ended(today)
    choices = []
    for _ in range(count):
        choices.append((f"{quarter.fy_start_year}-{quarter.quarter}", quarter.label))
        quarter = quarter.previous()
    return choices


class SubmitReturnForm(forms.Form):
    quarter = forms.ChoiceField(
        label="Quarter", help_text="Quarters follow the financial year (Q1 = April–June)."
    )
    covering_note = forms.CharField(
        label="Covering note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = recent_quarters(today)

    def clean_quarter(self):
        year, number = self.cleaned_data["quarter"].split("-")
        return Quarter(int(year), int(number))


class SignOffForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I confirm that this return is the borough's account of its plan as at the quarter's "
        "end, and I sign it off as borough commander.",
        required=True,
    )


class SendBackForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason for sending back",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The borough sees this. Say what must change before the return is resubmitted.",
    )
