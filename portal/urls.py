"""URL map. Paths are part of the contract with Canvas and operators (README, docs/deploy.md):
/, /login/, /oauth/callback/ (the developer key's redirect URI), /logout/, /channels/,
/helpdesk/..., /healthz, /readyz; /lti/... for the Canvas navigation links (docs/lti.md). Each
feature app owns its routes; route names are global, so templates and views build every URL with
`reverse()` / `{% url %}`."""

from django.apps import apps
from django.urls import include, path
from django.views.i18n import set_language

from portal.views import branding, health

urlpatterns = [
    path("", include("accounts.urls")),
    path("channels/", include("channels_app.urls")),
    path("helpdesk/", include("helpdesk.urls")),
    path("brand.css", branding.brand_css, name="brand_css"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # The footer's language switch: a POST with CSRF; `next` is checked to stay on this host.
    path("language/", set_language, name="set_language"),
]
if apps.is_installed("lti"):
    urlpatterns.append(path("lti/", include("lti.urls")))

handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"
