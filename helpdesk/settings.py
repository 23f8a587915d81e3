"""Settings for every environment.

Every value comes from the environment (or a `.env` file beside manage.py); `.env.example` documents
each variable. A bad value stops start-up with one line naming the variable, never a traceback.
"""

import ipaddress
import os
import re
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit
from zoneinfo import available_timezones

import csp.constants as csp
import environ
import phonenumbers
from celery.schedules import crontab
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from branding import colours

BASE_DIR = Path(__file__).resolve().parent.parent
# The test runner (make test) reads none of a development checkout's .env: its settings are its own.
if os.environ.get("HELPDESK_IGNORE_DOTENV") != "1":
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def fail(name: str, problem: str) -> NoReturn:
    # SystemExit with a message prints that one line and exits 1 (manage.py, gunicorn, celery).
    raise SystemExit(f"Configuration error: {name} {problem}")


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            fail(name, "is required but not set.")
        return default
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    fail(name, f"must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        fail(name, f"must be a whole number, not {value!r}.")
    if number < minimum:
        fail(name, f"must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(name: str, url: str) -> dict:
    """postgres://user:pass@host:port/db?opt=v or sqlite:///path, parsed by django-environ and
    checked here: anything else stops start-up with a message naming the variable."""
    scheme = url.partition("://")[0]
    if scheme not in ("postgres", "postgresql", "pgsql", "sqlite") or "://" not in url:
        fail(name, f"must start with postgres:// or sqlite:///, not {url!r}.")
    try:
        config = environ.Env.db_url_config(url)
    except ValueError:
        fail(name, f"has an invalid port: {url!r}.")
    if scheme != "sqlite":
        if not config["HOST"] or not config["NAME"] or "/" in config["NAME"]:
            fail(
                name, f"is not a valid PostgreSQL URL (postgres://user@host:5432/dbname): {url!r}."
            )
        # A database that does not answer fails a request in seconds (a 503), not minutes.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", "5")
        return {
            **config,
            "PORT": str(config["PORT"] or ""),
            # gunicorn's and Celery's processes keep one connection each for a minute. The
            # development server (DEBUG) runs a thread per request: kept connections would
            # pile up idle there, so it closes each at the end of its request.
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
            "CONN_HEALTH_CHECKS": True,
        }
    # sqlite:///relative/path.db is relative to the project; sqlite:////abs/path.db is absolute.
    if not url.startswith("sqlite:///") or config["NAME"] in ("", ":memory:"):
        fail(name, f"is not a valid SQLite URL (sqlite:///var/helpdesk.sqlite3): {url!r}.")
    db_path = Path(config["NAME"])
    if not db_path.is_absolute():
        db_path = BASE_DIR / db_path
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(db_path),
        "OPTIONS": {
            # WAL lets the web process read while the worker writes; the busy timeout makes a
            # writer wait for the other instead of failing with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


# Core

DEBUG = env_bool("DEBUG", False)
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
# Keys written in this repository are public: with one, anyone can forge sessions, guest links
# and password resets: the development key above, and docker-compose.yml's former default (in
# the repository's history, and in any deployment that kept it).
PUBLIC_SECRET_KEYS = {
    DEVELOPMENT_SECRET_KEY,
    "compose-local-secret-key-change-me-in-production-0123456789",
}
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 32:
        fail("SECRET_KEY", "is required (at least 32 characters) when DEBUG is off.")
    if SECRET_KEY in PUBLIC_SECRET_KEYS:
        fail(
            "SECRET_KEY",
            "is a key published in this repository; generate your own: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        fail(
            "CSRF_TRUSTED_ORIGINS", f"entries must start with http:// or https://, not {_origin!r}."
        )

# Public address of the site, used in links inside emails. Without one: this machine, on the port
# `make run` serves (PORT, which its development .env keeps), so that a manage.py command run beside
# it sends links that open too.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    fail("SITE_URL", f"must start with http:// or https://, not {SITE_URL!r}.")

INSTALLED_APPS = [
    # First: `manage.py runserver` serves ASGI (HTTP and the staff pages' live WebSocket).
    "daphne",
    # Django's admin, with the sign-in rate-limited per address and the staff's second factor
    # (helpdesk/admin_site.py).
    "helpdesk.admin_config.HelpdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    # Live updates on the staff pages (staff/live.py, docs/architecture.md "Live updates").
    "channels",
    "axes",
    "csp",
    # Staff's second factor (README "Security"): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "phonenumber_field",
    "helpdesk",
    "tickets",
    "branding",
    # Who read what (README "Security"): below every app that records, above tickets.
    "audit",
    # Incidents (README "Incidents") first of the ticket reactions: a new ticket is linked to its
    # incident before its SLA timers start (paused) and its receipt is written (which says so).
    "incidents",
    # After tickets, in this order: a ticket change updates its SLA timers before the
    # notifications it causes read them (each subscribes in its ready()).
    "sla",
    "notifications",
    # In-app notifications: the staff's bell and notification centre (README "Staff workspace").
    "inbox",
    "faq",
    # Retention, export and erasure of personal data (README "Personal data").
    "privacy",
    "api",
    "portal",
    "staff",
    "benchmarks",
]

MIDDLEWARE = [
    # First: everything after it reads the client's address from REMOTE_ADDR.
    "helpdesk.addresses.ClientAddressMiddleware",
    # A NUL character in the URL is refused before it reaches a query (PostgreSQL refuses it).
    "helpdesk.errors.refuse_null_characters",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave its second factor.
    "django_otp.middleware.OTPMiddleware",
    "tickets.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "staff.middleware.StaffIdleTimeoutMiddleware",
    "staff.middleware.StaffTimeZoneMiddleware",
    # A staff session that still owes its second factor opens nothing but that step.
    "staff.middleware.StaffTwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "helpdesk.errors.permissions_policy",
    "api.middleware.private_answers",
    # A view refused by a rate limit (block=True) answers the 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
# HTTP plus the staff pages' WebSocket (helpdesk/asgi.py); production serves it with gunicorn's
# uvicorn workers (deploy/gunicorn.conf.py).
ASGI_APPLICATION = "helpdesk.asgi.application"
AUTH_USER_MODEL = "tickets.User"
AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses a locked-out email + address before checking passwords.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-requests"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "branding.context_processors.brand",
                "inbox.context_processors.unread_notifications",
            ],
        },
    },
]

# Database

DATABASES = {
    "default": database_from_url(
        "DATABASE_URL",
        env_str("DATABASE_URL", f"sqlite:///{(VAR_DIR / 'helpdesk.sqlite3').resolve()}"),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by web and workers), process memory otherwise.
# Redis failing open (helpdesk/cache.py): without Redis a request goes on as on a cache miss.

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    fail("REDIS_URL", f"must start with redis://, rediss:// or unix://, not {REDIS_URL!r}.")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "helpdesk"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Live updates (tickets/live.py): Redis pub/sub between the processes when REDIS_URL is set;
# otherwise process memory (make run's embedded defaults), where only what the web process
# itself changes reaches its pages and the rest is caught by their polling. Pub/sub channels are
# shared by every database of a Redis server: the prefix names the database. The timeouts keep a
# hung Redis from holding up the request whose change is being announced.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 2, "socket_timeout": 2}],
                "prefix": f"helpdesk.live.{urlsplit(REDIS_URL).path.strip('/') or '0'}.",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Passwords and sessions

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=300)
# Staff (agents, leads, admins) are signed out after this many hours without a request.
STAFF_IDLE_TIMEOUT_HOURS = env_int("STAFF_IDLE_TIMEOUT_HOURS", 8, minimum=1)
# Who signs in with a second factor (an authenticator app's code, or a recovery code) after the
# password: "required" every agent, lead and admin; "leads" leads and admins, agents who set one
# up; "off" nobody (README "Security").
STAFF_TWO_FACTOR = env_str("STAFF_TWO_FACTOR", "leads").strip().lower()
if STAFF_TWO_FACTOR not in ("required", "leads", "off"):
    fail("STAFF_TWO_FACTOR", f"must be required, leads or off, not {STAFF_TWO_FACTOR!r}.")
# After n wrong codes in a row the next is refused for 2^(n-1) seconds (django-otp), per device;
# the code step is also limited per client address (staff/two_factor.py).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Internationalisation

LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English"), ("zh-hans", "简体中文")]
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "id")
if LANGUAGE_CODE not in dict(LANGUAGES):
    fail("LANGUAGE_CODE", f"must be one of {', '.join(dict(LANGUAGES))}, not {LANGUAGE_CODE!r}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# One date format per language (helpdesk/formats/<locale>/formats.py).
FORMAT_MODULE_PATH = ["helpdesk.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
if TIME_ZONE not in available_timezones():
    fail("TIME_ZONE", f"must be an IANA time zone such as Asia/Jakarta, not {TIME_ZONE!r}.")
USE_TZ = True
# A phone number typed without a country code is from here; numbers are stored in E.164 and
# shown in the international format (+62 812-3456-7890).
PHONENUMBER_DEFAULT_REGION = env_str("PHONENUMBER_DEFAULT_REGION", "ID").upper()
if PHONENUMBER_DEFAULT_REGION not in phonenumbers.SUPPORTED_REGIONS:
    fail(
        "PHONENUMBER_DEFAULT_REGION",
        f"must be a two-letter country code such as ID, not {PHONENUMBER_DEFAULT_REGION!r}.",
    )
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# Static files and uploads. Uploads live outside the static tree and are never served directly:
# attachments go through a permission-checked view.

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Email: SMTP when EMAIL_HOST is set, otherwise one file per message under var/mail/.

# A display name here ("Acme Help <help@acme.example>") is the emails' sender name; without one
# they are sent in the brand's name (below), in each email's language.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "help@helpdesk.localhost")
try:
    validate_email(parseaddr(DEFAULT_FROM_EMAIL)[1])
except ValidationError:
    fail(
        "DEFAULT_FROM_EMAIL",
        f"must be an email address, with a name or not (Acme Help <help@acme.example>), "
        f"not {DEFAULT_FROM_EMAIL!r}.",
    )
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    # Django's SMTP backend that records when a message is handed over (exactly-once delivery).
    EMAIL_BACKEND = "notifications.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        fail("EMAIL_USE_SSL", "cannot be on together with EMAIL_USE_TLS.")
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Brand (README "Branding"): the name, colour and channels customers see, in pages and emails.
# These are the defaults; an admin's Brand page (Django admin) overrides any of them. The name
# and the in-app chat path may differ per language: BRAND_NAME_ID, BRAND_NAME_EN and
# BRAND_NAME_ZH_HANS, else BRAND_NAME (the same for BRAND_APP_CHAT_PATH).


def env_by_language(name: str, default: str, *, max_length: int) -> dict[str, str]:
    common = env_str(name, default).strip()
    values = {}
    for code, _language in LANGUAGES:
        variable = f"{name}_{code.upper().replace('-', '_')}"
        values[code] = env_str(variable, common).strip()
        if len(values[code]) > max_length:
            fail(
                variable if os.environ.get(variable) else name,
                f"must be {max_length} characters or fewer.",
            )
    return values


BRAND_NAME = env_by_language("BRAND_NAME", "Helpdesk", max_length=60)
BRAND_APP_CHAT_PATH = env_by_language("BRAND_APP_CHAT_PATH", "", max_length=200)
# Buttons and the help centre's banner carry white text on it: it must be dark enough to read.
BRAND_PRIMARY_COLOUR = colours.normalise(env_str("BRAND_PRIMARY_COLOUR", "#2a5db0"))
if BRAND_PRIMARY_COLOUR is None:
    fail(
        "BRAND_PRIMARY_COLOUR",
        f"must be a colour such as #2a5db0, not {os.environ['BRAND_PRIMARY_COLOUR']!r}.",
    )
if colours.white_text_contrast(BRAND_PRIMARY_COLOUR) < colours.MIN_CONTRAST:
    fail(
        "BRAND_PRIMARY_COLOUR",
        f"is too light: white text on {BRAND_PRIMARY_COLOUR} has a contrast of "
        f"{colours.white_text_contrast(BRAND_PRIMARY_COLOUR):.1f}:1, below the "
        f"{colours.MIN_CONTRAST}:1 text needs. Choose a darker colour.",
    )
BRAND_SUPPORT_EMAIL = env_str("BRAND_SUPPORT_EMAIL", "").strip()
if BRAND_SUPPORT_EMAIL:
    try:
        validate_email(BRAND_SUPPORT_EMAIL)
    except ValidationError:
        fail("BRAND_SUPPORT_EMAIL", f"must be an email address, not {BRAND_SUPPORT_EMAIL!r}.")
# Stored in E.164; without a country code it is a number of PHONENUMBER_DEFAULT_REGION.
BRAND_HOTLINE = env_str("BRAND_HOTLINE", "").strip()
if BRAND_HOTLINE:
    try:
        _hotline = phonenumbers.parse(BRAND_HOTLINE, PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        _hotline = None
    if _hotline is None or not phonenumbers.is_valid_number(_hotline):
        fail(
            "BRAND_HOTLINE",
            f"must be a phone number such as +62 21 5000 0000, not {BRAND_HOTLINE!r}.",
        )
    BRAND_HOTLINE = phonenumbers.format_number(_hotline, phonenumbers.PhoneNumberFormat.E164)
BRAND_WEBSITE = env_str("BRAND_WEBSITE", "").strip()
if BRAND_WEBSITE:
    try:
        URLValidator(schemes=["https", "http"])(BRAND_WEBSITE)
    except ValidationError:
        fail("BRAND_WEBSITE", f"must be an https:// address, not {BRAND_WEBSITE!r}.")
# The brand's social media accounts, comma-separated: "Instagram @acme, X @acme_care".
BRAND_SOCIAL_ACCOUNTS = env_list("BRAND_SOCIAL_ACCOUNTS", [])

# Notifications and email (docs/design.md section 7, README "Notifications and email").

# The domain of the Message-IDs we generate; replies thread by them.
EMAIL_MESSAGE_ID_DOMAIN = env_str("EMAIL_MESSAGE_ID_DOMAIN", urlsplit(SITE_URL).hostname or "")
if not EMAIL_MESSAGE_ID_DOMAIN or any(c in EMAIL_MESSAGE_ID_DOMAIN for c in "<>@ "):
    fail("EMAIL_MESSAGE_ID_DOMAIN", f"must be a domain name, not {EMAIL_MESSAGE_ID_DOMAIN!r}.")
# Reply-To payments+GP-7K3M9Q@...: needs the mail server to deliver plus-addresses to the queue's
# address (Postfix: recipient_delimiter = +). Off: Reply-To is the queue's plain address.
EMAIL_PLUS_ADDRESSING = env_bool("EMAIL_PLUS_ADDRESSING", True)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
NOTIFICATION_RETRY_BASE_SECONDS = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 30, minimum=1)
NOTIFICATION_RETRY_MAX_SECONDS = env_int("NOTIFICATION_RETRY_MAX_SECONDS", 1800, minimum=1)
# A retry waits in the broker as a countdown task; Redis hands an unacknowledged message out
# again after its visibility timeout (one hour, below), so a retry must come sooner.
if NOTIFICATION_RETRY_MAX_SECONDS >= 3600:
    fail("NOTIFICATION_RETRY_MAX_SECONDS", "must be below 3600 (the broker's visibility timeout).")
# A due notification no worker took within this many seconds is published again by the sweep.
NOTIFICATION_PICKUP_SECONDS = env_int("NOTIFICATION_PICKUP_SECONDS", 60, minimum=1)
# A worker that died after handing a message to the mail server, before it answered, leaves the
# message unconfirmed: it is sent once more this many seconds later, with the same Message-ID
# (README "Notifications and email": no receipt lost; a rare duplicate threads with the first).
NOTIFICATION_UNCONFIRMED_RESEND_SECONDS = env_int(
    "NOTIFICATION_UNCONFIRMED_RESEND_SECONDS", 300, minimum=0
)
# Inbound email webhook: the shared secret (Bearer token or basic-auth password). Empty: off.
INBOUND_EMAIL_SECRET = os.environ.get("INBOUND_EMAIL_SECRET", "")
if INBOUND_EMAIL_SECRET and len(INBOUND_EMAIL_SECRET) < 24:
    fail("INBOUND_EMAIL_SECRET", "must be at least 24 characters (or empty to turn it off).")
INBOUND_EMAIL_MAX_BYTES = env_int("INBOUND_EMAIL_MAX_BYTES", 40 * 1024 * 1024, minimum=1024)
# The authserv-ids of our own receiving mail servers: only their Authentication-Results headers
# (SPF, DKIM, DMARC verdicts) are believed when an email's sender is verified.
INBOUND_TRUSTED_AUTHSERV_IDS = env_list("INBOUND_TRUSTED_AUTHSERV_IDS", [])
INBOUND_EMAIL_RATE_LIMIT = env_str("INBOUND_EMAIL_RATE_LIMIT", "120/m")
if not re.fullmatch(r"[1-9]\d*/[smhd]", INBOUND_EMAIL_RATE_LIMIT):
    fail(
        "INBOUND_EMAIL_RATE_LIMIT",
        f"must look like 120/m (per s, m, h or d), not {INBOUND_EMAIL_RATE_LIMIT!r}.",
    )
# The topic of a new email ticket whose queue address has no topic routed to it.
INBOUND_DEFAULT_CATEGORY = env_str("INBOUND_DEFAULT_CATEGORY", "how_to")

# Security. Production values are the defaults; DEBUG relaxes what a laptop cannot offer.
# Behind the compose proxy, X-Forwarded-Proto tells Django the original scheme.

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, images and requests from this site only,
# no inline script or style anywhere (the pages have none), no framing, no plugins, forms post
# here. The API's documentation pages relax it for their own inline code (api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF],
    }
}
# What no page of ours uses: the browser refuses it to any script that would.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# The proxies in front of Django (addresses or networks, e.g. the compose network): only what
# they add to X-Forwarded-For is read for the client's address (helpdesk/addresses.py), which
# rate limits, lock-outs and logs then take from REMOTE_ADDR. Empty: no proxy is trusted.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        fail("TRUSTED_PROXIES", f"must be addresses or networks like 10.0.0.0/8, not {_proxy!r}.")
if env_str("RATELIMIT_IP_META_KEY", "REMOTE_ADDR") != "REMOTE_ADDR":
    fail(
        "RATELIMIT_IP_META_KEY",
        "is replaced by TRUSTED_PROXIES (a header is read only from a trusted proxy); remove it.",
    )
RATELIMIT_IP_META_KEY = "REMOTE_ADDR"
RATELIMIT_VIEW = "helpdesk.views.rate_limited"

# Lockout after repeated failed sign-ins (django-axes): per email address and client address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "helpdesk.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
# Not "AXES: BEGIN ..." at every process start; lock-outs are still logged as warnings.
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "helpdesk.addresses.request_address"
# A count the cache cannot give (Redis down) lets the request through.
RATELIMIT_FAIL_OPEN = True
# W001: django-ratelimit names only django-redis among Redis backends; Django's own, which ours
# extends, counts atomically too (INCR).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    # The per-process memory cache of the embedded default counts per process: good enough
    # for a laptop, and the checks would otherwise refuse to start.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003"]

# REST API v1 (docs/design.md section 9, README "API"). Rates are "<number>/<s|m|h|d>", counted in
# the default cache (Redis when REDIS_URL is set), per signed-in user or API key and per client
# address (as for the web's limits: helpdesk/addresses.py); mobile networks put many customers
# behind one address, so the address limits are the generous ones.


def env_rate(name: str, default: str) -> str:
    value = env_str(name, default)
    if not re.fullmatch(r"[1-9]\d*/[smhd]", value):
        fail(name, f"must look like 20/h (per s, m, h or d), not {value!r}.")
    return value


REST_FRAMEWORK = {
    # The first one's challenge is the WWW-Authenticate of a 401 (the session has none).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "api.authentication.GuestLinkAuthentication",
        # DRF's, refusing a staff session that owes its second factor.
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.ApiKeyScope",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.BoundedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {
        "create-user": env_rate("API_CREATE_RATE_PER_USER", "30/h"),
        "create-ip": env_rate("API_CREATE_RATE_PER_IP", "120/h"),
        "search-user": env_rate("API_SEARCH_RATE_PER_USER", "60/m"),
        "search-ip": env_rate("API_SEARCH_RATE_PER_IP", "300/m"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wallet Helpdesk API",
    "DESCRIPTION": (
        "REST API v1 of the helpdesk: tickets, attachments, queues, FAQ and the caller's "
        "profile. Errors are problem details (RFC 9457, application/problem+json). See the "
        "README's API section for authentication, idempotent creation and webhooks."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.tickets.Status",
        "TicketPriorityEnum": "api.serializers.PRIORITY_CHOICES",
        "ReplyStatusEnum": "api.serializers.REPLY_STATUSES",
        "LanguageEnum": "helpdesk.settings.LANGUAGES",
        "CategoryEnum": "tickets.models.Category.Code",
        "IncidentStatusEnum": "incidents.models.Incident.Status",
        "IncidentActiveStatusEnum": "api.serializers.ACTIVE_STATUSES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
        "api.schema.request_rules",
    ],
}

# Outbound webhooks (README "API"): deliveries retry with exponential backoff, like emails.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=1)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 1800, minimum=1)
if WEBHOOK_RETRY_MAX_SECONDS >= 3600:
    fail("WEBHOOK_RETRY_MAX_SECONDS", "must be below 3600 (the broker's visibility timeout).")
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# A published delivery no worker took within this many seconds is published again by the sweep.
WEBHOOK_PICKUP_SECONDS = env_int("WEBHOOK_PICKUP_SECONDS", 60, minimum=1)

# Incidents (README "Incidents"): tickets per transaction when a job tells an incident's
# customers or resolves its tickets, and how long one task runs before it hands over to the next.
INCIDENT_JOB_BATCH_SIZE = env_int("INCIDENT_JOB_BATCH_SIZE", 200, minimum=1)
INCIDENT_JOB_RUN_SECONDS = env_int("INCIDENT_JOB_RUN_SECONDS", 20, minimum=1)
# The staff dashboard's spike flag (incidents/spikes.py): a group of tickets (a category, its
# payment method, its bank) is unusual when the last 15 minutes hold at least this many tickets
# and at least FACTOR times its usual count per 15 minutes at this time of day over the week before.
INCIDENT_SPIKE_MIN_TICKETS = env_int("INCIDENT_SPIKE_MIN_TICKETS", 10, minimum=1)
INCIDENT_SPIKE_FACTOR = env_int("INCIDENT_SPIKE_FACTOR", 4, minimum=1)

# Celery

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL in ("filesystem://", "filesystem://localhost//"):
    # The host names nothing here; written out, kombu does not warn about its absence.
    CELERY_BROKER_URL = "filesystem://localhost//"
    # The embedded broker: messages are files under var/broker, so the dev command needs no server.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Must exceed the longest task; unacknowledged messages are redelivered after it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    fail(
        "CELERY_BROKER_URL", f"must be a redis:// URL or filesystem://, not {CELERY_BROKER_URL!r}."
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through LOGGING above (its redacting filter), not handlers of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90, minimum=1)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    fail("CELERY_TASK_TIME_LIMIT", "must be greater than CELERY_TASK_SOFT_TIME_LIMIT.")
# A publish while the broker is down gives up quickly: the request must not hang on it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
SLA_SWEEP_SECONDS = env_int("SLA_SWEEP_SECONDS", 5, minimum=1)
if SLA_SWEEP_SECONDS > 15:
    fail("SLA_SWEEP_SECONDS", "must be 15 or less: SLA events fire within that of their due time.")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "helpdesk.tasks.heartbeat_task",
        "schedule": 60,
        "options": {"expires": 55, "expire_seconds": 55},
    },
    # SLA warnings, breaches and escalation steps (sla/sweep.py), every few seconds so
    # each fires within SLA_SWEEP_SECONDS of its due time: one indexed query when nothing is
    # due. Deadlines stay columns swept here, never countdown/eta tasks (STYLE.md, saleor).
    # django-celery-beat's DatabaseScheduler ignores "expires" and stores "expire_seconds"
    # instead, so both are set: a sweep not started by the next one's time is dropped.
    "sla-sweep": {
        "task": "tickets.tasks.sla_sweep_task",
        "schedule": SLA_SWEEP_SECONDS,
        "options": {"expires": SLA_SWEEP_SECONDS, "expire_seconds": SLA_SWEEP_SECONDS},
    },
    # Publishes notifications no worker took (broker down, worker died) and retries that are due.
    "outbox-sweep": {
        "task": "tickets.tasks.sweep_outbox_task",
        "schedule": 60,
        "options": {"expires": 55, "expire_seconds": 55},
    },
    # Publishes webhook deliveries no worker took, and retries that are due.
    "webhook-sweep": {
        "task": "api.tasks.sweep_webhooks_task",
        "schedule": 60,
        "options": {"expires": 55, "expire_seconds": 55},
    },
    # Incident jobs (telling customers, resolving tickets) whose worker died or whose message
    # was lost: published again (incidents/jobs.py).
    "incident-jobs": {
        "task": "incidents.tasks.sweep_incident_jobs_task",
        "schedule": 60,
        "options": {"expires": 55, "expire_seconds": 55},
    },
    # Files kept for a ticket form that came back with an error and was never sent
    # (tickets/pending_uploads.py): deleted a day after they were attached.
    "pending-uploads": {
        "task": "tickets.tasks.delete_expired_uploads_task",
        "schedule": 3600,
        "options": {"expires": 3500, "expire_seconds": 3500},
    },
    # Retention of personal data (privacy/retention.py): files, texts and audit rows past the
    # periods set in the admin. Daily at 02:30 server time; it continues in follow-up tasks
    # when one run is not enough, and a day's run that never started is dropped.
    "retention": {
        "task": "privacy.tasks.apply_retention_task",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 23 * 3600, "expire_seconds": 23 * 3600},
    },
}

# Logging: everything to stderr, where the process manager (make run, compose) collects it.

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    fail("LOG_LEVEL", f"must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "redact": {"()": "helpdesk.logging.RedactingFilter"},
        "routine": {"()": "helpdesk.logging.RoutineTasksFilter"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["routine", "redact"],
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own handlers for these (the development server's request lines among them)
        # would bypass the redacting filter: they go to the root's one filtered handler instead.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # At DEBUG it prints whole template contexts (ticket text, personal data) for each
        # missing variable: never, whatever LOG_LEVEL says.
        "django.template": {"level": "INFO"},
    },
}

# The helpdesk itself

# A customer reply within this many days of resolution reopens the ticket; later, it starts a new
# ticket linked to the old one.
REOPEN_WINDOW_DAYS = env_int("REOPEN_WINDOW_DAYS", 7, minimum=0)

# A customer's rating (1-5) at or below this is followed up: the queue's leads are told in the
# app and by email, and an internal note holds the score and comment (tickets/low_ratings.py).
# 0 turns the follow-up off.
LOW_RATING_FOLLOW_UP_AT = env_int("LOW_RATING_FOLLOW_UP_AT", 2, minimum=0)
if LOW_RATING_FOLLOW_UP_AT > 5:
    fail("LOW_RATING_FOLLOW_UP_AT", f"must be a rating from 0 to 5, not {LOW_RATING_FOLLOW_UP_AT}.")

TICKET_REFERENCE_PREFIX = env_str("TICKET_REFERENCE_PREFIX", "GP")
if not TICKET_REFERENCE_PREFIX.isalnum() or not TICKET_REFERENCE_PREFIX.isupper():
    fail(
        "TICKET_REFERENCE_PREFIX",
        f"must be upper-case letters or digits, not {TICKET_REFERENCE_PREFIX!r}.",
    )
