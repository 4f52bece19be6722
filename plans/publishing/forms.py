"""Forms of the publishing pages: the commander's publish confirmation."""

from django import forms


class PublishForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(
        required=False,
        label="I have checked the preview: this is exactly what the public will see.",
    )
