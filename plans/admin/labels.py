"""Labels for the fields of the admin's tabular inlines (WCAG 1.3.1, 4.1.2).

Django's tabular inline shows one heading per column and no label per input, so a screen reader
meets an unnamed "combo box". ``LabelledInlineFormSet`` names every visible field after its
column and row ("Pillar (row 2)"); set it as an inline's ``formset``.
"""

from django.forms.models import BaseInlineFormSet


class LabelledInlineFormSet(BaseInlineFormSet):
    """An inline formset whose visible fields carry an ``aria-label``: the field's label and the
    row ("row 1", …; "new row" for the template of added rows)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                label = field.label or name.replace("_", " ").capitalize()
                # a related field's select sits in the admin's wrapper, which shares its attrs
                # with the field's original widget: give each a new dict
                for widget in filter(None, [field.widget, getattr(field.widget, "widget", None)]):
                    widget.attrs = {**widget.attrs, "aria-label": f"{label} ({row})"}
