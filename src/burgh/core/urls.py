"""Core pages: the staff home and the public accessibility statement and privacy notice."""

from django.urls import path

from burgh.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
]
