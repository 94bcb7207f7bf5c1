"""Settings for the test suite: Waarborg's own settings, on a throwaway data directory.

The suite runs on SQLite by default and on PostgreSQL when WAARBORG_TEST_DATABASE_URL is set.
"""

import os
import tempfile

os.environ["WAARBORG_DATA_DIR"] = tempfile.mkdtemp(prefix="waarborg-test-")
os.environ.setdefault("WAARBORG_SECRET_KEY", "test-" + "k" * 60)
os.environ["WAARBORG_EMAIL_URL"] = "console://"
os.environ.pop("WAARBORG_DATABASE_URL", None)
# The SQL source tests make their SQLite files in temporary folders, and their PostgreSQL
# databases on the cluster the suite itself may run on (tests/sources/test_guard.py turns
# both rules back on).
os.environ["WAARBORG_SOURCE_SQLITE_DIRS"] = tempfile.gettempdir()
os.environ["WAARBORG_SOURCE_SAME_CLUSTER"] = "1"
os.environ["WAARBORG_DOCUMENT_DIRS"] = tempfile.gettempdir()

from waarborg import config  # noqa: E402
from waarborg.settings import *  # noqa: E402, F403

_test_url = os.environ.get("WAARBORG_TEST_DATABASE_URL", "")
if _test_url:
    DATABASES = {"default": config.database(_test_url, name="WAARBORG_TEST_DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
# A code typed at the turn of a half minute is still taken (the sign-in tests type real codes).
MFA_TOTP_TOLERANCE = 1
