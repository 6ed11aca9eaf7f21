"""Django settings. Every value from the environment goes through ``heed.config.env`` (fail fast).

Variables: HEED_ENV (development|production|test), HEED_DATABASE_URL (default SQLite in WAL mode under
``var/``), HEED_INDEX_DIR (person index), HEED_SECRET_KEY (generated for development, required in
production), HEED_ALLOWED_HOSTS, HEED_VAR_DIR, HEED_SESSION_IDLE_MINUTES, HEED_LOGIN_FAILURE_LIMIT,
HEED_LOCKOUT_MINUTES, HEED_TEST_DATABASE_NAME, HEED_GUIDANCE (read by heed.risk); HEED_WORKERS, HEED_THREADS,
HEED_DB_CONNECTIONS (the production server's size and its database connection budget); the security block's
HEED_SESSION_ABSOLUTE_HOURS, HEED_HSTS_SECONDS, HEED_HSTS_PRELOAD, HEED_SSL_REDIRECT, HEED_PROXY_SSL_HEADER,
HEED_PROXY_COUNT and HEED_TOKEN_DAYS (see the README's "Running behind a proxy"); HEED_OIDC_* (optional
single sign-on: ``heed.config.oidc``); HEED_GUIDANCE_KEYS and HEED_LOOKBACK_MONTHS (national guidance);
HEED_STATS_KEYS (forces' statistics files).
"""

from __future__ import annotations

import os
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from heed.config.env import (
    ENVIRONMENTS,
    Env,
    EnvError,
    database_from_url,
    proxy_ssl_header,
    secret_key,
    server_size,
)
from heed.config.oidc import oidc_from_env

_env = Env.from_os()

try:
    HEED_ENV = _env.choice("HEED_ENV", "development", ENVIRONMENTS)
    VAR_DIR = Path(_env.text("HEED_VAR_DIR", "var")).resolve()
    SECRET_KEY = secret_key(_env, environment=HEED_ENV, var_dir=VAR_DIR)
    _db = database_from_url(
        _env.text("HEED_DATABASE_URL", f"sqlite:///{VAR_DIR / 'heed.sqlite3'}"), var_dir=VAR_DIR
    )
    _test_name = _env.raw("HEED_TEST_DATABASE_NAME")
    if _test_name:
        _db["TEST"] = {"NAME": _test_name}
    elif _db["ENGINE"].endswith("sqlite3"):
        # Tests get a file as production does, not Django's shared in-memory database: there two connections
        # meet "table is locked" at once instead of waiting for the write lock, so concurrent requests (two
        # people on one call) could not be tested as they really behave.
        _db["TEST"] = {"NAME": str(VAR_DIR / "test-heed.sqlite3")}
    # The person index: a directory, or PostgreSQL when HEED_CHECKS_BACKEND=pg (HEED_CHECKS_DSN), as the
    # `heed records import` and `heed check` commands read it (heed.checks.index_location).
    _backend = _env.choice("HEED_CHECKS_BACKEND", "embedded", ("embedded", "pg"))
    if _backend == "pg" and not _env.raw("HEED_CHECKS_DSN"):
        raise EnvError("HEED_CHECKS_BACKEND=pg needs HEED_CHECKS_DSN (a postgresql:// URL)")
    HEED_INDEX_DIR = (
        _env.raw("HEED_CHECKS_DSN")
        if _backend == "pg"
        else _env.text("HEED_INDEX_DIR", str(VAR_DIR / "index"))
    )
    ALLOWED_HOSTS = _env.listing(
        "HEED_ALLOWED_HOSTS", [] if HEED_ENV == "production" else ["127.0.0.1", "localhost", "testserver"]
    )
    if HEED_ENV == "production" and not ALLOWED_HOSTS:
        raise EnvError("HEED_ALLOWED_HOSTS: required in production (comma-separated host names)")
    SESSION_IDLE_MINUTES = _env.integer("HEED_SESSION_IDLE_MINUTES", 30, minimum=5, maximum=24 * 60)
    LOGIN_FAILURE_LIMIT = _env.integer("HEED_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
    LOCKOUT_MINUTES = _env.integer("HEED_LOCKOUT_MINUTES", 15, minimum=1, maximum=24 * 60)
    HEED_DEMO = _env.boolean("HEED_DEMO", False)
    # The security block's inputs (hardening): see the settings further down for what each does.
    SESSION_ABSOLUTE_HOURS = _env.integer("HEED_SESSION_ABSOLUTE_HOURS", 12, minimum=1, maximum=7 * 24)
    HEED_TOKEN_DAYS = _env.integer("HEED_TOKEN_DAYS", 90, minimum=1, maximum=366)
    # National guidance: the file of trusted public keys a pack must be signed by (none: nothing can be
    # imported), and how far back the look-back reads closed calls after an adoption.
    HEED_GUIDANCE_KEYS = _env.text("HEED_GUIDANCE_KEYS", "")
    # The forces' public keys their statistics files are signed with (the national owner's install).
    HEED_STATS_KEYS = _env.text("HEED_STATS_KEYS", "")
    HEED_LOOKBACK_MONTHS = _env.integer("HEED_LOOKBACK_MONTHS", 12, minimum=1, maximum=120)
    _production = HEED_ENV == "production"
    _hsts_seconds = _env.integer(
        "HEED_HSTS_SECONDS", 31_536_000 if _production else 0, minimum=0, maximum=2 * 31_536_000
    )
    _hsts_preload = _env.boolean("HEED_HSTS_PRELOAD", False)
    _ssl_redirect = _env.boolean("HEED_SSL_REDIRECT", _production)
    _proxy_ssl_header = proxy_ssl_header(_env)
    PROXY_COUNT = _env.integer("HEED_PROXY_COUNT", 0, minimum=0, maximum=5)
    # `heed serve`: server processes x threads, kept within the database connection budget (docs/adr/0008).
    SERVER_SIZE = server_size(_env, cpus=os.cpu_count())
    HEED_OIDC = oidc_from_env(_env)
except EnvError as exc:
    raise ImproperlyConfigured(str(exc)) from None

DEBUG = False
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "heed.accounts",
    "heed.audit",
    "heed.packstore",
    "heed.calls",
    "heed.support",
    "heed.training",
    "heed.lookback",
    "heed.notices",
    "heed.compliance",
    "heed.stats",
    "heed.security",
    "heed.web",
]

# Reminders and other background work: django-tasks with its database backend (no extra server). The worker is
# `heed worker` (started by `heed serve` unless --no-worker).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "heed.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor (if any) verified this session; then nothing but the MFA pages and sign-out until
    # a user whose role requires it (or who enrolled) has verified.
    "django_otp.middleware.OTPMiddleware",
    "heed.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form too large (or of too many fields) for Django to read is answered in words here, before anything
    # reads request.POST (which would find it empty, after a 400 and a traceback).
    "heed.web.body_limit.BodyLimitMiddleware",
    "heed.security.middleware.AbsoluteSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost, so its transaction holds only the view: a POST carrying an idempotency key runs in one
    # transaction with the key's row (heed.security.idempotency).
    "heed.security.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "heed.config.urls"
WSGI_APPLICATION = "heed.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "heed.web.context.heed",
            ],
            "builtins": ["heed.web.templatetags.heed_tags"],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A set-password link (made by a force administrator for a new user) works once, for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Second factor (django-otp): the issuer shown in authenticator apps; a wrong code doubles the wait before the
# next try (1 s, 2 s, 4 s, ...), per device.
OTP_TOTP_ISSUER = "Heed"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Optional single sign-on (OpenID Connect), only when HEED_OIDC_* are all set (heed.config.oidc).
if HEED_OIDC is not None:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("heed.accounts.oidc.HeedOidcBackend")
    globals().update(HEED_OIDC.django_settings())

# Lock out repeated failed logins by user name AND source address together: five wrong passwords from one
# address lock that user name from that address only, so nobody can lock a supervisor out from elsewhere (a
# contact centre's staff share one public address, which is why the address alone is never the key either).
# The cool-off doubles with each lockout of the same pair within a day (heed.security.lockout).
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = "heed.security.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "heed.security.lockout.client_ip"
AXES_HANDLER = "heed.security.lockout.LockoutHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the lockouts the progressive cool-off counts
# A wrong password while locked out neither extends the lockout nor counts as another lockout.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
LOCKOUT_MAX_HOURS = 24

# Idle timeout: every request pushes the expiry on, so a handler mid-call is never logged out while typing.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Renewed at most once a minute while in use (heed.security.middleware), not written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Besides the idle timeout, a session ends SESSION_ABSOLUTE_HOURS after sign-in whatever happens
# (heed.security.middleware.AbsoluteSessionMiddleware).

# Transport security: in production every request is HTTPS (plain HTTP is redirected, except the health
# check a load balancer makes), browsers are told to use nothing else (HSTS) and cookies never travel in
# the clear. HSTS preload stays off unless asked for: adding a domain to browsers' preload lists is the
# domain owner's decision and hard to undo, so Django's reminder about it (W021) is silenced while it is off.
SESSION_COOKIE_SECURE = _production
CSRF_COOKIE_SECURE = _production
SECURE_SSL_REDIRECT = _ssl_redirect
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = _hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = _hsts_seconds > 0
SECURE_HSTS_PRELOAD = _hsts_preload
if not _hsts_preload:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a TLS-terminating proxy, the header the proxy sets to say the request came over HTTPS. Only when
# configured: trusting it without such a proxy would let any client claim HTTPS.
if _proxy_ssl_header is not None:
    SECURE_PROXY_SSL_HEADER = _proxy_ssl_header
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: scripts, styles and everything else only from Heed's own static files; no inline
# script or style, no eval (htmx is configured without it), no framing, forms post only to Heed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Served by WhiteNoise straight from the app directories (no collectstatic step on a force's one machine).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = HEED_ENV != "production"

# The largest form body read (Django's default, 2.5 MB). The longest text a page takes is a log entry or a
# narrative of heed.textclean.NARRATIVE (50,000) characters: at most 600 KB sent, however it is written
# (4 bytes a character in UTF-8, each sent as %XX). A body up to this size is read, so text over its limit is
# refused with its length and kept on screen (heed.web.edges.read_form); a larger one is refused unread with a
# page that says so (heed.web.body_limit), and the call page's script stops an over-long text before it is
# sent.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"heed": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "heed.web.views.csrf_failure"
