"""Management commands: idempotent, refusing what they must."""

import io

import pytest
from django.core.management import CommandError, call_command

from plans.models import Action, StatusUpdate

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_in_production(world, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")


def test_load_demo_twice_does_not_duplicate(world, settings):
    settings.DEBUG = True
    before = (Action.objects.count(), StatusUpdate.objects.count())
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert (Action.objects.count(), StatusUpdate.objects.count()) == before


def test_make_synthetic_rejects_silly_arguments(world):
    with pytest.raises(CommandError, match="--months"):
        call_command("make_synthetic", "--boroughs", "2", "--months", "0")


def test_analyze_database_gathers_the_statistics(world):
    from django.db import connection

    out = io.StringIO()
    call_command("analyze_database", stdout=out)
    assert "Statistics gathered" in out.getvalue()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'plans_action'")
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'plans_action'")
        assert cursor.fetchone()[0] > 0


def test_analyze_database_names_an_unknown_alias():
    with pytest.raises(CommandError, match="--database 'nowhere': no such database alias"):
        call_command("analyze_database", database="nowhere")
