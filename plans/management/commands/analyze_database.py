from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = (
        "Gather the database's statistics (ANALYZE) so that it plans the dashboards' counts well: "
        "SQLite keeps none until asked (without them the oversight page's counts run about 1.5 times "
        "slower at national scale); PostgreSQL's autovacuum gathers them itself where it runs. "
        "Run after migrate and after large imports; safe to run at any time (it writes no data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args, database="default", **options):
        if database not in connections:
            raise CommandError(f"--database {database!r}: no such database alias (settings.DATABASES).")
        connection = connections[database]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Statistics gathered ({connection.vendor})."))
