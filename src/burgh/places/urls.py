"""The place pages, under /places/."""

from django.urls import path

from burgh.places import views

app_name = "places"

urlpatterns = [
    path("", views.find, name="find"),
    path("choose", views.choose, name="choose"),
    path("suggestions", views.suggestions, name="suggestions"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<uuid:review_id>/", views.review, name="review"),
    path("imports/", views.imports, name="imports"),
    path("<str:uprn>/", views.property_page, name="property"),
]
