"""Emergency access review: the queue of uses not yet reviewed, and reviewing one use."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from burgh.core.errors import BurghError, PermissionDeniedError
from burgh.identity.access_forms import BreakGlassReviewForm
from burgh.identity.access_views.common import (
    REVIEW_BREAK_GLASS,
    VIEW_ACCESS_LOG,
    add_service_errors,
    governance_page,
    paged,
    rule_words,
)
from burgh.identity.models import AccessLogEntry, BreakGlassGrant, User
from burgh.identity.permissions import has_permission
from burgh.identity.services.emergency_access import awaiting_review, review_emergency_access

REVIEWED = "reviewed"


@governance_page(REVIEW_BREAK_GLASS)
def queue(request: HttpRequest, user: User) -> HttpResponse:
    now = timezone.now()
    showing_reviewed = request.GET.get("show") == REVIEWED
    waiting = awaiting_review()
    context: dict[str, object] = {
        "showing_reviewed": showing_reviewed,
        "waiting_count": len(waiting),
        "now": now,
    }
    if showing_reviewed:
        reviewed = (
            BreakGlassGrant.objects.filter(reviewed_at__isnull=False)
            .select_related("user", "user__organisation", "reviewed_by")
            .order_by("-reviewed_at")
        )
        listing = paged(request, reviewed)
        context.update(listing, grants=list(listing["page"]))
    else:
        context["grants"] = waiting
    return render(request, "access/break_glass.html", context)


@governance_page(REVIEW_BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, user: User, grant_id: uuid.UUID) -> HttpResponse:
    grant = get_object_or_404(
        BreakGlassGrant.objects.select_related("user", "user__organisation", "reviewed_by"),
        pk=grant_id,
    )
    form = BreakGlassReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_emergency_access(
                grant,
                by=user,
                outcome=BreakGlassGrant.Review(form.cleaned_data["outcome"]),
                notes=form.cleaned_data["notes"],
            )
        except PermissionDeniedError as error:
            if grant.user_id != user.pk:
                raise PermissionDenied(error.detail) from None
            # Reviewing your own use is refused with the reason, on the page.
            add_service_errors(form, error)
        except BurghError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Your review of {grant.user.full_name}'s emergency access is recorded."
            )
            return redirect("access:break-glass")
    rows = [
        {"entry": entry, "rule": rule_words(entry.rule)}
        for entry in AccessLogEntry.objects.filter(break_glass=grant).order_by("at", "id")
    ]
    context = {
        "grant": grant,
        "form": form,
        "rows": rows,
        "active": grant.is_active(),
        "own": grant.user_id == user.pk,
        "may_view_log": has_permission(user, VIEW_ACCESS_LOG),
    }
    return render(request, "access/break_glass_review.html", context)
