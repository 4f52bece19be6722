"""The public page: published quarterly returns and their open data, without a login.

Every view here is a ``public_view`` (no login, GET/HEAD only, no cookies, cacheable,
rate-limited) and reads only through ``plans.publishing.public``: live publications and their
public lines. A borough or quarter that is not published answers 404, like one that does not exist.
"""

from django.conf import settings
from django.shortcuts import render

from ..publishing import opendata
from ..publishing.http import public_view
from ..publishing.public import borough_quarters, public_measures, published_borough, published_boroughs
from ..publishing.public import published_quarter as find_quarter


def _licence():
    return {"name": settings.PUBLIC_LICENCE, "url": settings.PUBLIC_LICENCE_URL}


@public_view
def public_index(request):
    """/public/: every borough with a published return, and its latest published quarter."""
    return render(request, "public/index.html", {"boroughs": published_boroughs(), "licence": _licence()})


@public_view
def public_borough(request, slug):
    """/public/<borough>/: the latest published quarter in full, earlier ones below, and the
    borough's survey measures beside London's up to the latest quarter's end."""
    borough = published_borough(slug)
    quarters = borough_quarters(borough)
    latest = quarters[0]
    context = {
        "borough": borough,
        "latest": latest,
        "earlier": quarters[1:],
        "measures": public_measures(borough, latest.quarter),
        "licence": _licence(),
    }
    return render(request, "public/borough.html", context)


@public_view
def public_quarter_csv(request, slug, quarter):
    borough = published_borough(slug)
    return opendata.csv_response(borough, find_quarter(borough, quarter))


@public_view
def public_quarter_json(request, slug, quarter):
    borough = published_borough(slug)
    return opendata.json_response(borough, find_quarter(borough, quarter))
