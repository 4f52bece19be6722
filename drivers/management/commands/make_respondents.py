from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drivers.respondents import make_respondents, write_respondents


class Command(BaseCommand):
    help = (
        "Write a SYNTHETIC respondent-level survey sample (made-up people, every row labelled "
        "data_label=synthetic) with known true driver weights, for trying the key-driver analysis. "
        "Deterministic for a given --seed. Never survey figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=24000, help="Number of respondents (default 24,000).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True, help="Path of the CSV file to write.")

    def handle(self, *args, **opts):
        if not 1 <= opts["n"] <= 1_000_000:
            raise CommandError("Use --n from 1 to 1,000,000.")
        out = Path(opts["out"])
        if not out.parent.is_dir():
            raise CommandError(f"No such folder: {out.parent}")
        rows = write_respondents(make_respondents(n=opts["n"], seed=opts["seed"]), out)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {rows:,} SYNTHETIC respondents to {out} (seed {opts['seed']}).")
        )
