from django.urls import path

from burgh.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.organisation, name="organisation"),
]
