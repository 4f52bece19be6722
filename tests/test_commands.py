"""Management commands: idempotent, refusing what they must."""

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
