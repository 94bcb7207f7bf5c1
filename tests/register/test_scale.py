"""With a large register the pages and exports make a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.register_data import make_large_register
from waarborg.register import ropa
from waarborg.register.yamlio import export_register


def _queries(call):
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


@pytest.fixture
def sizes(owner):
    """Two organisations with registers of different sizes."""
    from waarborg.core import actions

    small = actions.create_organisation(actor=owner, owner=owner, name="Klein")
    large = actions.create_organisation(actor=owner, owner=owner, name="Groot")
    make_large_register(small, activities=5, parties=5)
    make_large_register(large, activities=300, parties=150)
    return small, large


@pytest.mark.parametrize("kind_name", ["activities", "parties"])
def test_list_pages_query_count_does_not_grow(client_for, owner, sizes, kind_name):
    client = client_for(owner)
    counts = []
    for organisation in sizes:
        client.post(reverse("core:switch_organisation"), {"organisation": organisation.pk})
        url = reverse("register:list", args=[kind_name])
        counts.append(_queries(lambda url=url: client.get(url)))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "export",
    [ropa.to_xlsx, ropa.to_csv, ropa.to_html, export_register],
    ids=["xlsx", "csv", "html", "yaml"],
)
def test_exports_query_count_does_not_grow(sizes, export):
    small, large = sizes
    assert _queries(lambda: export(small)) == _queries(lambda: export(large))


def test_large_register_exports_every_row(sizes):
    _small, large = sizes
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(ropa.to_xlsx(large)))
    assert workbook["Als verantwoordelijke"].max_row == 301
    assert workbook["Partijen en doorgiften"].max_row == 151
