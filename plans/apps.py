from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Borough plans and delivery"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import freshness

        freshness.connect()
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="trustplan-cache-table")


def create_cache_table(using="default", **kwargs):
    """``migrate`` also creates the database cache's table (idempotent), so that a new database
    is whole after ``migrate`` alone: the page cache and the API throttles live there."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
