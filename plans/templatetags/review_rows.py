"""``{% review_row row %}``: one row of the monthly review (an action, how it stands now, its
inputs), written in one call.

The review shows every action of the plan with ten inputs each; as a template include the rows
were most of the page's time (a hundred variable look-ups a row, the action's text cut four
times). The markup is the one the page always had: labels naming the action for screen
readers, errors beside their field, the other person's change (``status_conflict.html``) above
the inputs of a row that someone else changed. Every text is escaped; the inputs are the form's
own, written as ``{{ field }}`` writes them (``form_widgets.field_html``).

A row the user did not submit (every row of a page opened, and the untouched rows after a
refused save) builds no form: its inputs are the form's own markup for each field, written once
per process with a marker prefix and value (``_shape``), filled in with the action's prefix and
values as the field's own widget formats them. ``tests/test_review_inputs.py`` compares them
with the form's, row by row.
"""

import functools
import types
from html import escape as html_escape

from django import template
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from plans import display
from plans.badges import status_badge
from plans.forms import widgets
from plans.forms.status import ReviewStatusForm
from plans.templatetags.form_widgets import field_html

register = template.Library()

CONFLICT_TEMPLATE = "plans/includes/status_conflict.html"
CHANGED_FLAG = '<span class="row-changed-flag" data-changed-flag hidden>Changed</span>'
COMMENTARY_NEEDED = (
    '<p class="commentary-needed" data-commentary-needed hidden>'
    "Status changed: say why here (a sentence).</p>"
)
_text = display.html_text


def _errors(errors, for_id=None):
    """The errors of the row, or of a field (``for_id``: its input's id; the input's
    ``aria-describedby`` names them by ``<id>_error``)."""
    written = "".join(f'<p class="field-error">{_text(error)}</p>' for error in errors)
    if written and for_id:
        return f'<div class="field-errors" id="{for_id}_error">{written}</div>'
    return written


def _reviewed(action):
    """When and by whom the action was last reviewed, or "Never reviewed"."""
    when = action.last_reviewed_at
    if not when:
        return "Never reviewed"
    local = template_localtime(when)
    title = f"{display.day_month_year(local)} {local.hour:02d}:{local.minute:02d}"
    since = _text(display.time_since(when))
    text = f'Reviewed <time datetime="{local.isoformat()}" title="{title}">{since} ago</time>'
    who = action.last_reviewed_by
    if who:
        text += f" by {_text(who.get_full_name() or who.username)}"
    return text


def _heading(row, action, link):
    owners = [_text(owner.label) for owner in action.owners.all()]
    owners = "; ".join(owners) if owners else "No owner named"
    return [
        '  <th scope="row" class="review-action">',
        f'    <span class="review-ref">{_text(row.ref)}</span>',
        f'    <a href="{link}">{_text(action.text)}</a>',
        f'    <span class="review-owners muted">{owners}</span>',
        '    <span class="review-flags">',
        '      <span class="stale-flag">Stale</span>' if row.stale else "      ",
        '      <span class="overdue-flag">Overdue</span>' if row.overdue else "      ",
        f"      {CHANGED_FLAG}",
        "    </span>",
        "  </th>",
        '  <td class="review-now">',
        f"    {status_badge(action.status)}",
        f'    <p class="review-commentary prewrap">{_commentary(action)}</p>',
        f'    <p class="muted review-age">{_reviewed(action)}</p>',
        "  </td>",
    ]


def _commentary(action):
    return _text(display.truncate_chars(action.last_commentary or "No commentary yet.", 280))


def _field(field, css, label, short, *, first=True):
    """A labelled input; the label shows its short name and tells screen readers the action's.
    ``field``: (its HTML, its id, its errors)."""
    html, for_id, errors = field
    error = " has-error" if errors else ""
    for_id = _text(for_id)
    opening = f'      <div class="field{css}{error}">'
    if not first:  # the checkbox: input, then its label
        return [
            opening,
            f'        {html} <label for="{for_id}">{label}'
            f'<span class="visually-hidden"> — {short}</span></label>',
            f"        {_errors(errors, for_id)}",
        ]
    spoken, shown = label
    return [
        opening,
        f'        <label for="{for_id}"><span aria-hidden="true">{shown}</span>'
        f'<span class="visually-hidden">{spoken} — {short}</span></label>',
        f"        {_errors(errors, for_id)}",
        f"        {html}",
    ]


def _form_fields(form):
    """``_inputs``' fields of a form: ``{name: (HTML, id, errors)}``, and the hidden inputs."""
    fields = {}
    for name in ReviewStatusForm.SERVICE_FIELDS:
        field = form[name]
        errors = form.errors.get(name) or ()  # BoundField.errors without a new empty list
        fields[name] = (field_html(field), field.id_for_label, errors)
    hidden = "".join(field_html(field) for field in form.hidden_fields())
    return fields, hidden


# Marker prefix and value of ``_shape`` (letters and digits: escaping leaves them as they are).
_PREFIX = "a918273645"
_VALUE = "v918273645v"


@functools.lru_cache(maxsize=64)
def _shape(name, variant):
    """The markup of the field ``name`` of an unbound ReviewStatusForm with the prefix ``_PREFIX``, as
    ``field_html`` writes it, split at the value: ``(before, after)``. ``variant``: None for no
    value, "value" for a text value (``_VALUE`` where it goes), else the value of a select or
    the checked state of a checkbox (the markup is then whole: ``after`` is empty)."""
    value = _VALUE if variant == "value" else variant
    action = types.SimpleNamespace(**dict.fromkeys(("version", "rag", "completed", "next_steps", "due_date")))
    form = ReviewStatusForm(action=action, prefix=_PREFIX)
    form.initial = {name: value}
    html = field_html(form[name])
    before, _, after = html.partition(_VALUE) if variant == "value" else (html, "", "")
    return before, after


def _unbound_html(field, name, value, prefix):
    """What ``field_html`` writes for the field ``name`` (a shared field of ReviewStatusForm) of an
    unbound form with ``prefix`` whose initial value is ``value``."""
    widget = field.widget
    if type(widget) is widgets.Select:
        before, after = _shape(name, str(value) if value is not None else None)
        shown = None
    elif type(widget) is widgets.CheckboxInput:
        before, after = _shape(name, bool(widget.check_test(value)))
        shown = None
    else:
        shown = widget.format_value(field.prepare_value(value))
        if type(widget) is widgets.Textarea and not shown:
            shown = None
        before, after = _shape(name, None if shown is None else "value")
    before = before.replace(_PREFIX, prefix)
    if shown is None:
        return before
    # as the widget escapes it: a textarea's text unless already safe, an input's value always
    text = conditional_escape(shown) if type(widget) is widgets.Textarea else html_escape(str(shown))
    return f"{before}{text}{after.replace(_PREFIX, prefix)}"


def _unbound_fields(action, fields):
    """``_form_fields`` of the unbound form of ``action`` (``fields``: ReviewStatusForm.shared_fields),
    written without building the form."""
    prefix = f"a{action.pk}"
    initial = ReviewStatusForm.initial_for(action)
    written = {}
    for name in ReviewStatusForm.SERVICE_FIELDS:
        html = _unbound_html(fields[name], name, initial.get(name), prefix)
        written[name] = (html, f"id_{prefix}-{name}", ())
    hidden = "".join(
        _unbound_html(fields[name], name, initial.get(name), prefix) for name in ReviewStatusForm.HIDDEN
    )
    return written, hidden


def _inputs(fields, hidden, short, conflict, *, non_field=(), incomplete=False):
    lines = [
        '  <td class="review-inputs">',
        f"    {conflict}",
        f"    {_errors(non_field)}",  # form.non_field_errors()
        '    <p class="field-error">This row was incomplete: reload the page and enter it again.</p>'
        if incomplete
        else "    ",
        f"    {hidden}",
        '    <div class="review-grid">',
        *_field(fields["rag"], "", ("RAG rating", "RAG"), short),
        "      </div>",
        *_field(fields["completed"], " checkbox-field", "Complete", short, first=False),
        "      </div>",
        *_field(fields["due_date"], "", ("Due date", "Due"), short),
        "      </div>",
        *_field(fields["commentary"], " review-wide", ("New commentary", "New commentary"), short),
        f"        {COMMENTARY_NEEDED}",
        "      </div>",
        *_field(fields["next_steps"], " review-wide", ("Next steps", "Next steps"), short),
        "      </div>",
        "    </div>",
        "  </td>",
    ]
    return lines


def _row_inputs(context, row, short):
    """The inputs of ``row``: from its form when the user submitted it, else from its action."""
    if row.bound or row.conflict:
        form = row.form
        fields, hidden = _form_fields(form)
        non_field = form.errors.get(NON_FIELD_ERRORS) or ()
        return _inputs(
            fields,
            hidden,
            short,
            _conflict(context, row),
            non_field=non_field,
            incomplete=bool(form.hidden_errors),
        )
    fields, hidden = _unbound_fields(row.action, row.shared_fields)  # the page's one copy
    return _inputs(fields, hidden, short, "")


def _conflict(context, row):
    """The other person's change (``status_conflict.html``, as the row's include showed it)."""
    if not row.conflict:
        return ""
    conflict_template = context.template.engine.get_template(CONFLICT_TEMPLATE)
    values = {"conflict": row.conflict, "where": "in this row", "conflict_hint_only": True}
    with context.push(action=row.action, form=row.form, **values):
        return conflict_template.render(context)


@register.simple_tag(takes_context=True)
def review_row(context, row):
    """``{% review_row row %}``: the ``<tr>`` of one action of the review (a ``Row`` of
    ``plans.views.review``), with the blank lines of the include it replaces."""
    action = row.action
    links = context.render_context.get("review_row_links")
    if links is None:
        links = context.render_context["review_row_links"] = display.url_maker("action-detail")
    css = (" stale" if row.stale else "") + (" has-problem" if row.has_problem else "")
    short = _text(display.truncate_chars(action.text, 90))
    stale = " data-stale" if row.stale else ""
    lines = [
        f'\n\n<tr id="action-{action.pk}" class="review-row{css}" data-status-row{stale}>',
        *_heading(row, action, links(action.pk)),
        *_row_inputs(context, row, short),
        "</tr>\n\n",
    ]
    return mark_safe("\n".join(lines))  # noqa: S308 — every text is escaped, the inputs are the form's
