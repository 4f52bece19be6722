"""The admin's change and add forms as a browser would post them back, for tests."""


def _value(bound):
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is True:
        return "on"
    if value is False:
        return ""
    return str(value)


def form_as_posted(response, **changes):
    """The POST body of the admin form rendered in ``response`` (main form, inline formsets with
    their management forms), unchanged, with ``changes`` applied (name → value)."""
    context = response.context
    data = {}
    form = context["adminform"].form
    for name in form.fields:
        data[form.add_prefix(name)] = _value(form[name])
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = _value(management[name])
        for subform in formset.forms:
            for name in subform.fields:
                data[subform.add_prefix(name)] = _value(subform[name])
    data = {key: value for key, value in data.items() if value != ""}
    data.update(changes)
    return data
