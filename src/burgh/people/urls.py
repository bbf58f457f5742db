"""The people pages, under /people/."""

from django.urls import path

from burgh.people import index_views, review_views, views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("export", views.export, name="export"),
    path("purpose", views.purpose, name="purpose"),
    path("reviews/", review_views.review_queue, name="reviews"),
    path("reviews/<uuid:review_id>/", review_views.review, name="review"),
    path("merges/<uuid:lineage_id>/unmerge", index_views.unmerge_page, name="unmerge"),
    path("<uuid:person_id>/", views.person, name="person"),
    path("<uuid:person_id>/emergency-access", views.emergency_access, name="emergency-access"),
    path("<uuid:person_id>/consent/new", views.consent_new, name="consent-new"),
    path(
        "<uuid:person_id>/consent/<uuid:consent_id>/withdraw",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("<uuid:person_id>/override/<str:field>", index_views.override, name="override"),
    path("<uuid:person_id>/merge", index_views.merge, name="merge"),
    path("<uuid:person_id>/merge/<uuid:other_id>", index_views.merge_confirm, name="merge-confirm"),
]
