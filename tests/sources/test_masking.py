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


def _old_entry(organisation, owner):
    """An entry written before query passwords were masked: the chain holds it as it was."""
    from django.db import transaction

    from waarborg.audit.actions import record_entry

    with transaction.atomic():
        return record_entry(
            organisation,
            actor=owner,
            action="source.connect",
            new={
                "database": "postgresql+psycopg://u@db/x?password=s3cret&sslmode=require",
                "tables": ["klant"],
                "earlier": ["mysql+pymysql://app:hunter2@db/crm (was)"],
            },
            old={"database": "postgresql://u:pw%21old@db/x"},
        )


def test_old_audit_entries_show_no_password(client_for, owner, organisation):
    from waarborg.audit.actions import verify_chain

    entry = _old_entry(organisation, owner)
    client = client_for(owner)
    pages = [
        client.get(reverse("audit:list")).content.decode(),
        client.get(reverse("audit:detail", args=[entry.seq])).content.decode(),
        client.get(reverse("audit:export")).content.decode("utf-8-sig"),
    ]
    for text in pages:
        for secret in ("s3cret", "hunter2", "pw%21old"):
            assert secret not in text
    detail, export = pages[1], pages[2]
    assert "password=***" in detail and "sslmode=require" in detail
    assert "app:***@db/crm (was)" in detail and "u:***@db/x" in detail
    assert "password=***" in export and "app:***@db/crm" in export
    # shown masked, kept as written: the chain still verifies
    entry.refresh_from_db()
    assert "s3cret" in entry.new["database"]
    assert verify_chain(organisation) == []


@pytest.mark.parametrize(
    "text",
    [
        "https://example.nl/privacy?lang=en",
        "sqlite:////var/lib/waarborg/sources/shop.db",
        "mysql://app@db/crm",
        "no URL here: a:b@c",
        "",
    ],
)
def test_text_without_a_password_is_shown_as_it_is(text):
    from waarborg.core.masking import mask_text

    assert mask_text(text) == text
