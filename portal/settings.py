"""Settings, read from the environment (12-factor).

Production (DJANGO_DEBUG off) refuses to start when a required variable is missing, naming it,
so a half-configured deployment fails at boot instead of at a student's first click.
See `.env.example` and docs/deploy.md for every variable.
"""

import base64
import hashlib
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from marshmallow.validate import Email, OneOf

from portal import config_safety
from portal.env import env, env_list, env_url
from portal.logging import logging_config
from portal.rates import parse_rate

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Reading the environment (portal/env.py) ------------------------------------------------------

# Every variable goes through `env`: a malformed value (`ture`, `two`) stops start-up with an error
# naming the variable, and an empty value counts as unset, so it takes the default written here.

DEBUG = env.bool("DJANGO_DEBUG", False)


def required(name: str, debug_default: str | None = None) -> str:
    """A variable production must set; in DEBUG a development default may stand in."""
    value = env.str(name, "")
    if value:
        return value
    if DEBUG and debug_default is not None:
        return debug_default
    raise ImproperlyConfigured(
        f"The environment variable {name} is not set. "
        "The portal will not start without it when DJANGO_DEBUG is off (see .env.example)."
    )


SECRET_KEY = required("DJANGO_SECRET_KEY", debug_default=config_safety.DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable DJANGO_ALLOWED_HOSTS is not set.")

# --- Canvas -------------------------------------------------------------------------------------

CANVAS_BASE_URL = required("CANVAS_BASE_URL", debug_default="http://127.0.0.1:8001").rstrip("/")
CANVAS_CLIENT_ID = required("CANVAS_CLIENT_ID", debug_default="10000000000001")
CANVAS_CLIENT_SECRET = required("CANVAS_CLIENT_SECRET", debug_default="demo-client-secret")
# Seconds to wait for Canvas: (connect, read). Every call has a timeout so a slow Canvas
# costs a student one clear error instead of a hung page and a blocked worker.
CANVAS_TIMEOUT = (
    env.float("CANVAS_CONNECT_TIMEOUT", 3.05),
    env.float("CANVAS_READ_TIMEOUT", 10.0),
)
CANVAS_RETRIES = env.int("CANVAS_RETRIES", 2)
CANVAS_RETRY_BACKOFF = env.float("CANVAS_RETRY_BACKOFF", 0.5)
# Limits on what a misbehaving Canvas can cost one portal request (docs/deploy.md): at most
# this many list pages, this many bytes per answer, and this many seconds across every Canvas
# call, retry and page of the request (a drip-fed answer restarts the read timeout per byte).
CANVAS_MAX_PAGES = env.int("CANVAS_MAX_PAGES", 10)
CANVAS_MAX_RESPONSE_BYTES = env.int("CANVAS_MAX_RESPONSE_BYTES", 2 * 1024 * 1024)
CANVAS_REQUEST_DEADLINE = env.float("CANVAS_REQUEST_DEADLINE", 15.0)
# Refresh this many seconds before Canvas says the access token expires.
CANVAS_REFRESH_MARGIN = env.int("CANVAS_REFRESH_MARGIN", 60)
# The scopes the portal asks for; they must also be granted on the developer key.
CANVAS_SCOPES = env_list(
    "CANVAS_SCOPES",
    ",".join(
        [
            "url:GET|/api/v1/users/:user_id/communication_channels",
            "url:POST|/api/v1/users/:user_id/communication_channels",
            "url:DELETE|/api/v1/users/:user_id/communication_channels/:id",
            "url:DELETE|/api/v1/users/self/communication_channels/push",
            # Help desk (docs/canvas-behaviour.md §10): who is staff, finding a user, their name.
            "url:GET|/api/v1/accounts",
            "url:GET|/api/v1/accounts/:account_id/permissions",
            "url:GET|/api/v1/accounts/:account_id/users",
            "url:GET|/api/v1/users/:id",
            # Help-desk delivery tools (docs/canvas-behaviour.md §13.1, §14.1, §14.3): choosing
            # the default email, the bounced-channel report, the messages Canvas sent.
            "url:PUT|/api/v1/users/:id",
            "url:GET|/api/v1/accounts/:account_id/bounced_communication_channels",
            "url:GET|/api/v1/comm_messages",
            # What each contact method receives (docs/canvas-behaviour.md §11.5): read a channel's
            # preferences (also another user's, for the help desk), set one category, set many.
            "url:GET|/api/v1/users/:user_id/communication_channels/:communication_channel_id/notification_preferences",
            "url:PUT|/api/v1/users/self/communication_channels/:communication_channel_id/notification_preference_categories/:category",
            "url:PUT|/api/v1/users/self/communication_channels/:communication_channel_id/notification_preferences",
        ]
    ),
)
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", "US")
# Help-desk audit rows older than this are deleted by `manage.py prune_audit_log`.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", 400)

# --- help desk: staff recheck, client address behind proxies ---
# Help-desk status is trusted from the session for at most this long (and dropped at once when
# Canvas refuses a staff member's call): a revoked admin loses access within a minute.
HELPDESK_STAFF_RECHECK_SECONDS = env.int("HELPDESK_STAFF_RECHECK_SECONDS", 60)
if not 0 <= HELPDESK_STAFF_RECHECK_SECONDS <= 60:
    raise ImproperlyConfigured("HELPDESK_STAFF_RECHECK_SECONDS must be between 0 and 60.")
# --- help desk: a reason or ticket reference on every change ---
# `required`: a help-desk change without a reason is refused (nothing is sent to Canvas);
# `optional`: the field is offered and stored when filled in; `off`: no field.
HELPDESK_AUDIT_REASON = env.str(
    "HELPDESK_AUDIT_REASON", "optional", validate=OneOf(["required", "optional", "off"])
)
# How many proxies in front of the portal append to X-Forwarded-For (docs/deploy.md §5). 0: none,
# the header is ignored and the peer address is the client's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

_canvas_url = urlsplit(CANVAS_BASE_URL)
if _canvas_url.scheme not in {"http", "https"} or not _canvas_url.netloc:
    raise ImproperlyConfigured("CANVAS_BASE_URL must be an absolute http(s) URL.")
_canvas_is_loopback = _canvas_url.hostname in {"127.0.0.1", "localhost", "::1"}
if _canvas_url.scheme == "http":
    if not (DEBUG or _canvas_is_loopback):
        raise ImproperlyConfigured("CANVAS_BASE_URL must use https outside development.")
    # oauthlib refuses plain http; a Canvas on this machine (the emulator) is the one exception.
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
CANVAS_ORIGIN = f"{_canvas_url.scheme}://{_canvas_url.netloc}"

# --- Token encryption ---------------------------------------------------------------------------


def _derived_dev_key(secret: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"tokens:{secret}".encode()).digest()).decode()


# Newest key first; older keys stay readable until `manage.py rotate_token_keys` re-encrypts.
_CONFIGURED_TOKEN_KEYS = env_list("TOKEN_ENCRYPTION_KEYS")
TOKEN_ENCRYPTION_KEYS = _CONFIGURED_TOKEN_KEYS or ([_derived_dev_key(SECRET_KEY)] if DEBUG else [])
if not TOKEN_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("The environment variable TOKEN_ENCRYPTION_KEYS is not set.")

# --- LTI 1.3 (Canvas navigation placements; docs/lti.md) ---------------------------------------

# The platform registration. LTI is on when the issuer and client id are set. The authorize and
# JWKS URLs default to CANVAS_BASE_URL's (self-hosted Canvas); hosted Canvas uses its SSO host.
LTI_ISSUER = env.str("LTI_ISSUER", "")
LTI_CLIENT_ID = env.str("LTI_CLIENT_ID", "")
LTI_DEPLOYMENT_IDS = env_list("LTI_DEPLOYMENT_IDS")
LTI_AUTH_URL = env_url("LTI_AUTH_URL")
LTI_JWKS_URL = env_url("LTI_JWKS_URL")
# Canvas navigation is optional: LTI_INSTALLED=false leaves its app, routes and cookies out.
LTI_INSTALLED = env.bool("LTI_INSTALLED", True)
LTI_ENABLED = LTI_INSTALLED and bool(LTI_ISSUER and LTI_CLIENT_ID)
# "_blank" (default: Canvas opens the tool in a new tab, as its sign-in may not run in a frame,
# docs/canvas-behaviour.md §3.7, §8) or "iframe" (inside Canvas).
LTI_WINDOW_TARGET = env.str("LTI_WINDOW_TARGET", "_blank")
if LTI_WINDOW_TARGET not in {"_blank", "iframe"}:
    raise ImproperlyConfigured('LTI_WINDOW_TARGET must be "_blank" or "iframe".')
LTI_GLOBAL_NAVIGATION = env.bool("LTI_GLOBAL_NAVIGATION", False)
# The tool's own RSA key (PEM) behind /lti/jwks; `\n` escapes allowed, for one-line env files.
LTI_TOOL_PRIVATE_KEY = env.str("LTI_TOOL_PRIVATE_KEY", "").replace("\\n", "\n").strip()
# Without it, development makes a key once and keeps it here (gitignored), so every process and
# restart publishes the same JWKS (lti/tool_key.py). Not an environment variable: dev only.
LTI_DEVELOPMENT_KEY_DIR = BASE_DIR / "run"
if LTI_ENABLED and not (LTI_DEPLOYMENT_IDS and (LTI_TOOL_PRIVATE_KEY or DEBUG)):
    raise ImproperlyConfigured(
        "LTI_ISSUER and LTI_CLIENT_ID are set, so LTI_DEPLOYMENT_IDS and LTI_TOOL_PRIVATE_KEY "
        "must be set too (see docs/lti.md)."
    )

# --- Configuration safety (portal/config_safety.py) -----------------------------------------------

# Production refuses a weak or published DJANGO_SECRET_KEY; every run refuses a malformed Fernet or
# LTI key. Each refusal names the variable, never its value.
config_safety.refuse_unsafe_secrets(
    debug=DEBUG,
    secret_key=SECRET_KEY,
    token_keys=TOKEN_ENCRYPTION_KEYS,
    lti_private_key=LTI_TOOL_PRIVATE_KEY,
)
# The secrets a DEBUG run takes from public defaults: the start-up check (portal/checks.py)
# names them, so a development server exposed by mistake does not pass silently.
DEVELOPMENT_DEFAULTS = (
    config_safety.development_defaults(
        secret_key=SECRET_KEY,
        token_keys_set=bool(_CONFIGURED_TOKEN_KEYS),
        lti_key_needed=LTI_ENABLED and not LTI_TOOL_PRIVATE_KEY,
    )
    if DEBUG
    else []
)

# --- Django -------------------------------------------------------------------------------------

# One app per feature; the layers between them are checked by import-linter (pyproject.toml).
# `portal` itself is an app for what is site-wide: checks, the limit counters, `cleanup`.
INSTALLED_APPS = [
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "portal",
    "accounts",
    "channels_app",
    "helpdesk",
]
if LTI_INSTALLED:
    INSTALLED_APPS.append("lti")

MIDDLEWARE = [
    # First, so every response (redirects, errors) and every log line carries the request id.
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]
if LTI_INSTALLED:
    # Partitions SameSite=None cookies (set when LTI is on) for the Canvas frame; placed outside
    # Session/CSRF so it sees their cookies. With LTI off every cookie is Lax: it does nothing.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "lti.cookies.PartitionedCookieMiddleware",
    )

# Benchmark probe (bench/README.md): statement, session-write and CPU counts per request in
# response headers. Off unless BENCH_PROBE=true, which only the benchmark sets; never in production.
if env.bool("BENCH_PROBE", False):
    MIDDLEWARE.insert(0, "portal.bench_probe.BenchProbeMiddleware")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
                "django.template.context_processors.csp",
                # LANGUAGES, LANGUAGE_CODE, LANGUAGE_BIDI: <html lang dir> and the switch.
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "helpdesk.context_processors.helpdesk",
            ],
        },
    },
]

DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN IMMEDIATE takes the write lock when a transaction starts, so concurrent writers
    # queue (for up to `timeout` seconds) instead of failing; token refreshes hold no
    # transaction while Canvas answers (accounts/tokens.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# Tests and `make run` serve straight from the source folders; production serves the
# collected, hashed files with far-future caching.
WHITENOISE_USE_FINDERS = DEBUG or env.bool("WHITENOISE_USE_FINDERS", False)
WHITENOISE_AUTOREFRESH = DEBUG

# --- Compressed pages (portal/compression.py; docs/security.md: BREACH) ---
# gzip for pages the portal's own pages asked for (Sec-Fetch-Site same-origin or none), placed
# outside every middleware that writes the body; static files come compressed from whitenoise
# (gzip, and brotli with the `brotli` package).
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "portal.compression.SameSiteGZipMiddleware",
)

# --- Form fields: one template for every field (templates/django/forms/field.html) ---
# TemplatesSetting renders forms with the project's templates; "django.forms" supplies Django's
# own widget templates to it.
FORM_RENDERER = "portal.forms.FormRenderer"
INSTALLED_APPS.append("django.forms")

# --- Security -----------------------------------------------------------------------------------

# Database sessions, saved in one statement (accounts/session_store.py).
SESSION_ENGINE = "accounts.session_store"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env.bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if LTI_ENABLED:
    # Inside Canvas's frame the portal is a third party: its cookies must be SameSite=None, which
    # browsers accept only with Secure; PartitionedCookieMiddleware adds Partitioned (CHIPS).
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# `__Host-` names: browsers accept such a cookie only when it is Secure, Path=/ and has no Domain,
# so a sibling subdomain or a plain-http page cannot plant or overwrite the session or CSRF
# cookie. Development over http (DEBUG) keeps the plain names, which browsers would otherwise drop.
COOKIE_NAME_PREFIX = "__Host-" if SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE and not DEBUG else ""
SESSION_COOKIE_NAME = f"{COOKIE_NAME_PREFIX}sessionid"
CSRF_COOKIE_NAME = f"{COOKIE_NAME_PREFIX}csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
CSRF_FAILURE_VIEW = "portal.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", False)
if env.bool("DJANGO_BEHIND_PROXY", False):
    # Only behind a proxy that always sets this header; otherwise clients could spoof https.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Canvas may frame the portal (LTI navigation); nobody else may. CSP frame-ancestors replaces
# X-Frame-Options, which cannot name an allowed origin.
CANVAS_FRAME_ANCESTORS = env_list("CANVAS_FRAME_ANCESTORS") or [CANVAS_ORIGIN]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, CANVAS_ORIGIN],
    "frame-ancestors": [CSP.SELF, *CANVAS_FRAME_ANCESTORS],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# /readyz also asks Canvas (any HTTP answer counts) when this is on. Off by default: when Canvas
# is down, a load balancer would otherwise take every portal process out of service, and the
# students would see a proxy error instead of the portal's "Canvas is unavailable" page.
READYZ_CHECK_CANVAS = env.bool("READYZ_CHECK_CANVAS", False)
READYZ_CANVAS_TIMEOUT = env.float("READYZ_CANVAS_TIMEOUT", 2.0)

SILENCED_SYSTEM_CHECKS = [
    # X-Frame-Options cannot allow Canvas to frame the portal; CSP frame-ancestors does it.
    "security.W002",
]

# --- Abuse limits (portal/limits.py; docs/deploy.md "Abuse limits") ---------------------


# "N/period": at most N in each window of the period (s, m, h, d; "10/5m" is 10 per 5 minutes).
# Windows are fixed, so a burst across a window's end can get 2N through: N bounds any burst.
# Checked with the parser the limits use (portal/rates.py), so a rate that starts is one they read.
def env_rate(name: str, default: str) -> str:
    value = env.str(name, default)
    try:
        parse_rate(value)
    except ValueError:
        raise ImproperlyConfigured(
            f'{name} must look like "5/m" (a count, "/", a period).'
        ) from None
    return value


# Changes a signed-in user makes to their own contact methods (add, remove, resend, ...).
RATE_LIMIT_CHANGES = env_rate("RATE_LIMIT_CHANGES", "5/m")
# Changes help-desk staff make for other users, counted per staff member.
RATE_LIMIT_HELPDESK_CHANGES = env_rate("RATE_LIMIT_HELPDESK_CHANGES", "20/m")
# Requests per client IP address to each sign-in endpoint (/login/, /oauth/callback/,
# /lti/login, /lti/launch). High enough for a computer lab behind one address.
RATE_LIMIT_SIGN_IN = env_rate("RATE_LIMIT_SIGN_IN", "60/m")

# The counters live in the database every process already shares: one row per limit and key in
# portal.models.RateCount, counted with one upsert (portal/counters.py); `cleanup` prunes them.

# --- Branding -----------------------------------------------------------------------------------

PORTAL_NAME = env.str("PORTAL_NAME", "Contact Methods")
INSTITUTION_NAME = env.str("INSTITUTION_NAME", "")
BRAND_COLOR = env.str("BRAND_COLOR", "#0374B5")
BRAND_LOGO_URL = env.str("BRAND_LOGO_URL", "")

# --- Text messages and the help desk (docs/deploy.md) -------------------------------------------

# Current Canvas cancels every SMS message, confirmation codes included
# (docs/canvas-behaviour.md §11.3), so by default students are not offered text messages. Turn it
# on only for a Canvas that still sends them.
SMS_ENABLED = env.bool("SMS_ENABLED", False)
# Where students reach the help desk; shown with every sentence that says "ask your help desk".
# Either, both or neither (the sentences then stand without a link).
HELPDESK_URL = env_url("HELPDESK_URL")
HELPDESK_EMAIL = env.str("HELPDESK_EMAIL", "", validate=Email())

# --- Logging ------------------------------------------------------------------------------------

# One JSON object per line on stdout with the request id, the hashed user and masked secrets
# (portal/logging.py). LOG_FORMAT=plain gives readable lines for development.
# A level name in any case (`info` works too); logging's own configuration wants it upper-case.
LOG_LEVEL = logging.getLevelName(env.log_level("LOG_LEVEL", logging.INFO))
LOG_FORMAT = env.str("LOG_FORMAT", "json", validate=OneOf(["json", "plain"]))
LOGGING = logging_config(LOG_LEVEL, json_lines=LOG_FORMAT == "json")

# --- Languages (portal/languages.py; docs/canvas-behaviour.md §15) -----------------------------

# The languages with catalogs in locale/ (compiled and committed, so running the portal needs no
# gettext tools), each named in itself for the footer's language switch. A page is in the
# language picked there, else the one Canvas gave at sign-in or launch, else the browser's.
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Right to left (`<html dir="rtl">`): Arabic, and Persian and Hebrew should they ship (§15.2).
LANGUAGES_BIDI = ["ar", "fa", "he"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "portal.languages.LanguageMiddleware",
)
# The switch's choice lives in this cookie until sign-out (accounts.views.logout deletes it); it
# travels like the session cookie (SameSite=None inside Canvas's frame, __Host- when Secure).
LANGUAGE_COOKIE_NAME = f"{COOKIE_NAME_PREFIX}portal_language"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = SESSION_COOKIE_SAMESITE
LANGUAGE_COOKIE_PATH = "/"
# Dates and times: Canvas's token answer and launch carry no time zone (§15.1, §15.3), and
# reading /users/self/profile would add a Canvas call to every sign-in, so pages show UTC
# (TIME_ZONE above), formatted in the page's language.
