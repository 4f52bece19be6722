"""Widgets that write their HTML directly instead of through the form renderer's templates.

The monthly review shows ten inputs for each of sixty or more actions; rendering each through
Django's widget templates was half the time of building the page. These widgets produce the
same markup as Django's templates (``django/forms/widgets/input.html``, ``attrs.html``,
``textarea.html``, ``select.html``, ``select_option.html``), escaped the same way;
``tests/test_widgets.py`` compares the two for every kind of value.
"""

import copy
from html import escape as html_escape

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_NAMES = {}  # attribute name or input type: escaped (a few names, written thousands of times)


def _escaped_name(name):
    return _NAMES.get(name) or _NAMES.setdefault(name, html_escape(name))


def _attrs(attrs):
    # html.escape: the text Django's escape() gives, without its check for lazy strings
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        name = _escaped_name(name)
        parts.append(f" {name}" if value is True else f' {name}="{html_escape(str(value))}"')
    return "".join(parts)


class DirectRender:
    def __deepcopy__(self, memo):
        # Django's Widget.__deepcopy__ (ChoiceWidget's for a Select), with copy.copy(self) written
        # out: every form of the review copies ten widgets; this is a third of the time.
        obj = type(self).__new__(type(self))
        obj.__dict__.update(self.__dict__)
        obj.attrs = self.attrs.copy()
        if isinstance(self, ChoiceWidget):
            obj.choices = copy.copy(self.choices)
        memo[id(self)] = obj
        return obj

    def render(self, name, value, attrs=None, renderer=None):
        # every value and attribute is escaped in html(), as the templates' autoescape would
        return mark_safe(self.html(self.get_context(name, value, attrs)["widget"]))


class DirectInput(DirectRender):
    def html(self, widget):
        value = "" if widget["value"] is None else f' value="{html_escape(str(widget["value"]))}"'
        kind, name = _escaped_name(widget["type"]), html_escape(widget["name"])
        return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


class HiddenInput(DirectInput, forms.HiddenInput):
    pass


class DateInput(DirectInput, forms.DateInput):
    pass


class CheckboxInput(DirectInput, forms.CheckboxInput):
    pass


class Textarea(DirectRender, forms.Textarea):
    def html(self, widget):
        value = conditional_escape(widget["value"]) if widget["value"] else ""
        return f'<textarea name="{html_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


class Select(DirectRender, forms.Select):
    def html(self, widget):
        parts = [f'<select name="{html_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'<option value="{html_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>"
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return "".join(parts)


# The widgets above whose markup ``html()`` writes from their ``get_context``: the review writes
# them without ``BoundField.as_widget`` (plans.templatetags.form_widgets).
DIRECT_WIDGETS = frozenset({HiddenInput, DateInput, CheckboxInput, Textarea, Select})
