"""Core pages: staff home, accessibility statement, privacy notice, and the health check."""

from django.urls import path

from burgh.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
    path("health", views.health, name="health"),
]
