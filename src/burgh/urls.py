"""Top-level URL map: pages, the API, the SCIM provider and the admin site."""

from django.contrib import admin
from django.urls import include, path

from burgh.core.api import api

urlpatterns = [
    path("", include("burgh.core.urls")),
    path("", include("burgh.identity.urls")),
    path("people/", include("burgh.people.urls")),
    path("places/", include("burgh.places.urls")),
    path("access/", include("burgh.identity.access_urls")),
    path("staff/", include("burgh.staff.urls")),
    path("cases/", include("burgh.cases.urls")),
    path("flows/", include("burgh.flows.urls")),
    path("api/v1/", api.urls),
    path("scim/v2/", include("burgh.staff.scim.urls")),
    path("open311/v2/", include("burgh.cases.open311.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "burgh.core.views.bad_request"
handler403 = "burgh.core.views.forbidden"
handler404 = "burgh.core.views.not_found"
handler500 = "burgh.core.views.server_error"
