"""Django settings. Every value from the environment goes through ``heed.config.env`` (fail fast).

Variables: HEED_ENV (development|production|test), HEED_DATABASE_URL (default SQLite in WAL mode under
``var/``), HEED_INDEX_DIR (person index), HEED_SECRET_KEY (generated for development, required in
production), HEED_ALLOWED_HOSTS, HEED_VAR_DIR, HEED_SESSION_IDLE_MINUTES, HEED_LOGIN_FAILURE_LIMIT,
HEED_LOCKOUT_MINUTES, HEED_TEST_DATABASE_NAME, HEED_GUIDANCE (read by heed.risk).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from heed.config.env import ENVIRONMENTS, Env, EnvError, database_from_url, secret_key

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
    "axes",
    "django_tasks",
    "django_tasks_db",
    "heed.accounts",
    "heed.audit",
    "heed.calls",
    "heed.support",
    "heed.web",
]

# Reminders and other background work: django-tasks with its database backend (no extra server). The worker is
# `heed worker` (started by `heed serve` unless --no-worker).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "heed.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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

# Lock an account after repeated failed logins (per user name: contact centres share one public address).
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
# Locking by user name only is deliberate: a contact centre's staff share one public address, and locking it
# would lock out every handler at once. axes warns about this choice (W006); it is made knowingly.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Idle timeout: every request pushes the expiry on, so a handler mid-call is never logged out while typing.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HEED_ENV == "production"
CSRF_COOKIE_SECURE = HEED_ENV == "production"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Served by WhiteNoise straight from the app directories (no collectstatic step on a force's one machine).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = HEED_ENV != "production"

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"heed": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "heed.web.views.csrf_failure"
