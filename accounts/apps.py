from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in with Canvas: OAuth views, the encrypted token store, the session user."""

    name = "accounts"
    verbose_name = "Canvas sign-in"
