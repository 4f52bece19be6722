from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from trustplan.security import log_event


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app and recovery codes (a lost phone). At their next "
        "password log-in they set up a new one (administrators must)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        with transaction.atomic():
            removed = TOTPDevice.objects.filter(user=user).delete()[0]
            removed += StaticDevice.objects.filter(user=user).delete()[0]
        log_event("second factor reset by an operator", user=user, removed=removed)
        self.stdout.write(
            self.style.SUCCESS(f"Second factor of {username} reset ({removed} records removed).")
        )
