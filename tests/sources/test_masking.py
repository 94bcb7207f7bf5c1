"""Passwords in source URLs are hidden wherever the URL is shown: pages and the audit trail."""

import pytest
from django.urls import reverse

from waarborg.audit.models import AuditEntry
from waarborg.register.models import System
from waarborg.sources import demo_shop, engine
from waarborg.sources.masking import mask_url
from waarborg.sources.models import SqlSource


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:s3cret@db/x", "postgresql+psycopg://u:***@db/x"),
        ("postgresql://u@db/x?password=s3cret", "postgresql+psycopg://u@db/x?password=***"),
        (
            "mysql://u:s3cret@db/x?sslpassword=s3cret&charset=utf8mb4",
            "mysql+pymysql://u:***@db/x?charset=utf8mb4&sslpassword=***",
        ),
        ("postgresql://u:p%40ss@db/x?PWD=s3cret", "postgresql+psycopg://u:***@db/x?PWD=***"),
        ("not a url with s3cret:pw@", None),
    ],
)
def test_display_url_hides_every_password(url, shown):
    text = engine.display_url(url)
    assert "s3cret" not in text and "p%40ss" not in text
    if shown:
        assert text == shown


def test_mask_url_is_idempotent():
    once = mask_url("postgresql://u:***@db/x?password=***")
    assert mask_url(once) == once == "postgresql://u:***@db/x?password=***"


def test_the_page_and_the_audit_show_no_password(client_for, owner, organisation, tmp_path):
    system = System.objects.create(organisation=organisation, key="shop", name={"nl": "Shop"})
    path = demo_shop.build(tmp_path / "shop.db")
    url = f"sqlite:///{path}?secret=s3cret"  # refused (options), and not echoed
    client = client_for(owner)
    response = client.post(
        reverse("sources:connect", args=[system.key]),
        {"url": url, "annotation": demo_shop.ANNOTATION.read_text()},
    )
    assert "s3cret" not in response.content.decode()
    client.post(
        reverse("sources:connect", args=[system.key]),
        {"url": f"sqlite:///{path}", "annotation": demo_shop.ANNOTATION.read_text()},
    )
    source = SqlSource.objects.get()
    source.url_display = mask_url("postgresql://u:***@db/x?password=s3cret")
    source.save()
    page = client.get(reverse("sources:detail", args=[system.key])).content.decode()
    assert "s3cret" not in page
    for entry in AuditEntry.objects.filter(action__startswith="source."):
        assert "s3cret" not in str(entry.new) + str(entry.old)
