from django.urls import path

from lti import views

urlpatterns = [
    path("config.json", views.config_json, name="lti_config"),
    path("jwks", views.jwks, name="lti_jwks"),
    path("login", views.login, name="lti_login"),
    path("launch", views.launch, name="lti_launch"),
    path("connect/<str:key>/", views.connect_account, name="lti_connect"),
    path("continue/<str:key>/", views.continue_launch, name="lti_continue"),
]
