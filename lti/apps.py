from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class LtiConfig(AppConfig):
    """LTI 1.3: the portal in Canvas navigation. Optional: leave it out of INSTALLED_APPS."""

    name = "lti"
    verbose_name = gettext_lazy("Canvas navigation (LTI 1.3)")
