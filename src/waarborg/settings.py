"""Django settings for Waarborg: one file, every value from the environment (see README)."""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from waarborg import config

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.private_dir(config.data_dir())  # created 0700
DEBUG = config.boolean("WAARBORG_DEBUG")
BASE_URL = config.base_url()
ALLOWED_HOSTS = config.allowed_hosts(BASE_URL)
CSRF_TRUSTED_ORIGINS = [BASE_URL]
SECRET_KEY = config.secret_key(DATA_DIR)
DATABASES = {
    "default": config.database(
        os.environ.get("WAARBORG_DATABASE_URL", ""), default_sqlite=DATA_DIR / "waarborg.sqlite3"
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    config.private_file(DATABASES["default"]["NAME"])  # 0600, in a 0700 folder
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth's list of passkeys
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "waarborg.core",
    # Before allauth: its pages render with our templates (signin/templates/).
    "waarborg.signin",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "waarborg.jobs",
    "waarborg.audit",
    "waarborg.register",
    "waarborg.notices",
    "waarborg.sources",
    "waarborg.documents",
    "waarborg.retention",
    "waarborg.consent",
    "waarborg.requests",
    "waarborg.checks",
    "waarborg.cookies",
    "waarborg.catalogue",
    "waarborg.dpia",
    "waarborg.breaches",
    "waarborg.processors",
    "waarborg.api",
    "waarborg.center",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "waarborg.core.middleware.LanguageMiddleware",
    "waarborg.core.inputs.RefuseControlCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "waarborg.core.middleware.UserLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "waarborg.core.access.ActiveOrganisationMiddleware",
    "waarborg.signin.middleware.RequireMultiFactor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "waarborg.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "waarborg.urls"
WSGI_APPLICATION = "waarborg.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "waarborg.core.access.organisation_context",
            ],
        },
    },
]

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",  # sessions made before allauth, and tests
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_MAX_AGE = 60 * 60 * 24 * 7  # an invitation link works for a week

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["waarborg.formats"]  # English dates in British style
LANGUAGE_COOKIE_NAME = "waarborg_language"
TIME_ZONE = config.time_zone()
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "files"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

globals().update(config.email())
DEFAULT_FROM_EMAIL = config.from_email()
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SQL sources (see sources/guard.py): the folders of SQLite files, the hosts of servers, and
# whether a source may be on the PostgreSQL cluster of Waarborg's own database.
SOURCE_SQLITE_DIRS = config.source_sqlite_dirs()
SOURCE_HOSTS = config.source_hosts()
# Folders whose files may be document sources (documents/guard.py).
DOCUMENT_DIRS = config.document_dirs()
# Certificates an IMAP server's is checked against besides the system's (a private CA).
IMAP_CAFILE = os.environ.get("WAARBORG_IMAP_CAFILE", "")
SOURCE_SAME_CLUSTER = config.boolean("WAARBORG_SOURCE_SAME_CLUSTER")
# Hosts the cookie scan may visit besides public addresses (cookies/guard.py).
SCAN_HOSTS = config.scan_hosts()
# Reverse proxies whose X-Forwarded-For names the client (core/clients.py).
TRUSTED_PROXIES = config.trusted_proxies()

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# A shared cache (sign-in throttling): the database, or Redis with WAARBORG_REDIS_URL.
CACHES = config.caches()

# Staff sign-in (django-allauth, see docs/sign-in.md): e-mail and password, then a second
# factor (TOTP with recovery codes, or a passkey); Entra ID / Google Workspace per organisation.
ACCOUNT_ADAPTER = "waarborg.signin.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_FORMS = {"login": "waarborg.signin.forms.LoginForm"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # a second factor or password changed: the member is told
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Ten wrong passwords for one address lock it for fifteen minutes; one address (IP) may try
# thirty times in fifteen minutes, whatever the accounts.
SIGNIN_FAILURES_PER_ADDRESS = 10
SIGNIN_FAILURES_PER_IP = 30
SIGNIN_LOCK_MINUTES = 15
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{SIGNIN_FAILURES_PER_IP}/{SIGNIN_LOCK_MINUTES}m/ip,"
        f"{SIGNIN_FAILURES_PER_ADDRESS}/{SIGNIN_LOCK_MINUTES}m/key"
    ),
}
MFA_ADAPTER = "waarborg.signin.adapters.MultiFactorAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Waarborg"
# Passkeys need a secure origin: https, or http://localhost (the demo and tests); the origin is
# always checked (MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN stays off).
SOCIALACCOUNT_ADAPTER = "waarborg.signin.adapters.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False

SESSION_COOKIE_HTTPONLY = True
# A session ends after WAARBORG_SESSION_IDLE_MINUTES without a request: every request moves
# the end on (the session is saved each time).
SESSION_COOKIE_AGE = 60 * config.session_idle_minutes()
SESSION_SAVE_EVERY_REQUEST = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if BASE_URL.startswith("https://"):
    # Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto (see README).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
}
