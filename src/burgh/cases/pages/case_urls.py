"""Case page routes (filled in with their pages)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
