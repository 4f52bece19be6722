"""What the tests of things kept in the process between requests share (with the fixture
``kept`` of conftest.py): a page's answer with the queries it ran."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_reads(client, url, wanted):
    """(the response to GET ``url``, the SQL of its queries for which ``wanted(sql)`` is true)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries if wanted(q["sql"])]
