"""``{% widget field %}``: a form field's input written directly, byte for byte what ``{{ field }}``
writes through Django's widget templates (``select.html``, ``select_option.html``,
``input.html``, ``date.html``, ``attrs.html``), escaped the same way.

The dashboard filters offer every borough, BCU, pillar, driver and status: rendering their
options through an include per option and per attribute list was the largest part of the
London dashboard's templates. Any widget this does not know (another template, its own
``render``, another form renderer) is written by ``{{ field }}`` itself; ``tests/test_form_widgets.py``
compares the two.
"""

import functools

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

from plans.display import html_text as _text
from plans.forms import widgets

register = template.Library()

WIDGETS = "django/forms/widgets/"
OPTION_TEMPLATE = WIDGETS + "select_option.html"
INPUT_TEMPLATES = {f"{WIDGETS}{kind}.html" for kind in ("input", "text", "date", "hidden")}


def _as_s(value):
    """``{{ value|stringformat:'s' }}``."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 — exactly what stringformat:'s' does
    except (ValueError, TypeError):
        return ""
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs):
    """``attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_as_s(value)}"')
    return "".join(parts)


def _input(widget):
    value = "" if widget["value"] is None else f' value="{_as_s(widget["value"])}"'
    kind, name = _text(widget["type"]), _text(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


def _select(widget):
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{_as_s(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips the template's last newline
    return "".join(parts)


def _added_attrs(field, widget):
    """The attributes ``BoundField.as_widget`` adds to the widget's own, in its order: those of
    ``build_widget_attrs`` (required, disabled, aria-invalid, aria-describedby), then the id.
    Not for a ``MultiWidget`` (whose sub-widgets ``build_widget_attrs`` marks required)."""
    form, hidden = field.form, widget.is_hidden
    errors = form.errors.get(field.name)  # what BoundField.errors holds (an absent list is empty)
    attrs, auto_id = {}, field.auto_id
    if field.field.required and form.use_required_attribute and widget.use_required_attribute(field.initial):
        attrs["required"] = True
    if field.field.disabled:
        attrs["disabled"] = True
    if not hidden and errors:
        attrs["aria-invalid"] = "true"
    if not widget.use_fieldset and not widget.attrs.get("aria-describedby") and auto_id and not hidden:
        if type(field) is BoundField:
            described = [f"{auto_id}_helptext"] if field.help_text else []
            described += [f"{auto_id}_error"] if errors else []
            described = " ".join(described)
        else:  # a subclass's own (``plans.forms.status.ReviewBoundField``)
            described = field.aria_describedby
        if described:
            attrs["aria-describedby"] = described
    if auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", auto_id)
    return attrs


def _context(field):
    """The widget context ``BoundField.as_widget`` renders (same attributes, id and value)."""
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True
    return widget.get_context(field.html_name, field.value(), _added_attrs(field, widget))["widget"]


def _direct_context(field, widget):
    """For a widget of ``widgets.DIRECT_WIDGETS``: the parts of its ``get_context`` (Django's
    ``Widget``, ``Input``, ``CheckboxInput``, ``ChoiceWidget``) that its ``html`` reads."""
    if field.field.localize:
        widget.is_localized = True
    value, added, kind = field.value(), _added_attrs(field, widget), type(widget)
    if kind is widgets.CheckboxInput and widget.check_test(value):
        added["checked"] = True
    shown = widget.format_value(value)
    context = {"name": field.html_name, "value": shown, "attrs": {**widget.attrs, **added}}
    if kind is widgets.Select:
        context["optgroups"] = widget.optgroups(field.html_name, shown, added)
    elif kind is not widgets.Textarea:
        context["type"] = widget.input_type
    return context


@functools.cache
def _written_as_django_writes(kind):
    """True for BoundField and for a subclass that changes no more than ``aria_describedby``,
    which ``_added_attrs`` asks it for (once per class)."""
    return issubclass(kind, BoundField) and all(
        getattr(kind, name) is getattr(BoundField, name)
        for name in ("as_widget", "build_widget_attrs", "value", "auto_id", "initial", "__str__")
    )


def _direct(field):
    """The field's HTML, or None when Django's own rendering must write it."""
    if not _written_as_django_writes(type(field)) or type(field.form.renderer) is not DjangoTemplates:
        return None
    if field.field.show_hidden_initial:
        return None
    widget = field.field.widget
    if type(widget) in widgets.DIRECT_WIDGETS:  # the review's inputs: their own writers
        return widget.html(_direct_context(field, widget))
    if type(widget).render is not forms.Widget.render:
        return None
    name = widget.template_name
    if name == WIDGETS + "select.html":
        return _select(_context(field))
    if name in INPUT_TEMPLATES:
        return _input(_context(field))
    return None


def field_html(field):
    """The text ``{{ field }}`` (``str(field)``) writes, without the widget templates or
    ``BoundField.as_widget`` when the widget is one this module writes: escaped HTML, for a
    caller that marks its whole output safe (``review_rows``)."""
    html = _direct(field)
    return str(field) if html is None else html


@register.simple_tag
def widget(field):
    """``{% widget field %}``: what ``{{ field }}`` writes, without the widget templates."""
    return mark_safe(field_html(field))  # noqa: S308 — escaped in field_html
