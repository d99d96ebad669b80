from django.urls import path

from channels_app import preference_views, views

urlpatterns = [
    path("", views.channels_page, name="channels"),
    path("add/", views.channel_add_view, name="channel_add"),
    path("<int:channel_id>/remove/", views.channel_remove_view, name="channel_remove"),
    path("<int:channel_id>/resend/", views.channel_resend_view, name="channel_resend"),
    path("<int:channel_id>/code/", views.channel_code_view, name="channel_code"),
    path("push/unregister/", views.push_unregister_view, name="push_unregister"),
]

# What each contact method receives (channels_app/preference_views.py).
urlpatterns += [
    path(
        "<int:channel_id>/notifications/",
        preference_views.channel_notifications_view,
        name="channel_notifications",
    ),
    path(
        "<int:channel_id>/notifications/copy-default/",
        preference_views.channel_notifications_copy_default_view,
        name="channel_notifications_copy_default",
    ),
    path(
        "<int:channel_id>/notifications/none/",
        preference_views.channel_notifications_none_view,
        name="channel_notifications_none",
    ),
]
