"""Tags writing whole tables of the dashboards in one call each: the oversight page's borough
table grouped by BCU and its "who has not updated" rows; a borough's "Confidence drivers" table
and its plan (a table per objective). As template loops (a dozen nodes a line, hundreds of lines)
they were a fifth of building those pages. The markup is the loops' own, every text escaped;
``tests/test_row_tags.py`` compares each with the loop it replaces.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from plans import display
from plans.badges import status_badge
from plans.display import escaped
from plans.refs import objective_ref
from plans.templatetags.dashboard_cells import borough_rows, plan_row_html, total_tds

register = template.Library()

ESCALATED = ' <span class="escalated" title="Stale for two review intervals or more">⚠ escalated</span>'


def _not_updated_row(row, show_borough, link):
    action = row.action
    borough = f"<td>{escaped(action.objective.plan.borough.name)}</td>" if show_borough else ""
    owners = ", ".join(escaped(owner.label) for owner in row.owners) if row.owners else "—"
    text = display.html_text(display.truncate_chars(action.text, 110))
    age = "never" if row.age_days is None else str(row.age_days)
    return (
        "\n      <tr>\n"
        f"        {borough}\n"
        f"        <td>{owners}</td>\n"
        f'        <td><a href="{escaped(link(action.pk))}">{text}</a></td>\n'
        f"        <td>{status_badge(action.eff_status)}</td>\n"
        f'        <td class="num">{age}{ESCALATED if row.escalated else ""}</td>\n'
        "      </tr>\n    "
    )


@register.simple_tag
def not_updated_rows(rows, show_borough):
    """The rows of the "who has not updated" panel (``reporting.Overdue``): the borough when
    ``show_borough``, the owners, the action (cut at 110 characters, linked), its status, the
    days since its last review ("never") and whether it is escalated."""
    link = display.url_maker("action-detail")
    return mark_safe("".join(_not_updated_row(row, show_borough, link) for row in rows))  # noqa: S308


def _bcu_group(group, list_url, quarter, as_at, compare, subtotals, paged):
    name, columns = escaped(group.bcu.name), 12 if compare else 11
    lines = [
        '\n      <tbody class="bcu-group">\n'
        f'        <tr class="bcu-row"><th scope="rowgroup" colspan="{columns}">{name} BCU</th></tr>\n'
        f"        {borough_rows(group.rows, list_url, quarter, as_at, compare)}\n        "
    ]
    if subtotals:
        counts, link = group.counts, escaped(list_url)
        when = counts.last_review
        when = display.day_month_year(template_localtime(when)) if when else "—"
        lines.append(
            '<tr class="bcu-subtotal">\n'
            f'          <th scope="row" colspan="2">{name} BCU{" (all its boroughs)" if paged else ""}</th>\n'
            f'          <td class="num"><a href="{link}?{escaped(group.url)}">{counts.total}</a></td>\n'
            f"          {total_tds(group.cells, list_url, quarter, f'{group.bcu.name} BCU')}\n"
            f'          <td class="num"><a href="{link}?{escaped(group.stale_url)}">{counts.stale}</a></td>\n'
            f'          <td class="num"><a href="{link}?{escaped(group.overdue_url)}">'
            f"{counts.overdue}</a></td>\n"
            f"          <td>{when}</td>\n"
            f"          {'<td></td>' if compare else ''}\n"
            "        </tr>"
        )
    lines.append("\n      </tbody>\n      ")
    return "".join(lines)


@register.simple_tag
def bcu_groups(groups, list_url, quarter, as_at, compare, paged):
    """The oversight page's borough table grouped by BCU (``london.BcuGroup``): per BCU a heading
    row, its boroughs (``borough_rows``) and, when there are several BCUs or other pages
    (``paged``), the BCU's subtotal row with its status cells (``total_tds``)."""
    subtotals = len(groups) > 1 or bool(paged)
    return mark_safe(  # noqa: S308 — numbers, dates and escaped text
        "".join(_bcu_group(g, list_url, quarter, as_at, compare, subtotals, paged) for g in groups)
    )


def _plural(number):
    """``{{ number|pluralize }}``: "s" unless one."""
    return "" if number == 1 else "s"


def _mix(counts):
    if not counts:
        return "—"
    return "".join(
        f'<span class="mix">{status_badge(s)} {n}</span> ' for s, n, _share in counts.statuses() if n
    )


def _questions(questions):
    if not questions:
        return "—"
    items = "".join(f"<li>{escaped(q)}</li>" for q in questions)
    return (
        f"<details><summary>{len(questions)} question{_plural(len(questions))}</summary>"
        f'<ul class="questions">{items}</ul></details>'
    )


def _coverage_row(item, list_url):
    driver, cell = item["driver"], item["cell"]
    return (
        "\n      <tr>\n"
        f'        <th scope="row">{escaped(driver.name)}</th>\n'
        f'        <td class="heat {escaped(cell.css)}"><a href="{list_url}?{escaped(cell.url)}">'
        f'<span aria-hidden="true">{escaped(cell.glyph)}</span> {escaped(cell.label)}</a></td>\n'
        f'        <td class="num">{cell.total}</td>\n'
        f"        <td>{_mix(cell.counts)}</td>\n"
        f"        <td>{_questions(driver.questions)}</td>\n"
        "      </tr>\n    "
    )


@register.simple_tag
def coverage_rows(coverage, list_url):
    """The rows of a borough's "Confidence drivers" table (``borough.coverage_panel``): each
    driver, how the plan covers it (a link to its actions), how many actions, how they stand,
    and its questions to ask."""
    list_url = escaped(list_url)
    return mark_safe("".join(_coverage_row(item, list_url) for item in coverage))  # noqa: S308 — escaped


PLAN_HEAD = (
    '<thead><tr><th scope="col" class="col-no">No.</th><th scope="col">Action</th>'
    '<th scope="col">Owners</th><th scope="col">Status</th><th scope="col">Last update</th>'
    '<th scope="col" class="num">Age (days)</th><th scope="col">Due</th></tr></thead>'
)


def _plan_table(entry, link):
    objective = entry["objective"]
    rows = "".join(plan_row_html(action, link) for action in entry["actions"])
    return (
        '\n  <div class="table-wrap">\n  <table class="plan-table">\n'
        f"    <caption>{escaped(objective_ref(objective))}. {escaped(objective.title)}</caption>\n"
        f"    {PLAN_HEAD}\n    <tbody>\n    {rows}\n    </tbody>\n  </table>\n  </div>\n  "
    )


@register.simple_tag
def plan_tables(pillars):
    """A borough's plan (``borough.pillars_panel``' entries): per pillar with objectives its
    heading and action count, per objective a table of its actions (``plan_rows``); a sentence
    when no action matches the filters."""
    if not pillars:
        return mark_safe("<p>No actions match these filters.</p>")
    link, parts = display.url_maker("action-detail"), []
    for entry in pillars:
        if not entry["objectives"]:
            continue
        total = entry["counts"].total
        parts.append(
            f'\n  <h3 class="pillar-heading">{escaped(entry["pillar"].name)} <span class="muted">· '
            f"{total} action{_plural(total)}</span></h3>\n  "
        )
        parts.extend(_plan_table(objective, link) for objective in entry["objectives"])
        parts.append("\n  ")
    return mark_safe("".join(parts))  # noqa: S308 — numbers and escaped text
