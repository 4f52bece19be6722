from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.publishing.worddoc import plan_docx_bytes


class Command(BaseCommand):
    help = (
        "Write a borough's plan as a Word document in the borough's own layout "
        "(pillar headings, objective rows, action | owner | RAG)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--borough", required=True, help="The borough's slug, e.g. southwark.")
        parser.add_argument("--out", required=True, help="The .docx file to write.")

    def handle(self, *args, borough, out, **options):
        plan = Plan.objects.filter(borough__slug=borough).select_related("borough").first()
        if plan is None:
            raise CommandError(f"No plan is recorded for a borough with the slug '{borough}'.")
        if not out.lower().endswith(".docx"):
            raise CommandError(f"--out {out}: the file name must end in .docx.")
        data = plan_docx_bytes(plan)
        try:
            with open(out, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CommandError(f"Could not write {out}: {exc.strerror}.") from None
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {plan.borough.name}'s plan to {out} ({len(data):,} bytes).")
        )
