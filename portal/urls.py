"""URL map. Paths are part of the contract (design.md): /, /login/, /oauth/callback/, /logout/,
/channels/, /healthz, /readyz; /lti/... for the Canvas navigation links (docs/lti.md)."""

from django.urls import path

from channels_app.views import auth, branding, channels, health, helpdesk, lti

urlpatterns = [
    path("", auth.landing, name="landing"),
    path("login/", auth.login, name="login"),
    path("oauth/callback/", auth.oauth_callback, name="oauth_callback"),
    path("logout/", auth.logout, name="logout"),
    path("channels/", channels.channels_page, name="channels"),
    path("channels/add/", channels.channel_add_view, name="channel_add"),
    path("channels/<int:channel_id>/remove/", channels.channel_remove_view, name="channel_remove"),
    path("channels/<int:channel_id>/resend/", channels.channel_resend_view, name="channel_resend"),
    path("channels/push/unregister/", channels.push_unregister_view, name="push_unregister"),
    path("helpdesk/", helpdesk.search, name="helpdesk"),
    path("helpdesk/users/<int:user_id>/", helpdesk.user_page, name="helpdesk_user"),
    path("helpdesk/users/<int:user_id>/channels/add/", helpdesk.user_add, name="helpdesk_add"),
    path(
        "helpdesk/users/<int:user_id>/channels/<int:channel_id>/remove/",
        helpdesk.user_remove,
        name="helpdesk_remove",
    ),
    path(
        "helpdesk/users/<int:user_id>/channels/<int:channel_id>/resend/",
        helpdesk.user_resend,
        name="helpdesk_resend",
    ),
    path(
        "helpdesk/users/<int:user_id>/replace-email/",
        helpdesk.replace_email,
        name="helpdesk_replace_email",
    ),
    path("helpdesk/audit/", helpdesk.audit_log, name="helpdesk_audit"),
    path("helpdesk/audit.csv", helpdesk.audit_csv, name="helpdesk_audit_csv"),
    path("lti/config.json", lti.config_json, name="lti_config"),
    path("lti/jwks", lti.jwks, name="lti_jwks"),
    path("lti/login", lti.login, name="lti_login"),
    path("lti/launch", lti.launch, name="lti_launch"),
    path("lti/connect/<str:key>/", lti.connect_account, name="lti_connect"),
    path("lti/continue/<str:key>/", lti.continue_launch, name="lti_continue"),
    path("brand.css", branding.brand_css, name="brand_css"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler403 = "channels_app.views.errors.permission_denied"
handler404 = "channels_app.views.errors.page_not_found"
handler500 = "channels_app.views.errors.server_error"
