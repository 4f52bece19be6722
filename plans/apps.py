from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Borough plans and delivery"

    def ready(self):
        from . import freshness

        freshness.connect()
