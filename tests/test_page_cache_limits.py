"""The page cache keys on the normalised filters only, holds a bounded number of pages per user
and culls expired entries (issue 16, item 2)."""

import datetime as dt

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from plans import page_keys

pytestmark = pytest.mark.django_db
OVERSIGHT = "/oversight/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.PAGE_CACHE_ENTRIES_PER_USER = 3
    cache.clear()
    yield
    cache.clear()


def cache_rows(like="%"):
    backend = caches["default"]
    assert isinstance(backend, DatabaseCache)  # the project's default without REDIS_URL
    table = connection.ops.quote_name(backend._table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE cache_key LIKE %s", [like])  # noqa: S608
        return cursor.fetchone()[0]


def test_junk_parameters_are_served_but_never_stored(client_as):
    client = client_as("oversight")
    client.get(OVERSIGHT)  # the page and the user's index
    before = cache_rows()
    for n in range(20):
        response = client.get(f"{OVERSIGHT}?utm_source={n}&x{n}=junk")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    assert cache_rows() == before


def test_over_long_values_are_not_stored(client_as):
    client = client_as("oversight")
    response = client.get(f"{OVERSIGHT}?sort={'a' * 500}")
    assert "X-Page-Cache" not in response


def test_the_same_filters_in_another_order_are_one_page(client_as):
    client = client_as("oversight")
    first = client.get(f"{OVERSIGHT}?rag=red&rag=amber&pillar=more-trust&stale=")
    second = client.get(f"{OVERSIGHT}?pillar=more-trust&rag=amber&rag=red&rag=red")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_a_user_holds_at_most_the_cap_of_pages(client_as):
    client = client_as("oversight")
    urls = [f"{OVERSIGHT}?page={n}" for n in range(1, 7)]
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "miss"
    assert cache_rows("%trustplan:page:%") == 3
    assert client.get(urls[-1])["X-Page-Cache"] == "hit"  # the newest are kept
    assert client.get(urls[0])["X-Page-Cache"] == "miss"  # the oldest were dropped


def test_expired_entries_are_culled():
    cache.set("trustplan:page:old", b"x", 1)
    backend = caches["default"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(backend._table)} SET expires = %s",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))],
        )
    cache.set("trustplan:page:fresh", b"y", 60)
    assert page_keys.cull_expired(force=True) == 1
    assert cache.get("trustplan:page:fresh") == b"y"
    assert cache_rows() == 1


def test_culling_runs_at_most_once_a_minute():
    page_keys.cull_expired()  # the first call in the minute culls
    cache.set("trustplan:page:old", b"x", 60)
    assert cache.get(page_keys.CULL_KEY) == 1
    assert page_keys.cull_expired() == 0  # within the minute: not run again


def test_every_parameter_a_dashboard_reads_is_known():
    known = page_keys.known_parameters()
    for name in (
        "borough",
        "bcu",
        "pillar",
        "objective",
        "driver",
        "owner",
        "rag",
        "stale",
        "overdue",
        "as_at",
    ):
        assert name in known
    assert {"compare", "sort", "page", "nu_sort", "outcomes_sort"} <= known
