from django.apps import AppConfig


class LtiConfig(AppConfig):
    """LTI 1.3: the portal in Canvas navigation. Optional: leave it out of INSTALLED_APPS."""

    name = "lti"
    verbose_name = "Canvas navigation (LTI 1.3)"
