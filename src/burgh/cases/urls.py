"""The case pages, under /cases/: intake and case types (intake_urls), queues and the case
page (case_urls)."""

from django.urls import include, path

app_name = "cases"

urlpatterns = [
    path("", include("burgh.cases.pages.intake_urls")),
    path("", include("burgh.cases.pages.case_urls")),
]
