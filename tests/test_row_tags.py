"""The rows of the oversight page's "Where plans are blind" and "who has not updated" tables,
written by tags, are the template loops they replace, byte for byte, escaping included."""

import types

import pytest
from django.template import engines

from plans.models import Action
from plans.templatetags.dashboard_tables import bcu_groups, coverage_rows, not_updated_rows, plan_tables
from plans.templatetags.outcome_panels import london_gap_rows

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & \'q\' "dq" <b>&amp;'
LONDON_GAP_LOOP = "{% load trustplan %}" + (
    "{% for row in gaps.rows %}\n"
    '      <tr{% if row.blind %} class="is-blind"{% endif %}>\n'
    '        <th scope="row"><a href="{% link_to \'borough-dashboard\' row.borough.slug %}#driver'
    '-gaps">{{ row.borough.name }}</a></th>\n'
    '        <td class="num">{% if row.blind %}<span class="flag-blind">{{ row.blind|length }}<'
    "/span>{% else %}0{% endif %}</td>\n"
    "        <td>{% for g in row.blind %}{{ g.driver.name }}{% if g.action_total %} (only Red){"
    "% else %} (no action){% endif %}{% if not forloop.last %}; {% endif %}{% empty %}<span cla"
    'ss="muted">—</span>{% endfor %}</td>\n'
    "        <td>{% for g in row.below %}{{ g.driver.name }}{% if not forloop.last %}; {% endif"
    ' %}{% empty %}<span class="muted">None</span>{% endfor %}</td>\n'
    '        <td class="num">{{ row.score|fixed:2 }}</td>\n'
    "      </tr>\n"
    "    {% endfor %}"
)
NOT_UPDATED_LOOP = "{% load trustplan %}" + (
    "{% for row in not_updated_rows %}\n"
    "      <tr>\n"
    "        {% if show_borough %}<td>{{ row.action.objective.plan.borough.name }}</td>{% endif"
    " %}\n"
    "        <td>{% for owner in row.owners %}{{ owner.label }}{% if not forloop.last %}, {% en"
    "dif %}{% empty %}—{% endfor %}</td>\n"
    "        <td><a href=\"{% link_to 'action-detail' row.action.pk %}\">{{ row.action.text|trunc"
    "ate:110 }}</a></td>\n"
    "        <td>{% rag_badge row.action.eff_status %}</td>\n"
    '        <td class="num">{% if row.age_days is None %}never{% else %}{{ row.age_days }}{% e'
    'ndif %}{% if row.escalated %} <span class="escalated" title="Stale for two review interval'
    's or more">⚠ escalated</span>{% endif %}</td>\n'
    "      </tr>\n"
    "    {% endfor %}"
)
BCU_GROUPS_LOOP = "{% load dashboard_cells trustplan %}" + (
    "{% for group in groups %}\n"
    '      <tbody class="bcu-group">\n'
    '        <tr class="bcu-row"><th scope="rowgroup" colspan="{% if compare_date %}12{% else %'
    '}11{% endif %}">{{ group.bcu.name }} BCU</th></tr>\n'
    "        {% borough_rows group.rows action_list_url previous_quarter.label as_at compare_da"
    "te %}\n"
    '        {% if groups|length > 1 or borough_page.has_other_pages %}<tr class="bcu-subtotal"'
    ">\n"
    '          <th scope="row" colspan="2">{{ group.bcu.name }} BCU{% if borough_page.has_other'
    "_pages %} (all its boroughs){% endif %}</th>\n"
    '          <td class="num"><a href="{{ action_list_url }}?{{ group.url }}">{{ group.counts.'
    "total }}</a></td>\n"
    '          {% with bcu_name=group.bcu.name|add:" BCU" %}{% total_tds group.cells action_lis'
    "t_url previous_quarter.label bcu_name %}{% endwith %}\n"
    '          <td class="num"><a href="{{ action_list_url }}?{{ group.stale_url }}">{{ group.c'
    "ounts.stale }}</a></td>\n"
    '          <td class="num"><a href="{{ action_list_url }}?{{ group.overdue_url }}">{{ group'
    ".counts.overdue }}</a></td>\n"
    '          <td>{{ group.counts.last_review|date:"j M Y"|default:"—" }}</td>\n'
    "          {% if compare_date %}<td></td>{% endif %}\n"
    "        </tr>{% endif %}\n"
    "      </tbody>\n"
    "      {% endfor %}"
)
COVERAGE_LOOP = "{% load trustplan %}" + (
    "{% for item in coverage %}\n"
    "      <tr>\n"
    '        <th scope="row">{{ item.driver.name }}</th>\n'
    '        <td class="heat {{ item.cell.css }}"><a href="{{ action_list_url }}?{{ item.cell.u'
    'rl }}"><span aria-hidden="true">{{ item.cell.glyph }}</span> {{ item.cell.label }}</a></td'
    ">\n"
    '        <td class="num">{{ item.cell.total }}</td>\n'
    "        <td>{% if item.cell.counts %}{% for status, n, share in item.cell.counts.statuses "
    '%}{% if n %}<span class="mix">{% rag_badge status %} {{ n }}</span> {% endif %}{% endfor %'
    "}{% else %}—{% endif %}</td>\n"
    "        <td>{% if item.driver.questions %}<details><summary>{{ item.driver.questions|lengt"
    'h }} question{{ item.driver.questions|length|pluralize }}</summary><ul class="questions">{'
    "% for q in item.driver.questions %}<li>{{ q }}</li>{% endfor %}</ul></details>{% else %}—{"
    "% endif %}</td>\n"
    "      </tr>\n"
    "    {% endfor %}"
)
PLAN_LOOP = "{% load dashboard_cells trustplan %}" + (
    "{% for p in pillars %}{% if p.objectives %}\n"
    '  <h3 class="pillar-heading">{{ p.pillar.name }} <span class="muted">· {{ p.counts.total }'
    "} action{{ p.counts.total|pluralize }}</span></h3>\n"
    "  {% for o in p.objectives %}\n"
    '  <div class="table-wrap">\n'
    '  <table class="plan-table">\n'
    "    <caption>{{ o.objective|objective_ref }}. {{ o.objective.title }}</caption>\n"
    '    <thead><tr><th scope="col" class="col-no">No.</th><th scope="col">Action</th><th scope'
    '="col">Owners</th><th scope="col">Status</th><th scope="col">Last update</th><th scope="co'
    'l" class="num">Age (days)</th><th scope="col">Due</th></tr></thead>\n'
    "    <tbody>\n"
    "    {% plan_rows o.actions %}\n"
    "    </tbody>\n"
    "  </table>\n"
    "  </div>\n"
    "  {% endfor %}\n"
    "  {% endif %}{% empty %}<p>No actions match these filters.</p>{% endfor %}"
)


def _driver(name, action_total=0):
    return types.SimpleNamespace(driver=types.SimpleNamespace(name=name), action_total=action_total)


def test_the_blind_rows_are_the_template_loops_rows(southwark):
    southwark.name = HOSTILE
    rows = [
        {
            "borough": southwark,
            "blind": [_driver(HOSTILE), _driver("Fairness", 3)],
            "below": [_driver("A & B")],
            "score": 12.345,
        },
        {"borough": southwark, "blind": [], "below": [], "score": 0},
        {"borough": southwark, "blind": [_driver("Only")], "below": [], "score": 1.005},
    ]
    template = engines["django"].from_string(LONDON_GAP_LOOP)
    assert str(london_gap_rows(rows)) == template.render({"gaps": {"rows": rows}})
    assert "<script>" not in str(london_gap_rows(rows))


def test_the_not_updated_rows_are_the_template_loops_rows(southwark_plan):
    actions = list(
        Action.objects.filter(objective__plan=southwark_plan).select_related("objective__plan__borough")[:3]
    )
    actions[0].text = HOSTILE * 10
    actions[0].objective.plan.borough.name = HOSTILE
    for action, status in zip(actions, ["red", "complete", "not_rated"], strict=True):
        action.eff_status = status
    owner, owner_without_label = types.SimpleNamespace(label=HOSTILE), types.SimpleNamespace(label="")
    rows = [
        types.SimpleNamespace(action=actions[0], owners=[owner, owner], age_days=None, escalated=True),
        types.SimpleNamespace(action=actions[1], owners=[], age_days=40, escalated=False),
        types.SimpleNamespace(action=actions[1], owners=[owner_without_label], age_days=1, escalated=0),
        types.SimpleNamespace(
            action=actions[2], owners=[types.SimpleNamespace(label="DI Smith")], age_days=0, escalated=True
        ),
    ]
    template = engines["django"].from_string(NOT_UPDATED_LOOP)
    for show_borough in (True, False):
        context = {"not_updated_rows": rows, "show_borough": show_borough}
        assert str(not_updated_rows(rows, show_borough)) == template.render(context)
        assert "<script>" not in str(not_updated_rows(rows, show_borough))


def test_the_bcu_groups_are_the_template_loops_groups(client, oversight_user):
    """With and without a comparison date, several BCUs or one, other pages or none."""
    client.force_login(oversight_user)
    template = engines["django"].from_string(BCU_GROUPS_LOOP)
    for query in ("", "?compare=2024-03-31", "?bcu=central-south"):
        context = client.get("/oversight/" + query).context
        groups = context["groups"]
        assert groups, query
        groups[0].bcu.name = HOSTILE
        for paged in (True, False):
            values = {
                key: context[key]
                for key in ("groups", "action_list_url", "previous_quarter", "as_at", "compare_date")
            }
            values["borough_page"] = types.SimpleNamespace(has_other_pages=paged)
            args = (
                values["action_list_url"],
                values["previous_quarter"].label,
                values["as_at"],
                values["compare_date"],
            )
            written = str(bcu_groups(groups, *args, paged))
            assert written == template.render(values), (query, paged)
            assert "<script>" not in written


def test_the_coverage_rows_and_plan_tables_are_the_template_loops(client, oversight_user):
    """On the Southwark dashboard, unfiltered, filtered and with no action matching."""
    client.force_login(oversight_user)
    coverage_loop = engines["django"].from_string(COVERAGE_LOOP)
    plan_loop = engines["django"].from_string(PLAN_LOOP)
    for query in ("", "?rag=red", "?pillar=less-crime&rag=green"):
        context = client.get("/boroughs/southwark/" + query).context
        coverage, pillars, list_url = context["coverage"], context["pillars"], context["action_list_url"]
        assert coverage, query
        coverage[0]["driver"].name = HOSTILE
        coverage[0]["driver"].questions = [HOSTILE, "Why?"]
        coverage[1]["driver"].questions = ["Only one"]
        for entry in pillars:
            entry["pillar"].name = HOSTILE
            for objective in entry["objectives"]:
                objective["objective"].title = HOSTILE
        written = str(coverage_rows(coverage, list_url))
        assert written == coverage_loop.render({"coverage": coverage, "action_list_url": list_url}), query
        assert str(plan_tables(pillars)) == plan_loop.render({"pillars": pillars}), query
        assert "<script>" not in written + str(plan_tables(pillars))
    assert (
        str(plan_tables([])) == plan_loop.render({"pillars": []}) == "<p>No actions match these filters.</p>"
    )
