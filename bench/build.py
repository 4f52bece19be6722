"""Build one benchmark database: schema, reference data, demo users, synthetic plans."""

import os
import secrets
import time

from django.core.management import call_command


def bench_borough():
    """The borough whose dashboard and review are measured: Southwark when it has a plan (it
    does at London and National scale), else the first borough with a plan (tiny datasets)."""
    from plans.models import Borough

    planned = Borough.objects.filter(plans__isnull=False).order_by("ons_code")
    return planned.filter(slug="southwark").first() or planned.first()


def database_version():
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def tidy():
    """Gather the statistics of the benchmark's database before it is measured, as the README
    asks of a deployment (``manage.py analyze_database``); on PostgreSQL ``VACUUM ANALYZE``:
    what autovacuum does on a server that runs it (some test servers turn it off), so that the
    rows earlier benchmark runs wrote and deleted (the import's plans) and a fresh build's missing
    statistics do not decide the query plans being timed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        with open(os.devnull, "w") as devnull:
            call_command("analyze_database", stdout=devnull)
        return
    connection.ensure_connection()
    previous = connection.connection.autocommit
    connection.connection.autocommit = True  # VACUUM cannot run inside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connection.connection.autocommit = previous


def build(params):
    from plans.choices import MembershipRole
    from plans.demo import ensure_demo_users
    from plans.models import Action, Membership, Plan, StatusUpdate
    from plans.synthetic import make_synthetic

    with open(os.devnull, "w") as devnull:
        call_command("migrate", interactive=False, verbosity=0, stdout=devnull)
        call_command("createcachetable", verbosity=0, stdout=devnull)
        started = time.perf_counter()
        if params.get("populate"):
            call_command("load_reference", verbosity=0, stdout=devnull)
            # Nobody logs in with a password here: the benchmark uses force_login and the load
            # test creates sessions and tokens directly. A random password keeps it closed.
            ensure_demo_users(secrets.token_urlsafe(24) + "-Bench")
            make_synthetic(
                boroughs=params["boroughs"],
                months=params["months"],
                seed=params["seed"],
                actions_per_plan=params["actions"],
            )
            borough = bench_borough()
            if borough.slug != "southwark":
                from django.contrib.auth import get_user_model

                editor = get_user_model().objects.get(username="southwark.editor")
                Membership.objects.get_or_create(user=editor, borough=borough, role=MembershipRole.EDITOR)
    tidy()
    return {
        "db_version": database_version(),
        "seconds": round(time.perf_counter() - started, 1),
        "plans": Plan.objects.count(),
        "actions": Action.objects.count(),
        "status_updates": StatusUpdate.objects.count(),
        "borough": bench_borough().slug,
    }
