"""URLs of the Open311 GeoReport v2 endpoint, mounted at /open311/v2/ (docs/open311.md).

Each resource takes its format as an extension (services.xml, requests/C0000123.json).
"""

from django.urls import path, re_path

from burgh.cases.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    path("", views.root, name="root"),
    re_path(rf"^discovery{FORMAT}", views.discovery, name="discovery"),
    re_path(rf"^services{FORMAT}", views.services, name="services"),
    re_path(
        rf"^services/(?P<service_code>[^/]+){FORMAT}", views.service_definition, name="service"
    ),
    re_path(rf"^requests{FORMAT}", views.service_requests, name="requests"),
    re_path(
        rf"^requests/(?P<service_request_id>[^/]+){FORMAT}",
        views.service_request,
        name="request",
    ),
    re_path(rf"^tokens/(?P<token>[^/]+){FORMAT}", views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.unknown, name="unknown"),
]
