from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    """Help-desk staff acting for other users, and the audit log of what they did."""

    name = "helpdesk"
    verbose_name = "Help desk"

    def ready(self) -> None:
        from helpdesk import receivers  # noqa: F401  (connects the sign-in receiver)
