import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.choices import MembershipRole
from plans.demo import DEMO_USERS, demo_password, ensure_demo_users, load_lambeth, load_southwark
from plans.force import link_demo_contributions, load_force_plan
from plans.models import Borough, Pillar


class Command(BaseCommand):
    help = (
        "Load the demo: the real Southwark plan from its published text, a small synthetic plan for "
        "Lambeth, and one demo user per role (password from DEMO_PASSWORD). Refused when DEBUG is off "
        "unless --allow-production is given: demo users never belong in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Refusing to create demo users with DEBUG off (production). Use --allow-production."
            )
        if not Pillar.objects.exists() or not Borough.objects.filter(slug="southwark").exists():
            raise CommandError("Reference data is missing: run `manage.py load_reference` first.")
        plan = load_southwark()
        made = load_lambeth()
        users = ensure_demo_users()
        force_plan, force_links = load_force_plan(), link_demo_contributions()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo: {plan} ({plan.objectives.count()} objectives), Lambeth synthetic plan "
                f"{'created' if made else 'already present'}, {len(users)} demo users; force plan "
                f"'{force_plan}' ({force_links} borough links)."
            )
        )
        shown = "the value of DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else demo_password()
        self.stdout.write(f"Demo logins at {settings.SITE_URL}/accounts/login/ (password: {shown}):")
        for username, (role, borough, memberships, *_rest) in DEMO_USERS.items():
            title = "Borough commander" if MembershipRole.COMMANDER in (memberships or []) else role.value
            self.stdout.write(f"  {username:22} {title}{' — ' + borough if borough else ''}")
