"""The reference tables kept between requests (plans/shared_tables.py): read once, and read
again after any committed write to one of them."""

from drivers.models import Driver
from plans.models import Action, Pillar
from tests.kept_helpers import page_reads

# How a read of each kept table begins (not a prefetch of an action's drivers, which joins them).
REFERENCE_READS = tuple(
    f'SELECT "{table}"."id"' for table in ("drivers_driver", "plans_pillar", "plans_bcu", "drivers_measure")
)


def _reference_reads(client, url):
    return page_reads(client, url, lambda sql: sql.startswith(REFERENCE_READS))


def test_a_second_page_reads_no_reference_table(kept, client_as, world):
    client = client_as("oversight")
    _, first = _reference_reads(client, "/oversight/")
    assert first  # read once, on the first page
    _, second = _reference_reads(client, "/oversight/")
    assert second == []
    _, borough = _reference_reads(client, "/boroughs/southwark/")
    assert borough == []  # kept for every page of the process


def test_a_committed_write_to_a_reference_table_is_seen_on_the_next_page(
    kept, client_as, world, django_capture_on_commit_callbacks
):
    client = client_as("oversight")
    _reference_reads(client, "/oversight/")
    pillar = Pillar.objects.order_by("order").first()
    with django_capture_on_commit_callbacks(execute=True):
        Pillar.objects.filter(pk=pillar.pk).update(name="Renamed pillar for the test")
    response, reads = _reference_reads(client, "/oversight/")
    assert reads  # read again under the new reference generation
    assert "Renamed pillar for the test" in response.content.decode()


def test_a_write_to_other_data_keeps_the_reference_tables(
    kept, client_as, world, southwark_plan, django_capture_on_commit_callbacks
):
    client = client_as("oversight")
    _reference_reads(client, "/oversight/")
    with django_capture_on_commit_callbacks(execute=True):
        Action.objects.filter(objective__plan=southwark_plan).update(next_steps="New next steps")
    _, reads = _reference_reads(client, "/oversight/")
    assert reads == []


def test_a_plans_new_title_is_seen_on_the_next_page(
    kept, client_as, world, southwark_plan, django_capture_on_commit_callbacks
):
    client = client_as("oversight")
    client.get("/oversight/")
    with django_capture_on_commit_callbacks(execute=True):
        southwark_plan.__class__.objects.filter(pk=southwark_plan.pk).update(title="A new title for the test")
    response = client.get("/oversight/")
    shown = {row.plan.title for row in response.context["rows"]}  # the plans the page kept
    assert "A new title for the test" in shown


def test_what_is_kept_is_read_again_when_older_than_the_setting(kept, settings, client_as, world):
    client = client_as("oversight")
    _reference_reads(client, "/oversight/")
    settings.REFERENCE_TABLES_SECONDS = 0.000001
    _, reads = _reference_reads(client, "/oversight/")
    assert reads


def test_a_user_who_may_read_no_borough_gets_none_from_what_is_kept(kept, client_as, world):
    from plans.dashboards.frame import Tables

    oversight = client_as("oversight")
    _reference_reads(oversight, "/oversight/")
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.get(username="no.role")
    assert Tables(nobody).boroughs == []
    assert Driver.objects.exists()
