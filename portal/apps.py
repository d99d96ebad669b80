from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project as an app: site-wide checks and management commands (cleanup)."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from portal import checks  # noqa: F401  (registers the start-up warnings)
