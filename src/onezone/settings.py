"""Django settings for OneZone, all taken from ONEZONE_* environment variables."""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from onezone.envconfig import database_config, env_bool, env_int, env_list

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("ONEZONE_HOME", Path.cwd())).resolve()
# A developer checkout keeps its settings in BASE_DIR/.env (`make install` writes one with
# ONEZONE_DEBUG=1); variables really set in the environment always win. Production has none.
load_dotenv(BASE_DIR / ".env", override=False)
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("ONEZONE_DEBUG", False)
SECRET_KEY = os.environ.get("ONEZONE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ONEZONE_SECRET_KEY is required when ONEZONE_DEBUG is off "
            "(set ONEZONE_DEBUG=1 for local development)."
        )
    SECRET_KEY = "onezone-insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ONEZONE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    # OneZone's core first: its templates override the admin's registration pages.
    "onezone.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "onezone.org",
    "onezone.register",
    "onezone.enterprises",
    "onezone.approvals",
    "onezone.demands",
    "onezone.policies",
    "onezone.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onezone.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onezone.urls"
WSGI_APPLICATION = "onezone.wsgi.application"
AUTH_USER_MODEL = "core.User"

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
                "onezone.core.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": database_config(os.environ.get("ONEZONE_DATABASE_URL"), VAR_DIR / "onezone.sqlite3")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("ONEZONE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ONEZONE_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_VERBOSE = False

# Sessions expire after ONEZONE_SESSION_IDLE_MINUTES of inactivity (sliding window).
SESSION_COOKIE_AGE = env_int("ONEZONE_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env_bool("ONEZONE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("ONEZONE_CSRF_TRUSTED_ORIGINS", [])

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# WhiteNoise serves assets in every mode; finders let it serve before collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ONEZONE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "ONEZONE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("ONEZONE_FROM_EMAIL", "noreply@onezone.local")
ONEZONE_SMS_BACKEND = os.environ.get("ONEZONE_SMS_BACKEND", "onezone.core.sms.ConsoleSmsBackend")
ONEZONE_OUTBOX_MAX_ATTEMPTS = env_int("ONEZONE_OUTBOX_MAX_ATTEMPTS", 5, minimum=1)
ONEZONE_SCHEDULER_INTERVAL_SECONDS = env_int("ONEZONE_SCHEDULER_INTERVAL_SECONDS", 60, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"onezone": {"handlers": ["console"], "level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 50

# Panels the domain apps add to the home page (dotted paths of functions(request) -> html).
ONEZONE_HOME_PANELS = [
    "onezone.enterprises.panels.bindings_panel",
    "onezone.enterprises.panels.service_panel",
]
# Run inside org's post_end transaction: apps hand on what the person in post was doing.
ONEZONE_POST_END_HOOKS = [
    "onezone.enterprises.services.assignments.assignments_reassign_for_post_end",
]
# Called for each issue raised in a visit; the demands app registers its handler here.
ONEZONE_VISIT_ISSUE_HANDLERS: list[str] = []

# Office hours of a working day (Asia/Shanghai), as ordered (start, end) sessions.
ONEZONE_OFFICE_HOURS = [("09:00", "12:00"), ("13:30", "17:30")]
# A clock turns amber when the remaining share of its limit is at most this (red when overdue).
ONEZONE_CLOCK_TRAFFIC_LIGHT = {"amber_remaining_share": 0.25}

# Demands ----------------------------------------------------------------------------------
# Stage clocks of a demand (DOMAIN.md §3): dispatch and signing in natural hours (the hotline
# runs 24 h); the reply by priority. [amount, unit]; a dict gives the limit per priority.
ONEZONE_DEMAND_CLOCKS = {
    "dispatch": {
        "emergency": [1, "hours"],
        "utilities": [2, "hours"],
        "ordinary": [24, "hours"],
        "complex": [24, "hours"],
    },
    "sign": [2, "hours"],
    "reply": {
        "emergency": [2, "hours"],
        "utilities": [24, "hours"],
        "ordinary": [7, "working_days"],
        "complex": [15, "working_days"],
    },
}
# The sweep puts an overdue demand under supervision after this many overdue working days.
ONEZONE_DEMAND_ESCALATE_AFTER_WORKING_DAYS = env_int(
    "ONEZONE_DEMAND_ESCALATE_AFTER_WORKING_DAYS", 3, minimum=1
)
# "<body name>/<unit name>" that takes demands of unclear responsibility; empty: the demand
# zone's committee's enterprise-service department.
ONEZONE_DEMAND_FALLBACK_UNIT = os.environ.get("ONEZONE_DEMAND_FALLBACK_UNIT", "")
ONEZONE_DEMAND_KPI = {
    "basically_factor": 0.9,
    "weights": {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4},
}
ONEZONE_VISIT_ISSUE_HANDLERS = [
    *ONEZONE_VISIT_ISSUE_HANDLERS,
    "onezone.demands.services.demands.visit_issue_open_demand",
]

# Policies
# Called (dotted paths of functions(enterprise_ids)) when enterprises' files or figures change;
# the policies app re-matches them after the change commits (enterprises never import policies).
ONEZONE_ENTERPRISE_CHANGED_HOOKS = [
    "onezone.policies.services.refresh.on_enterprise_changed",
]
