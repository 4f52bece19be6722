from django.core.management.base import BaseCommand, CommandError

from plans.synthetic import make_synthetic


class Command(BaseCommand):
    help = (
        "Give N boroughs a synthetic plan (clearly labelled) with M months of monthly status updates. "
        "Deterministic for a given --seed; beyond the 32 London boroughs, labelled synthetic boroughs "
        "are created. Idempotent: existing synthetic plans count towards N."
    )

    def add_arguments(self, parser):
        parser.add_argument("--boroughs", type=int, default=32)
        parser.add_argument("--months", type=int, default=36)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--actions", type=int, default=60, help="Actions per plan (default 60).")

    def handle(self, *args, **opts):
        if opts["boroughs"] < 0 or not 1 <= opts["months"] <= 240 or not 1 <= opts["actions"] <= 1000:
            raise CommandError("Use --boroughs ≥ 0, --months 1–240 and --actions 1–1000.")
        try:
            result = make_synthetic(
                boroughs=opts["boroughs"],
                months=opts["months"],
                seed=opts["seed"],
                actions_per_plan=opts["actions"],
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic data: {result.boroughs} new plans ({result.skipped} already present), "
                f"{result.actions} actions, {result.updates} status updates."
            )
        )
