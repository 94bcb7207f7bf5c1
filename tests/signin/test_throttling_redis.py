"""The lock after ten wrong passwords with the cache on Redis (WAARBORG_REDIS_URL), the real
server on 127.0.0.1:6379: the counts live there, where every server process sees them."""

import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.signin.test_sign_in import sign_in
from waarborg import config

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    caches = config.caches({"WAARBORG_REDIS_URL": REDIS_URL})
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    prefix = f"waarborg-test-{uuid.uuid4().hex}"  # apart from anything else on the server
    caches["default"]["KEY_PREFIX"] = prefix
    settings.CACHES = caches
    yield prefix
    _forget(prefix)


def _forget(prefix):
    """Delete this test's keys only (never FLUSHDB: the server is shared)."""
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def test_ten_wrong_passwords_lock_the_address_on_redis(redis_cache, owner, organisation):
    organisation.mfa_required = False
    organisation.save()
    for attempt in range(django_settings.SIGNIN_FAILURES_PER_ADDRESS):
        sign_in(Client(), owner.email, f"wrong-{attempt}", ip=f"198.51.100.{attempt}")
    client = Client()
    locked = sign_in(client, owner.email)
    assert locked.status_code == 200 and "_auth_user_id" not in client.session
    # The counts are on the Redis server, under this installation's prefix.
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{redis_cache}:*"))
    assert keys
    other = Client()
    _forget(redis_cache)  # the counts gone, the lock is gone: they were nowhere else
    assert sign_in(other, owner.email).status_code == 302
    assert other.get(reverse("core:dashboard")).status_code == 200


def test_a_redis_url_must_be_one():
    with pytest.raises(config.ConfigError):
        config.caches({"WAARBORG_REDIS_URL": "127.0.0.1:6379"})
    assert "DatabaseCache" in config.caches({})["default"]["BACKEND"]
