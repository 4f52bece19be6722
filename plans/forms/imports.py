from django import forms

from ..imports import MAX_BYTES


class PlanUploadForm(forms.Form):
    workbook = forms.FileField(
        label="Plan workbook (.xlsx)",
        help_text=f"An Excel workbook of at most {MAX_BYTES // (1024 * 1024)} MB. Nothing is saved until you "
        "confirm the preview.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1e6:.1f} MB: the limit is {MAX_BYTES // (1024 * 1024)} MB."
            )
        return upload


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
