from django.urls import path

from helpdesk import delivery_views, views

urlpatterns = [
    path("", views.search, name="helpdesk"),
    path("users/<int:user_id>/", views.user_page, name="helpdesk_user"),
    path("users/<int:user_id>/channels/add/", views.user_add, name="helpdesk_add"),
    path(
        "users/<int:user_id>/channels/<int:channel_id>/remove/",
        views.user_remove,
        name="helpdesk_remove",
    ),
    path(
        "users/<int:user_id>/channels/<int:channel_id>/resend/",
        views.user_resend,
        name="helpdesk_resend",
    ),
    path("users/<int:user_id>/delivery/", delivery_views.delivery_panel, name="helpdesk_delivery"),
    path(
        "users/<int:user_id>/channels/<int:channel_id>/make-default/",
        delivery_views.make_default,
        name="helpdesk_make_default",
    ),
    path(
        "users/<int:user_id>/channels/<int:channel_id>/confirm/",
        delivery_views.confirm_address,
        name="helpdesk_confirm",
    ),
    path("users/<int:user_id>/replace-email/", views.replace_email, name="helpdesk_replace_email"),
    path("audit/", views.audit_log, name="helpdesk_audit"),
    path("audit.csv", views.audit_csv, name="helpdesk_audit_csv"),
]
