"""Tags of the dashboards' long tables: the London dashboard's borough rows, their status cells
and the change since the last quarter (▲ 3 / ▼ 2 / =) beside each figure; the rows of a borough's
plan.

The borough table has a cell per borough and status (and one more per BCU and for London), each
with its change; a borough's plan a row per action: as template includes and loops they were
most of the pages' templates. Written here with the same markup, every text escaped; a cell is a
dict of ``plans.dashboards.links.status_cells``.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from plans import display
from plans.badges import status_badge
from plans.display import escaped
from plans.refs import action_ref

register = template.Library()

STALE = ' <span class="stale-flag">stale</span>'
OVERDUE = ' <span class="overdue-flag">overdue</span>'
SYNTHETIC = ' <span class="synthetic-flag" title="Synthetic data for demonstration">synthetic</span>'


def delta_html(cell, quarter):
    """The change of a status cell since the end of ``quarter`` (its label), if known, and a
    line end (as the include it replaces wrote)."""
    delta = cell["delta"]
    if delta is None:
        return "\n"
    quarter = escaped(quarter)
    if delta == 0:
        return (
            f'<span class="delta delta-same" title="No change since the end of {quarter}">'
            f'<span aria-hidden="true">=</span><span class="visually-hidden">no change since the end of '
            f"{quarter}</span></span>\n"
        )
    size = cell["delta_abs"]
    kind, arrow, more = ("up", "▲", "more") if delta > 0 else ("down", "▼", "fewer")
    return (
        f'<span class="delta delta-{kind}" title="{size} {more} than at the end of {quarter}">'
        f'<span aria-hidden="true">{arrow}</span>{size}'
        f'<span class="visually-hidden"> {more} since the end of {quarter}</span></span>\n'
    )


@register.simple_tag
def delta(cell, quarter):
    """``{% delta cell previous_quarter.label %}``."""
    return mark_safe(delta_html(cell, quarter))  # noqa: S308 — numbers and the escaped label


def status_tds(cells, name, list_url, quarter):
    """The status cells of a borough row: count (a link to those actions), share and change;
    ``name`` and ``list_url`` already escaped."""
    parts = []
    for cell in cells:
        count, share = cell["count"], cell["share"]
        label = escaped(cell["status"].label)
        parts.append(
            f'\n  <td class="num cell-status" data-sort="{share}"><a href="{list_url}?'
            f'{escaped(cell["url"])}" aria-label="{name}: {count} {label}, {share}%">{count}</a> '
            f'<span class="share">{share}%</span>{delta_html(cell, quarter)}</td>\n  '
        )
    return "".join(parts)


@register.simple_tag
def chart_tds(cells, name, list_url):
    """The status cells of a row of the numbers behind a chart: count (a link to those actions,
    labelled with the row's name) and share."""
    name, list_url = escaped(name), escaped(list_url)
    parts = []
    for cell in cells:
        count, url, label = cell["count"], escaped(cell["url"]), escaped(cell["status"].label)
        parts.append(
            f'<td class="num"><a href="{list_url}?{url}" aria-label="{name}: {count} {label}">{count}</a> '
            f'<span class="share">{cell["share"]}%</span></td>'
        )
    return mark_safe("".join(parts))  # noqa: S308 — numbers and escaped text


@register.simple_tag
def total_tds(cells, list_url, quarter, named=""):
    """The status cells of a total row (a BCU's, London's): count, share and change; with
    ``named`` (e.g. "Central South BCU") each link says whose figure it is."""
    list_url, named = escaped(list_url), escaped(named)
    parts = []
    for cell in cells:
        count, share = cell["count"], cell["share"]
        label = ""
        if named:
            label = f' aria-label="{named}: {count} {escaped(cell["status"].label)}, {share}%"'
        parts.append(
            f'<td class="num"><a href="{list_url}?{escaped(cell["url"])}"{label}>{count}</a> '
            f'<span class="share">{share}%</span>{delta_html(cell, quarter)}</td>'
        )
    return mark_safe("".join(parts))  # noqa: S308 — numbers and escaped text


def _last_review(when):
    """The last-review cell: sortable ISO time and the date the British way, or "—"."""
    if not when:
        return '<td data-sort="">—</td>'
    when = template_localtime(when)
    iso = when.isoformat()
    return f'<td data-sort="{iso}"><time datetime="{iso}">{display.day_month_year(when)}</time></td>'


def _moves(row, link, name, compare):
    if not compare:
        return ""
    return (
        f'<td class="num"><a href="{link}?{escaped(row.moves_url)}#moves" aria-label="{name}: '
        f'{row.moved_up} moved up, {row.moved_down} moved down since {display.day_month_year(compare)}">'
        f'<span title="moved up">↑ {row.moved_up}</span> · '
        f'<span title="moved down">↓ {row.moved_down}</span></a></td>'
    )


def _count_td(number, list_url, query):
    query = escaped(query)
    return f'<td class="num" data-sort="{number}"><a href="{list_url}?{query}">{number}</a></td>'


def _borough_row(row, page, list_url, quarter, as_at, compare):
    borough, counts = row.borough, row.counts
    link, name = page(borough.slug), escaped(borough.name)
    synthetic = SYNTHETIC if borough.is_synthetic or getattr(row.plan, "is_synthetic", False) else ""
    as_at = f"?as_at={as_at.isoformat()}" if as_at else ""
    return (
        f'\n<tr>\n  <th scope="row"><a href="{link}{as_at}">{name}</a>{synthetic}</th>\n'
        f"  <td>{escaped(borough.bcu.name)}</td>\n"
        f"  {_count_td(counts.total, list_url, row.total_url)}\n"
        f"  {status_tds(row.cells, name, list_url, quarter)}\n"
        f"  {_count_td(counts.stale, list_url, row.stale_url)}\n"
        f"  {_count_td(counts.overdue, list_url, row.overdue_url)}\n"
        f"  {_last_review(counts.last_review)}\n  {_moves(row, link, name, compare)}\n</tr>\n"
    )


@register.simple_tag
def borough_rows(rows, list_url, quarter, as_at, compare):
    """``{% borough_rows rows action_list_url previous_quarter.label as_at compare_date %}``: a
    ``<tr>`` per borough: name (a link to its dashboard, as at the page's date), BCU, actions,
    the status cells, stale, overdue, last review and, with a comparison date, the moves."""
    page, list_url = display.url_maker("borough-dashboard"), escaped(list_url)
    return mark_safe(  # noqa: S308 — numbers, dates and escaped text
        "".join(_borough_row(row, page, list_url, quarter, as_at, compare) for row in rows)
    )


def plan_row_html(action, link):
    """The ``<tr>`` of ``action`` in its objective's table (``plan_rows``); ``link``: a
    ``display.url_maker`` of the action page."""
    owners = [display.html_text(owner.label) for owner in action.owner_list]
    reviewed = action.eff_reviewed_at
    if reviewed:
        day = display.day_month_year(template_localtime(reviewed))
        reviewed = f'<time datetime="{display.iso_time(reviewed)}">{day}</time>'
    stale = action.is_stale_now
    text = display.html_text(display.truncate_chars(action.text, 220))
    return (
        f'\n      \n      <tr class="{"stale" if stale else ""}">\n'
        f"        <td>{display.html_text(action_ref(action))}</td>\n"
        f'        <td><a href="{link(action.pk)}">{text}</a></td>\n'
        f"        <td>{'; '.join(owners) if owners else '—'}</td>\n"
        f"        <td>{status_badge(action.eff_status)}</td>\n"
        f"        <td>{reviewed or 'never'}</td>\n"
        f'        <td class="num">{"—" if action.age_days is None else display.html_text(action.age_days)}'
        f"{STALE if stale else ''}</td>\n"
        f"        <td>{display.day_month_year(action.due_date) if action.due_date else '—'}"
        f"{OVERDUE if action.is_overdue_now else ''}</td>\n      </tr>\n    "
    )


@register.simple_tag
def plan_rows(actions):
    """``{% plan_rows o.actions %}``: a ``<tr>`` per action of an objective on a borough's
    dashboard: reference, text (a link to the action), owners, status, last update, age, due."""
    link = display.url_maker("action-detail")
    return mark_safe("".join(plan_row_html(action, link) for action in actions))  # noqa: S308 — escaped


@register.simple_tag
def month_rows(rows):
    """The numbers behind the month-by-month chart: a row per month end, ``[(day, numbers)]``."""
    return mark_safe(  # noqa: S308 — dates and numbers
        "".join(
            f'<tr><th scope="row">{display.day_month_year(day)}</th>'
            + "".join(f'<td class="num">{display.html_text(n)}</td>' for n in numbers)
            + "</tr>"
            for day, numbers in rows
        )
    )


@register.simple_tag
def return_status_rows(rows):
    """``{% return_status_rows return_rows %}``: a ``<tr>`` per borough of the oversight page's
    quarterly returns (``reporting.return_status_panel``): the borough (a link to its returns),
    the return's status (a link to it) or "Not started", and the day it was signed off."""
    returns, detail = display.url_maker("borough-returns"), display.url_maker("return-detail")
    parts = []
    for row in rows:
        borough, ret = row["plan"].borough, row["ret"]
        if ret:
            status = (
                f'<a href="{detail(ret.pk)}"><span class="return-status return-{escaped(ret.status)}">'
                f"{escaped(ret.get_status_display())}</span></a>"
            )
        else:
            status = '<span class="return-status return-not_started">Not started</span>'
        signed = ret.signed_off_at if ret else None
        signed = display.day_month_year(template_localtime(signed)) if signed else "—"
        parts.append(
            f'\n      <tr>\n        <td><a href="{returns(borough.slug)}">{escaped(borough.name)}</a></td>\n'
            f"        <td>{status}</td>\n        <td>{signed}</td>\n      </tr>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 — escaped text, our markup


def _short_item(action, link):
    owners = "; ".join(display.html_text(owner.label) for owner in action.owner_list)
    text = display.html_text(display.truncate_chars(action.text, 90))
    age = "" if action.age_days is None else f" · {display.html_text(action.age_days)} days since review"
    due = f" · due {display.day_month_year(action.due_date)}" if action.due_date else ""
    return (
        f"\n    \n    <li>{status_badge(action.eff_status)} "
        f'<a href="{link(action.pk)}">{text}</a> <span class="muted">{owners}{age}{due}</span></li>\n    '
    )


@register.simple_tag
def short_list_items(actions, limit=8):
    """``{% short_list_items items %}``: an ``<li>`` for each of the first ``limit`` actions of a
    borough dashboard's Red, stale or overdue list: badge, text (a link), owners, age, due date."""
    link = display.url_maker("action-detail")
    return mark_safe("".join(_short_item(action, link) for action in actions[:limit]))  # noqa: S308 — escaped
