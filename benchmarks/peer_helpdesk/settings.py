"""A throwaway Django site around django-helpdesk 2.6.1, for `benchmarks/api_create.py`
only: the ticket API with DRF token auth, PostgreSQL, no DEBUG, persistent
connections, e-mail built but kept in memory (locmem), as the reference figures in
shared/data/README.md were taken. Runs in its own virtualenv, never in Redress's."""

import os

BASE = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "peer-benchmark-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer_helpdesk.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": os.environ.get("PEER_DB_NAME", "helpdesk_bench"),
    "USER": os.environ.get("PEER_DB_USER", "postgres"),
    "HOST": os.environ.get("PEER_DB_HOST", "127.0.0.1"),
    "PORT": os.environ.get("PEER_DB_PORT", "5432"),
    "CONN_MAX_AGE": int(os.environ.get("PEER_DB_CONN_MAX_AGE", "60")),
}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("PEER_STATIC_ROOT", "/tmp/peer-helpdesk-static")
MEDIA_ROOT = os.environ.get("PEER_MEDIA_ROOT", "/tmp/peer-helpdesk-media")

# The notification e-mail is built in full and handed to a backend that keeps it in
# memory: the SMTP round trip is not what is being compared.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@bench.example"

REST_FRAMEWORK = {
    # Token, not Basic: Basic auth re-hashes the password on every request.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

HELPDESK_TEAMS_MODE_ENABLED = False  # pinax-teams is an optional extra
HELPDESK_API_ENABLED = True
LOGIN_URL = "/helpdesk/login/"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
