from django.core.management.base import BaseCommand

from drivers.loaders import load_frameworks, load_measures
from plans.outcomes import load_targets
from plans.reference import load_boroughs, load_pas_readings, load_pillars
from plans.roles import ensure_groups


class Command(BaseCommand):
    help = (
        "Load reference data from fixtures/: pillars, frameworks and drivers, BCUs and boroughs, "
        "survey measures and the real MOPAC Public Attitude Survey readings, and the role groups. "
        "Idempotent: safe to run again."
    )

    def handle(self, *args, **options):
        pillars = load_pillars()
        frameworks, drivers = load_frameworks()
        bcus, boroughs = load_boroughs()
        measures = load_measures()
        readings = load_pas_readings()
        load_targets()
        groups = ensure_groups()
        summary = (
            f"Reference data: {pillars} pillars, {frameworks} frameworks, {drivers} drivers, "
            f"{bcus} BCUs, {boroughs} boroughs, {measures} measures, {readings} new survey readings, "
            f"{groups} role groups."
        )
        self.stdout.write(self.style.SUCCESS(summary))
