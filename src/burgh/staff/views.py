"""The staff index pages: the organisation chart, read-only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from burgh.identity.models import User
from burgh.staff.services.chart import organisation_chart


@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    units = organisation_chart(user.organisation) if user.organisation is not None else []
    return render(
        request,
        "staff/organisation.html",
        {
            "organisation": user.organisation,
            "units": units,
            "today": timezone.localdate(),
            "headcount": sum(unit.headcount for unit in units),
        },
    )
