"""The people pages, under /people/."""

from django.urls import path

from burgh.people import views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("export", views.export, name="export"),
    path("purpose", views.purpose, name="purpose"),
    path("<uuid:person_id>/", views.person, name="person"),
    path("<uuid:person_id>/emergency-access", views.emergency_access, name="emergency-access"),
    path("<uuid:person_id>/consent/new", views.consent_new, name="consent-new"),
    path(
        "<uuid:person_id>/consent/<uuid:consent_id>/withdraw",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
]
