"""Access-matrix rows of the admin forms' choices (issue 16, items 3, 4 and 9): an editor cannot
leave an owner's borough empty, link an owner to an account outside its borough, or set a
review interval outside 7–92 days; out of their boroughs every such write is 404. The profile's
token rows are in tests/access_matrix.py (they predate this module)."""

from tests.access_rows.base import LOGIN, Row

NOT_STAFF = {"anonymous": LOGIN, "oversight": LOGIN, "analyst": LOGIN, "no_role": LOGIN}
SOUTHWARK_STAFF = {"southwark_editor": 200, "southwark_commander": 200}


def admin_form_row(name, *, args=None, label, GET, POST, post_data):  # noqa: N803 — method names
    """An admin form: PUT, PATCH and DELETE render the page as GET does."""
    return Row(
        name, args=args, label=label, GET=GET, POST=POST, PUT=GET, PATCH=GET, DELETE=GET, post_data=post_data
    )


def owner_form(world, **changes):
    owner = world.southwark_owner
    data = {
        "borough": owner.borough_id,
        "key": owner.key,
        "label": owner.label,
        "rank": owner.rank,
        "name": owner.name,
        "team": owner.team,
        "user": "",
    }
    data.update(changes)
    return data


ROWS = [
    admin_form_row(
        "admin:plans_owner_add",
        label="empty borough",
        GET={**NOT_STAFF, "*": 200},
        # borough editors: the form again ("Choose one of your boroughs"); the force editor and
        # administrators may add an owner of the force-wide plan
        POST={**NOT_STAFF, "lambeth_editor": 200, **SOUTHWARK_STAFF, "*": 302},
        post_data={"key": "team:matrix-rogue", "label": "Matrix rogue team", "borough": ""},
    ),
    admin_form_row(
        "admin:plans_owner_change",
        label="borough emptied",
        args=lambda w: [w.southwark_owner.pk],
        GET={**NOT_STAFF, **SOUTHWARK_STAFF, "administrator": 200, "*": 404},
        POST={**NOT_STAFF, **SOUTHWARK_STAFF, "administrator": {200, 302}, "*": 404},
        post_data=lambda w: owner_form(w, borough=""),
    ),
    admin_form_row(
        "admin:plans_owner_change",
        label="account outside the borough",
        args=lambda w: [w.southwark_owner.pk],
        GET={**NOT_STAFF, **SOUTHWARK_STAFF, "administrator": 200, "*": 404},
        POST={**NOT_STAFF, **SOUTHWARK_STAFF, "administrator": 200, "*": 404},
        post_data=lambda w: owner_form(w, user=w.lambeth_editor_pk),
    ),
    admin_form_row(
        "admin:plans_plan_change",
        label="review interval too long",
        args=lambda w: [w.southwark_plan.pk],
        GET={**NOT_STAFF, **SOUTHWARK_STAFF, "administrator": 200, "*": 404},
        POST={**NOT_STAFF, **SOUTHWARK_STAFF, "administrator": 200, "*": 404},
        post_data=lambda w: {
            "title": w.southwark_plan.title,
            "slug": w.southwark_plan.slug,
            "review_interval_days": 32767,
        },
    ),
]


class World:
    @property
    def lambeth_editor_pk(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username="lambeth.editor").pk
