from django.apps import AppConfig


class TrustplanConfig(AppConfig):
    name = "trustplan"
    verbose_name = "TrustPlan"

    def ready(self):
        from . import security

        security.connect_receivers()
