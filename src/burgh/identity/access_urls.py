"""Information-governance pages, mounted at /access/."""

from django.urls import path

from burgh.identity.access_views import agreements, break_glass, records, restrictions

app_name = "access"

urlpatterns = [
    path("", records.index, name="index"),
    path("agreements/", agreements.agreements, name="agreements"),
    path("agreements/new", agreements.agreement_new, name="agreement-new"),
    path("agreements/<uuid:agreement_id>/", agreements.agreement, name="agreement"),
    path("agreements/<uuid:agreement_id>/edit", agreements.agreement_edit, name="agreement-edit"),
    path(
        "agreements/<uuid:agreement_id>/terminate",
        agreements.agreement_terminate,
        name="agreement-terminate",
    ),
    path("restrictions/", restrictions.restrictions, name="restrictions"),
    path("restrictions/new", restrictions.restriction_new, name="restriction-new"),
    path("restrictions/<uuid:restriction_id>/", restrictions.restriction, name="restriction"),
    path(
        "restrictions/<uuid:restriction_id>/named-users",
        restrictions.restriction_named_users,
        name="restriction-named-users",
    ),
    path(
        "restrictions/<uuid:restriction_id>/review",
        restrictions.restriction_review,
        name="restriction-review",
    ),
    path(
        "restrictions/<uuid:restriction_id>/lift",
        restrictions.restriction_lift,
        name="restriction-lift",
    ),
    path("break-glass/", break_glass.queue, name="break-glass"),
    path("break-glass/<uuid:grant_id>/", break_glass.review, name="break-glass-review"),
    path("records/", records.lookup, name="records"),
    path("records/<str:kind_name>/<uuid:record_id>", records.record_access, name="record-access"),
]
