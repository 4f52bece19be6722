"""Access rows of publishing: board packs, the plan as Word, public notes, publish, unpublish,
and the public pages.

Packs and the Word plan are read like the dashboards: every role that reads (a user without a
role 403, anonymous to the log-in page). Public notes are written by the borough's editors, its
commander and administrators; publishing and unpublishing are the commander's (and
administrators'); a user without a role finds no return (404). The public pages answer everyone,
anonymous included, with 200, and 404 for a borough or quarter that is not published; they
answer GET and HEAD only (405).
"""

from tests.access_rows.base import LOGIN, Row

READERS = {"anonymous": LOGIN, "no_role": 403, "*": 200}
EDITORS_OF_SOUTHWARK = {"southwark_editor": 302, "southwark_commander": 302, "administrator": 302}
PUBLISHERS = {"southwark_commander": 302, "administrator": 302}
PUBLIC = {"*": 200}
PUBLIC_MISSING = {"*": 404}
NOT_ALLOWED = {"*": 405}

ROWS = [
    Row("borough-pack", args=lambda w: ["southwark"], GET=READERS, POST=None),
    Row(
        "borough-pack",
        label="unknown borough",
        args=lambda w: ["atlantis"],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 404},
        POST=None,
    ),
    Row("oversight-pack", GET=READERS, POST=None),
    Row("plan-docx", args=lambda w: ["southwark"], GET=READERS, POST=None),
    Row(
        "return-public-notes",
        args=lambda w: [w.signed_off_southwark_return.pk],
        GET={
            "anonymous": LOGIN,
            "no_role": 404,
            "southwark_editor": 200,
            "southwark_commander": 200,
            "administrator": 200,
            "*": 403,
        },
        POST={"anonymous": LOGIN, "no_role": 404, **EDITORS_OF_SOUTHWARK, "*": 403},
    ),
    Row(
        "return-publish",
        args=lambda w: [w.signed_off_southwark_return.pk],
        post_data=lambda w: {"version": w.signed_off_southwark_return.version, "confirm": "on"},
        GET={"anonymous": LOGIN, "no_role": 404, "southwark_commander": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "no_role": 404, **PUBLISHERS, "*": 403},
    ),
    Row(
        "return-unpublish",
        args=lambda w: [w.published_southwark_return.pk],
        GET={"anonymous": LOGIN, "*": 405},
        POST={"anonymous": LOGIN, "no_role": 404, **PUBLISHERS, "*": 403},
    ),
    Row("public-index", GET=PUBLIC, POST=NOT_ALLOWED),
    Row("public-borough", args=lambda w: [w.published_southwark_borough], GET=PUBLIC, POST=NOT_ALLOWED),
    Row(
        "public-borough",
        label="nothing published",
        args=lambda w: ["lambeth"],
        GET=PUBLIC_MISSING,
        POST=NOT_ALLOWED,
    ),
    *[
        Row(name, args=lambda w: ["southwark", w.published_quarter_slug], GET=PUBLIC, POST=NOT_ALLOWED)
        for name in ("public-quarter-csv", "public-quarter-json")
    ],
    *[
        Row(
            name,
            label="quarter signed off, not published",
            args=lambda w: ["southwark", w.unpublished_quarter_slug],
            GET=PUBLIC_MISSING,
            POST=NOT_ALLOWED,
        )
        for name in ("public-quarter-csv", "public-quarter-json")
    ],
]


class World:
    """Southwark returns signed off by its commander: one published, one not."""

    @property
    def signed_off_southwark_return(self):
        from tests.publishing_helpers import quarters_back, signed_off, southwark_plan

        return signed_off(southwark_plan(), quarters_back(3))

    @property
    def published_southwark_return(self):
        from tests.publishing_helpers import published, quarters_back, southwark_plan

        return published(southwark_plan(), quarters_back(2))

    @property
    def published_southwark_borough(self):
        return self.published_southwark_return.plan.borough.slug

    @property
    def published_quarter_slug(self):
        from plans.publishing.public import quarter_slug
        from plans.quarters import Quarter

        ret = self.published_southwark_return
        return quarter_slug(Quarter(ret.fy_start_year, ret.quarter))

    @property
    def unpublished_quarter_slug(self):
        from plans.publishing.public import quarter_slug
        from plans.quarters import Quarter

        self.published_southwark_return  # noqa: B018 — Southwark has a published quarter too
        ret = self.signed_off_southwark_return
        return quarter_slug(Quarter(ret.fy_start_year, ret.quarter))
