"""``{% review_row row %}``: one row of the monthly review (an action, how it stands now, its
inputs), written in one call.

The review shows every action of the plan with ten inputs each; as a template include the rows
were most of the page's time (a hundred variable look-ups a row, the action's text cut four
times). The markup is the one the page always had: labels naming the action for screen
readers, errors beside their field, the other person's change (``status_conflict.html``) above
the inputs of a row that someone else changed. Every text is escaped; the inputs are the form's
own, written as ``{{ field }}`` writes them (``form_widgets.field_html``).
"""

from django import template
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from plans import display
from plans.badges import status_badge
from plans.templatetags.form_widgets import field_html

register = template.Library()

CONFLICT_TEMPLATE = "plans/includes/status_conflict.html"
CHANGED_FLAG = '<span class="row-changed-flag" data-changed-flag hidden>Changed</span>'
COMMENTARY_NEEDED = (
    '<p class="commentary-needed" data-commentary-needed hidden>'
    "Status changed: say why here (a sentence).</p>"
)
_text = display.html_text


def _errors(errors):
    return "".join(f'<p class="field-error">{_text(error)}</p>' for error in errors)


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
    """A labelled input; the label shows its short name and tells screen readers the action's."""
    errors = field.form.errors.get(field.name) or ()  # BoundField.errors without a new empty list
    error = " has-error" if errors else ""
    for_id = _text(field.id_for_label)
    opening = f'      <div class="field{css}{error}">'
    if not first:  # the checkbox: input, then its label
        return [
            opening,
            f'        {field_html(field)} <label for="{for_id}">{label}'
            f'<span class="visually-hidden"> — {short}</span></label>',
            f"        {_errors(errors)}",
        ]
    spoken, shown = label
    return [
        opening,
        f'        <label for="{for_id}"><span aria-hidden="true">{shown}</span>'
        f'<span class="visually-hidden">{spoken} — {short}</span></label>',
        f"        {_errors(errors)}",
        f"        {field_html(field)}",
    ]


def _inputs(form, short, conflict):
    hidden = "".join(field_html(field) for field in form.hidden_fields())
    lines = [
        '  <td class="review-inputs">',
        f"    {conflict}",
        f"    {_errors(form.errors.get(NON_FIELD_ERRORS) or ())}",  # form.non_field_errors()
        '    <p class="field-error">This row was incomplete: reload the page and enter it again.</p>'
        if form.hidden_errors
        else "    ",
        f"    {hidden}",
        '    <div class="review-grid">',
        *_field(form["rag"], "", ("RAG rating", "RAG"), short),
        "      </div>",
        *_field(form["completed"], " checkbox-field", "Complete", short, first=False),
        "      </div>",
        *_field(form["due_date"], "", ("Due date", "Due"), short),
        "      </div>",
        *_field(form["commentary"], " review-wide", ("New commentary", "New commentary"), short),
        f"        {COMMENTARY_NEEDED}",
        "      </div>",
        *_field(form["next_steps"], " review-wide", ("Next steps", "Next steps"), short),
        "      </div>",
        "    </div>",
        "  </td>",
    ]
    return lines


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
    action, form = row.action, row.form
    links = context.render_context.get("review_row_links")
    if links is None:
        links = context.render_context["review_row_links"] = display.url_maker("action-detail")
    css = (" stale" if row.stale else "") + (" has-problem" if row.has_problem else "")
    short = _text(display.truncate_chars(action.text, 90))
    stale = " data-stale" if row.stale else ""
    lines = [
        f'\n\n<tr id="action-{action.pk}" class="review-row{css}" data-status-row{stale}>',
        *_heading(row, action, links(action.pk)),
        *_inputs(form, short, _conflict(context, row)),
        "</tr>\n\n",
    ]
    return mark_safe("\n".join(lines))  # noqa: S308 — every text is escaped, the inputs are the form's
