"""Borough stamps (``plans.models.BoroughStamp``) and the triggers that change them.

Every change to what a borough's counts of today are made of changes its borough's stamp in the
same transaction, by a trigger, whichever way the change is written (a service, a bulk update, the
admin, an INSERT, UPDATE or DELETE in SQL; not a TRUNCATE, nor SQLite's REPLACE): an action
inserted, updated (its status, dates, retirement or objective) or deleted; a link between an
action and a driver added, changed or removed; an objective updated (its pillar or plan) or
deleted; a plan inserted, updated (its borough or review interval) or deleted; a borough
inserted. ``plans.dashboards.kept_counts`` reads the stamps to count again only the boroughs
whose stamp changed. SQLite runs the triggers for each row; PostgreSQL once per statement, over
the statement's rows (a bulk write of 2,000 actions stamps its borough once, not 2,000 times). A
stamp is a random 63-bit integer, so a rolled-back or emptied table never repeats an old token
for other data.
"""

from django.db import NotSupportedError, migrations, models

TRIGGERS = [
    # (name, table, event, the borough ids to stamp: SQL over NEW/OLD)
    ("action_insert", "plans_action", "INSERT", ["objective:NEW.objective_id"]),
    ("action_update", "plans_action", "UPDATE", ["objective:OLD.objective_id"]),
    ("action_move", "plans_action", "UPDATE OF objective_id", ["objective:NEW.objective_id"]),
    ("action_delete", "plans_action", "DELETE", ["objective:OLD.objective_id"]),
    ("link_insert", "plans_action_drivers", "INSERT", ["action:NEW.action_id"]),
    ("link_update", "plans_action_drivers", "UPDATE", ["action:OLD.action_id", "action:NEW.action_id"]),
    ("link_delete", "plans_action_drivers", "DELETE", ["action:OLD.action_id"]),
    ("objective_update", "plans_objective", "UPDATE", ["plan:OLD.plan_id", "plan:NEW.plan_id"]),
    ("objective_delete", "plans_objective", "DELETE", ["plan:OLD.plan_id"]),
    ("plan_insert", "plans_plan", "INSERT", ["borough:NEW.borough_id"]),
    ("plan_update", "plans_plan", "UPDATE", ["borough:OLD.borough_id", "borough:NEW.borough_id"]),
    ("plan_delete", "plans_plan", "DELETE", ["borough:OLD.borough_id"]),
    ("borough_insert", "plans_borough", "INSERT", ["borough:NEW.id"]),
]

# SQLite (one row at a time): the borough of each kind of id, as a FROM … WHERE giving the
# borough's id as "borough".
SOURCES = {
    "borough": "(SELECT {ref} AS borough) AS source WHERE borough IS NOT NULL",
    "plan": "(SELECT p.borough_id AS borough FROM plans_plan p WHERE p.id = {ref}) AS source "
    "WHERE borough IS NOT NULL",
    "objective": "(SELECT p.borough_id AS borough FROM plans_objective o JOIN plans_plan p ON p.id = o.plan_id "
    "WHERE o.id = {ref}) AS source WHERE borough IS NOT NULL",
    "action": "(SELECT p.borough_id AS borough FROM plans_action a JOIN plans_objective o ON o.id = a.objective_id "
    "JOIN plans_plan p ON p.id = o.plan_id WHERE a.id = {ref}) AS source WHERE borough IS NOT NULL",
}
# PostgreSQL (once per statement, over its rows: a bulk write stamps each borough once): the
# boroughs of the ids in a column of the statement's rows. The parent rows are read FOR SHARE: a
# move of an objective or a plan to another borough that has not committed yet is waited for and
# its new borough read (under READ COMMITTED a plain read would see the old one and stamp the
# borough the row is leaving).
PARENTS = {
    "borough": "SELECT t.{column} AS borough FROM {rows} t",
    "plan": "SELECT p.borough_id AS borough FROM {rows} t JOIN plans_plan p ON p.id = t.{column} FOR SHARE OF p",
    "objective": "SELECT p.borough_id AS borough FROM {rows} t JOIN plans_objective o ON o.id = t.{column} "
    "JOIN plans_plan p ON p.id = o.plan_id FOR SHARE OF o, p",
    "action": "SELECT p.borough_id AS borough FROM {rows} t JOIN plans_action a ON a.id = t.{column} "
    "JOIN plans_objective o ON o.id = a.objective_id JOIN plans_plan p ON p.id = o.plan_id FOR SHARE OF o, p",
}
# On PostgreSQL one trigger covers an action's update, its old objective and its new one.
POSTGRESQL_TARGETS = {"action_update": ["objective:OLD.objective_id", "objective:NEW.objective_id"]}
SQLITE_ONLY = {"action_move"}
RANDOM = {"sqlite": "random()", "postgresql": "floor(random() * 9.2e18)::bigint"}
UPSERT = "ON CONFLICT (borough_id) DO UPDATE SET stamp = excluded.stamp;"


def _sqlite_upsert(target):
    kind, ref = target.split(":")
    source = SOURCES[kind].format(ref=ref)
    return (
        f"INSERT INTO plans_boroughstamp (borough_id, stamp) SELECT borough, {RANDOM['sqlite']} FROM {source} {UPSERT}"
    )


def _postgresql_upsert(target):
    kind, ref = target.split(":")
    side, column = ref.split(".")
    parents = PARENTS[kind].format(column=column, rows={"NEW": "new_rows", "OLD": "old_rows"}[side])
    return (
        f"INSERT INTO plans_boroughstamp (borough_id, stamp) SELECT borough, {RANDOM['postgresql']} "
        f"FROM (SELECT DISTINCT borough FROM ({parents}) AS parents WHERE borough IS NOT NULL) AS changed "
        f"ORDER BY borough {UPSERT}"
    )


def _when(name):
    return "WHEN NEW.objective_id IS NOT OLD.objective_id" if name == "action_move" else ""


def statements(vendor):
    """The SQL that creates the triggers on ``vendor`` ("sqlite" or "postgresql")."""
    if vendor not in RANDOM:
        raise NotSupportedError(f"Borough stamps need SQLite or PostgreSQL, not {vendor}.")
    created = []
    for name, table, event, targets in TRIGGERS:
        if vendor == "sqlite":
            body = " ".join(_sqlite_upsert(target) for target in targets)
            created.append(
                f"CREATE TRIGGER plans_stamp_{name} AFTER {event} ON {table} FOR EACH ROW {_when(name)} "
                f"BEGIN {body} END"
            )
            continue
        if name in SQLITE_ONLY:
            continue
        body = " ".join(_postgresql_upsert(target) for target in POSTGRESQL_TARGETS.get(name, targets))
        rows = {
            "INSERT": "NEW TABLE AS new_rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "DELETE": "OLD TABLE AS old_rows",
        }[event]
        created.append(
            f"CREATE OR REPLACE FUNCTION plans_stamp_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        created.append(
            f"CREATE TRIGGER plans_stamp_{name} AFTER {event} ON {table} REFERENCING {rows} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION plans_stamp_{name}()"
        )
    created.append(
        f"INSERT INTO plans_boroughstamp (borough_id, stamp) SELECT id, {RANDOM[vendor]} FROM plans_borough "
        f"WHERE true {UPSERT}"
    )
    return created


def create(apps, schema_editor):
    """Create the triggers (and a stamp for every borough). A later migration that makes SQLite
    rebuild one of the tables named in ``TRIGGERS`` (most changes of a column or a constraint)
    runs ``drop`` before it and ``create`` after it: SQLite drops a table's triggers with the table,
    and refuses to rebuild a table that another table's trigger names."""
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    """Drop the triggers (the stamps stay)."""
    vendor = schema_editor.connection.vendor
    for name, table, _, _ in TRIGGERS:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS plans_stamp_{name} ON {table}", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS plans_stamp_{name}()", params=None)
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS plans_stamp_{name}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_history_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="BoroughStamp",
            fields=[
                ("borough_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("stamp", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
