from django import forms

from ..imports import MAX_BYTES

ACCEPT = ",".join(
    (
        ".xlsx",
        ".docx",
        ".csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/csv",
    )
)


class PlanUploadForm(forms.Form):
    workbook = forms.FileField(
        label="Plan file (.xlsx, .docx or .csv)",
        help_text=f"An Excel workbook, a Word document with the plan in tables, or a CSV file, of at most "
        f"{MAX_BYTES // (1024 * 1024)} MB. Nothing is saved until you confirm the preview.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    clear_blanks = forms.BooleanField(
        required=False,
        label="Blank cells clear the plan's values",
        help_text="Off (the default): a blank RAG, owner or due date cell leaves what the plan holds. "
        "On: blanks set Not rated and remove owners, drivers and due dates.",
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
