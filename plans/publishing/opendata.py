"""A published quarter as open data: CSV and JSON, with the licence named by settings.

Both carry the same rows: one per action of the published return, with what the public page
shows (pillar, objective, action, owners as teams and ranks, status, public progress note) and
nothing else. CSV fields that a spreadsheet could read as a formula are written as text
(``plans.exports.csv_text``). Both name the licence (``PUBLIC_LICENCE``, ``PUBLIC_LICENCE_URL``)
in a ``Link: <…>; rel="license"`` header; JSON also in its body, CSV in a column.
"""

import csv
import io
import json

from django.conf import settings
from django.http import HttpResponse

from .. import exports
from .public import status_word

COLUMNS = [
    "borough",
    "ons_code",
    "quarter",
    "pillar",
    "objective",
    "action",
    "owners",
    "status",
    "progress_note",
    "published_at",
    "licence",
]


def rows(borough, quarter):
    """[dict] of the published quarter (a PublicQuarter), one per action, keys COLUMNS."""
    published = quarter.publication.published_at.isoformat(timespec="seconds")
    return [
        {
            "borough": borough.name,
            "ons_code": borough.ons_code,
            "quarter": quarter.quarter.label,
            "pillar": line.pillar,
            "objective": line.objective,
            "action": line.text,
            "owners": line.owners,
            "status": status_word(line.status),
            "progress_note": line.progress_note,
            "published_at": published,
            "licence": settings.PUBLIC_LICENCE,
        }
        for line in quarter.lines
    ]


def _response(body, content_type, filename):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Link"] = f'<{settings.PUBLIC_LICENCE_URL}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def csv_response(borough, quarter):
    """The quarter as CSV (RFC 4180, UTF-8, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(borough, quarter):
        writer.writerow([exports.csv_text(row[c]) for c in COLUMNS])
    return _response(out.getvalue(), "text/csv; charset=utf-8", f"{borough.slug}-{quarter.slug}.csv")


def json_response(borough, quarter):
    """The quarter as JSON: borough, quarter, licence {name, url}, published_at, counts, actions."""
    body = {
        "borough": {"name": borough.name, "slug": borough.slug, "ons_code": borough.ons_code},
        "quarter": {"label": quarter.quarter.label, "slug": quarter.slug},
        "published_at": quarter.publication.published_at.isoformat(timespec="seconds"),
        "licence": {"name": settings.PUBLIC_LICENCE, "url": settings.PUBLIC_LICENCE_URL},
        "counts": {status.label: n for status, n in quarter.counts},
        "actions": [
            {k: v for k, v in row.items() if k not in ("licence", "published_at")}
            for row in rows(borough, quarter)
        ],
    }
    return _response(
        json.dumps(body, ensure_ascii=False, indent=1),
        "application/json; charset=utf-8",
        f"{borough.slug}-{quarter.slug}.json",
    )
