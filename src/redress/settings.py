"""Settings, from the environment only.

Every knob is a REDRESS_* variable. Helpers fail loudly on a malformed value rather
than guessing, so a typo in a deployment shows at start-up, not in production traffic.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    return os.environ.get(name) or default  # an empty variable counts as unset


def envbool(name: str, default: str = "false") -> bool:
    value = env(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected true or false")


def envint(name: str, default: str) -> int:
    value = env(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from None


_PACKAGE = Path(__file__).resolve().parent
DATA_DIR = Path(env("REDRESS_DATA_DIR", str(Path.cwd() / "var"))).resolve()
DEBUG = envbool("REDRESS_DEBUG", "false")


def _secret_key() -> str:
    """REDRESS_SECRET_KEY in production; the embedded default keeps a random key in the
    data directory (created on first start, readable by its owner only)."""
    if env("REDRESS_SECRET_KEY"):
        return env("REDRESS_SECRET_KEY")
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in env("REDRESS_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "redress.complaints",
    "redress.notify",
    "redress.web",
    "redress.api",
    "ninja",  # django-ninja: its Swagger UI files are served from /static/, never a CDN
    "redress.portal",
    "redress.imports",
    "redress.mailin",
    "redress.reports",
    "redress.earlywarning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "redress.web.headers.NoStoreMiddleware",
    "redress.web.headers.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "redress.urls"
WSGI_APPLICATION = "redress.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Each workbench area (web/intake, web/worklists, ...) keeps its templates beside
        # its views, so one area's strings are found by makemessages run in that area.
        "DIRS": sorted(str(p) for p in (_PACKAGE / "web").glob("*/templates")),
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "redress.web.context.workbench",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'redress.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(env("REDRESS_DATABASE_URL", _default_db), conn_max_age=envint("REDRESS_DB_CONN_MAX_AGE", "60")),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE makes a write
    # transaction take the write lock at BEGIN, so two writers queue instead of
    # deadlocking on lock upgrade (and busy_timeout lets them wait).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if env("REDRESS_TEST_DB_FILE", ""):
        # A test database kept on disk, for runs that start pytest many times over
        # (mutation testing with --reuse-db): migrating an in-memory one costs ~3.5 s
        # a start, more than most mutants' tests.
        DATABASES["default"]["TEST"] = {"NAME": env("REDRESS_TEST_DB_FILE", "")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation for this application's queries: they are short index reads,
    # but PostgreSQL's cost estimate for a count or a chart over a million rows passes
    # jit_above_cost, and compiling then adds 25–90 ms to a query of 10 ms (measured
    # at 1M complaints, benchmarks/README.md).
    # work_mem: a search within a wide scope (the callback desk's 280,000 cases in
    # callback states) ANDs the text index's matches with the scope's bitmap; at the
    # default 4 MB that bitmap turns lossy, and PostgreSQL then re-derives the text
    # bigrams of every row on those pages (a plpgsql function, ~90 µs a row: 0.6 s of a
    # 1 s search at a million complaints, 48 ms at 8 MB). Per sort or hash node of a
    # query, so a few times this per connection at most.
    work_mem = env("REDRESS_PG_WORK_MEM", "16MB")
    if not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB)", work_mem):
        raise ImproperlyConfigured(f"REDRESS_PG_WORK_MEM must be a size such as 16MB (a number and kB, MB or GB), "
                                   f"not {work_mem!r}")
    # random_page_cost: PostgreSQL's default (4) prices a table or index page read as a
    # disk seek; this application's working set is meant to sit in memory (see the
    # README's PostgreSQL settings), where an index probe costs about what a sequential
    # page does. At 4 the office's "needs my action" list hashed every complaint of the
    # due-time index (a million entries) rather than probe 15,000 by id: 200–240 ms,
    # 80–130 at 1.1 (the usual value for SSD or memory).
    page_cost = env("REDRESS_PG_RANDOM_PAGE_COST", "1.1")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", page_cost) or float(page_cost) <= 0:
        raise ImproperlyConfigured(f"REDRESS_PG_RANDOM_PAGE_COST must be a positive number such as 1.1, "
                                   f"not {page_cost!r}")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit=off -c work_mem={work_mem} -c random_page_cost={page_cost}")
# New rows' INSERTs as prepared statements on PostgreSQL (complaints/rows.py); set 0
# behind a connection pooler in transaction mode that does not support them.
REDRESS_DB_PREPARED = env("REDRESS_DB_PREPARED", "1") == "1"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "complaints.Staff"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = env("REDRESS_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Every `locale` folder in the package: the shared one and one per area or app, so
# areas translate their own strings without editing one shared catalogue.
# The workbench's shared words (states, roles, navigation) come first: where two
# catalogues translate the same English string, the earlier one wins.
_SHARED_LOCALES = [_PACKAGE / "locale", _PACKAGE / "web" / "locale"]
LOCALE_PATHS = _SHARED_LOCALES + sorted(p for p in _PACKAGE.glob("*/**/locale")
                                        if p.is_dir() and p not in _SHARED_LOCALES)

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(env("REDRESS_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"

# Sessions end when the browser closes or after REDRESS_SESSION_SECONDS without a
# request (the expiry is renewed on every request, so it is an idle timeout).
SESSION_COOKIE_NAME = "redress_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("REDRESS_SECURE_COOKIES", "false")
SESSION_COOKIE_AGE = envint("REDRESS_SESSION_SECONDS", str(30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("REDRESS_SESSION_BROWSER_CLOSE", "true")
# Pages put the token in forms and htmx headers, so no script needs the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("REDRESS_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Security headers (SecurityMiddleware, XFrameOptionsMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS redirect and HSTS. Behind a TLS-terminating proxy these work only when the
# proxy is trusted (REDRESS_TRUSTED_PROXY, below): its X-Forwarded-Proto then tells the
# application the request came over HTTPS, so it is not redirected again.
SECURE_SSL_REDIRECT = envbool("REDRESS_SSL_REDIRECT", "false")
SECURE_HSTS_SECONDS = envint("REDRESS_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = False


def _trusted_proxy() -> str:
    """The reverse proxy's address (redress/proxy.py): from that peer alone the client's
    address and scheme in X-Forwarded-For / X-Forwarded-Proto are believed."""
    for old in ("REDRESS_BEHIND_TLS_PROXY", "REDRESS_PORTAL_BEHIND_PROXY"):
        if env(old):
            raise ImproperlyConfigured(f"{old} is gone: set REDRESS_TRUSTED_PROXY to the proxy's address, and the "
                                       "client's address and scheme are taken from that proxy alone")
    value = env("REDRESS_TRUSTED_PROXY").strip()
    if value:
        import ipaddress

        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ImproperlyConfigured(f"REDRESS_TRUSTED_PROXY={value!r}: expected the proxy's IP address, "
                                       "as the application sees it connect (e.g. 127.0.0.1)") from None
    return value


REDRESS_TRUSTED_PROXY = _trusted_proxy()

# The Ed25519 key that signs the ledger's checkpoints (complaints/ledger_key.py). It must
# live where the database's owner cannot read it: REDRESS_LEDGER_KEY holds the key itself
# (PEM, or the 32-byte seed in base64), else REDRESS_LEDGER_KEY_FILE names its file;
# `redress init` creates that file (mode 0600) when neither exists.
REDRESS_LEDGER_KEY = env("REDRESS_LEDGER_KEY")
REDRESS_LEDGER_KEY_FILE = Path(env("REDRESS_LEDGER_KEY_FILE", str(DATA_DIR / "ledger-signing-key.pem")))

# Which policy pack the institution runs under: a shipped pack code
# (cn-securities, cn-futures, general) or a path to the institution's own YAML file,
# which may `extends:` a shipped pack and override any value.
REDRESS_POLICY = env("REDRESS_POLICY", "cn-securities")
# Where staff reach the workbench: the links to a case in reminders and escalations.
REDRESS_SITE_URL = env("REDRESS_SITE_URL", "http://localhost:8000")

# Evidence limits (bytes and MIME types); the policy may tighten them.
REDRESS_MAX_ATTACHMENT_BYTES = envint("REDRESS_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024))
# The largest message `redress mail-in` reads: refused (exit 65) while it is read, before
# it is parsed. By default what the largest attachment allowed needs once base64-encoded
# (4/3, in lines of 76 characters and CRLF), and 1 MiB for the text and the headers.
REDRESS_MAIL_MAX_BYTES = envint("REDRESS_MAIL_MAX_BYTES",
                                str(REDRESS_MAX_ATTACHMENT_BYTES * 4 // 3 * 78 // 76 + 1024 * 1024))

# Acknowledgments sent to one address within a period (notify/dispatch.py): more are
# held back, recorded, so a mail loop with a system that answers every message stops.
REDRESS_ACK_LIMIT = envint("REDRESS_ACK_LIMIT", "5")
REDRESS_ACK_PERIOD_HOURS = envint("REDRESS_ACK_PERIOD_HOURS", "24")

# The sweep sends the outbox in batches until it is empty or this many seconds have gone
# (notify/dispatch.py); what is left goes at the next run. Under the minute between runs.
REDRESS_OUTBOX_BUDGET_SECONDS = envint("REDRESS_OUTBOX_BUDGET_SECONDS", "45")

# An Idempotency-Key is honoured this many days; the sweep forgets older ones (a retry
# that late is a new request). Channels retry within minutes; a week leaves room for a
# system that queued its calls over a long weekend.
REDRESS_IDEMPOTENCY_DAYS = envint("REDRESS_IDEMPOTENCY_DAYS", "7")

# Text messages to customers who gave only a phone (notify/sms.py): "" for none,
# "console" (the log, for development) or "http" (a JSON POST to the provider's URL).
REDRESS_SMS_GATEWAY = env("REDRESS_SMS_GATEWAY", "")
if REDRESS_SMS_GATEWAY not in ("", "console", "http"):
    raise ImproperlyConfigured(f"REDRESS_SMS_GATEWAY: one of console, http (or unset), not {REDRESS_SMS_GATEWAY!r}")
REDRESS_SMS_URL = env("REDRESS_SMS_URL", "")
if REDRESS_SMS_GATEWAY == "http" and not REDRESS_SMS_URL:
    raise ImproperlyConfigured("REDRESS_SMS_URL: required when REDRESS_SMS_GATEWAY is http")
REDRESS_SMS_SENDER = env("REDRESS_SMS_SENDER", "")
REDRESS_SMS_TOKEN = env("REDRESS_SMS_TOKEN", "")
REDRESS_SMS_USERNAME = env("REDRESS_SMS_USERNAME", "")
REDRESS_SMS_PASSWORD = env("REDRESS_SMS_PASSWORD", "")
REDRESS_SMS_TIMEOUT = float(env("REDRESS_SMS_TIMEOUT", "10"))

# The intake customer lookup, per member of staff (issue 14): enough for a busy desk (a
# call every two minutes for a whole day is 240), far too few to search customers out.
REDRESS_LOOKUPS_PER_MINUTE = envint("REDRESS_LOOKUPS_PER_MINUTE", "30")
REDRESS_LOOKUPS_PER_DAY = envint("REDRESS_LOOKUPS_PER_DAY", "300")

EMAIL_BACKEND = env("REDRESS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("REDRESS_LOG_LEVEL", "WARNING")},
}

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
