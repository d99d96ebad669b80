from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("login/", views.login, name="login"),
    path("oauth/callback/", views.oauth_callback, name="oauth_callback"),
    path("logout/", views.logout, name="logout"),
]
