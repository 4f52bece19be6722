"""The date field of every page form and of the admin: entered the British way, and a bad date
refused with a message that names the field.

Formats are Django's ``DATE_INPUT_FORMATS`` of ``trustplan/formats/en_GB/formats.py`` (31/03/2024,
31/03/24, 31 Mar 2024, 31 March 2024, and the ISO 2024-03-31 that a browser's date picker
sends). ``DateInput`` is a date picker whose value is always ISO (the HTML rule for
``<input type="date">``; the browser shows it in the reader's own way, 31/03/2024 in an en-GB
browser): a date written the British way into it would be dropped by the browser.
"""

from django import forms
from django.core.exceptions import ValidationError

BAD_DATE = "{label}: “{value}” is not a date. Enter it as day/month/year, for example 31/03/2024."


class DateInput(forms.DateInput):
    """``<input type="date">`` with an ISO value (YYYY-MM-DD), as browsers require."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date in any of the British input formats; refused with the field's label and the value
    given (``BAD_DATE``), code ``invalid``."""

    widget = DateInput

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if getattr(exc, "code", None) != "invalid":
                raise
            label = self.label or "Date"
            raise ValidationError(
                BAD_DATE.format(label=label, value=str(value).strip()[:40]), code="invalid"
            ) from exc
