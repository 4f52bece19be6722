"""The access-control matrix: every URL pattern of the project × every role × every method.

One table (ROWS), collected from one module per feature in tests/access_rows/ (each with
`ROWS` and, where its URLs need objects, a `World` part mixed into the World below).
`tests/test_access_matrix.py` enumerates every URL pattern and fails if a pattern has no row,
so a new view cannot skip the check.

A Row names a URL pattern, how to build its arguments from the world (`args`, a function of the
`World` namespace below), and the expected status per role for GET and for POST (an empty POST,
or `post_data`). "*" gives the status for every role not listed. A status may be a set when
either answer is right (e.g. {403, 404}). Use None for a method the view does not offer: it must
then answer 405 (or the login redirect for anonymous).

PUT, PATCH and DELETE: give a table (with `put_data` / `patch_data`, sent as JSON when
`json=True`, as for the API) for a view that offers them. Without a table, the method must be
refused for every role: the login redirect, 401, 403, 404 or 405, never a success.

Every request that is refused (4xx, or a redirect to a log-in page) is also checked to have
written nothing: the row counts of the plan data, users, groups, API tokens and the admin log,
and the sum of action versions, are the same after it.

Roles (users in tests/conftest.py ROLE_USERS):
- anonymous: not logged in;
- southwark_editor, lambeth_editor: borough editors, members of their borough;
- southwark_commander: Southwark's borough commander, a member of Southwark (so it edits
  Southwark like its editors) who alone signs off Southwark's quarterly returns;
- oversight, analyst: read everything, not staff;
- force_editor: reads everything, edits the force-wide plan (in the admin), no borough;
- administrator: everything;
- no_role: logged in, active, no group, no membership, not staff: refused (403, or 404 where
  the page looks the object up among what the user may see) everywhere except the health
  check, log-in, log-out and the profile page (with its API token, which the API refuses).

The admin is covered like the rest: its rows are generated from ADMIN_MODELS (one line per
registered ModelAdmin, written from the groups' permissions and the ScopedAdmin rules) plus the
site's own pages, in tests/access_rows/security.py.
Conventions: anonymous → 302 to the login page (pages) or 401/403 (API); a role that may not
read → 403; an object outside the role's boroughs for editing → 403 or 404 (say which);
an allowed POST with empty or bad data → 200 (form re-shown with errors) or 400.
Every feature keeps its rows in a module of its own in tests/access_rows/ (ROWS, and an
optional World part), collected at the end of this file.
"""

from tests.access_rows import feature_tables
from tests.access_rows.base import LOGIN, METHODS, NOT_ALLOWED, REFUSED, ROLES, Row  # noqa: F401


class CoreWorld:
    """Objects the URL arguments of every feature are built from; features add what their URLs
    need in the World of their module in tests/access_rows/ (properties that create or find rows)."""

    @property
    def southwark_plan(self):
        from plans.models import Plan

        return Plan.objects.get(slug="southwark-trust-and-confidence-plan")

    @property
    def lambeth_plan(self):
        from plans.models import Plan

        return Plan.objects.get(borough__slug="lambeth")

    @property
    def southwark_action(self):
        from plans.models import Action

        return Action.objects.filter(objective__plan=self.southwark_plan).order_by("pk").first()

    @property
    def lambeth_action(self):
        from plans.models import Action

        return Action.objects.filter(objective__plan=self.lambeth_plan).order_by("pk").first()


# Every feature's rows and World part, from tests/access_rows/.
_feature_rows, _feature_worlds = feature_tables()
ROWS = _feature_rows
World = type("World", (*_feature_worlds, CoreWorld), {"__doc__": CoreWorld.__doc__})
