"""Test settings: the production settings module, fed a test environment.

Tests run with DEBUG off, so they exercise the same code paths as a deployment. The Canvas
URL and developer key are replaced per test by the emulator fixtures (tests/conftest.py).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-5d1c7a0e9b8f4e2a8c6b1d3f7e9a2c4b")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("CANVAS_BASE_URL", "http://127.0.0.1:9")
os.environ.setdefault("CANVAS_CLIENT_ID", "replaced-by-fixture")
os.environ.setdefault("CANVAS_CLIENT_SECRET", "replaced-by-fixture")
# A fixed test key, so a failing test can be reproduced; production keys come from the env.
os.environ.setdefault("TOKEN_ENCRYPTION_KEYS", "Vq3B1gk2N4e0m8Q0o1c7n6WvQ2l3YzJ5b0h5c2p6d0k=")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "true")
# Fail fast in tests that inject hangs and faults.
os.environ.setdefault("CANVAS_READ_TIMEOUT", "1.5")
os.environ.setdefault("CANVAS_RETRY_BACKOFF", "0.01")

from portal.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
