"""The data stewards' review queue: pairs of records the model could not decide on.

A steward sees a pair only when the access policy lets them see both people it would join
(a restricted resident's records stay out of the queue of anyone not named on the
restriction), and every pair opened is in both people's access logs.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from burgh.core.errors import BurghError, ConflictError
from burgh.core.paging import pagination
from burgh.core.views import not_found
from burgh.identity import policy
from burgh.identity.models import User
from burgh.people.access import PERSON
from burgh.people.forms import ReviewDecisionForm
from burgh.people.index_display import (
    compare_attributes,
    explain,
    uk_date,
    uk_time,
)
from burgh.people.models import MatchReview, SourceRecord
from burgh.people.pages import current_purpose, people_page, purpose_context
from burgh.people.services import reviews as review_services
from burgh.people.services.reviews import REVIEW_MATCHES, decide_review
from burgh.people.steward import may_see_all_of, permitted_attributes, record_summary

QUEUE_PAGE_SIZE = 50
DECIDED = {
    "match": "linked as the same person",
    "not_match": "kept apart as different people",
    "skip": "skipped for now",
}


def _require_reviewer(user: User) -> policy.Viewer:
    viewer = policy.viewer_for(user)
    if not viewer.has(REVIEW_MATCHES):
        raise PermissionDenied("None of your roles lets you review matches.")
    return viewer


def _queue_row(review: MatchReview) -> dict[str, Any]:
    return {
        "url": reverse("people:review", args=[review.pk]),
        "record": _name_of(review.record),
        "record_system": review.record.system.name,
        "candidate": _name_of(review.candidate),
        "candidate_system": review.candidate.system.name,
        "weight": f"{review.weight:.1f}",
        "since": uk_date(review.created_at.date()),
    }


def _name_of(record: SourceRecord) -> str:
    attributes = record.attributes
    name = " ".join(
        part for part in (attributes.get("given_name"), attributes.get("family_name")) if part
    )
    born = attributes.get("date_of_birth")
    return f"{name or 'No name'}, born {uk_date(born)}" if born else (name or "No name")


def _people_of(reviews: list[MatchReview]) -> list[Any]:
    seen: dict[UUID, Any] = {}
    for review in reviews:
        for record in (review.record, review.candidate):
            seen.setdefault(record.person_id, record.person)
    return list(seen.values())


@people_page
@require_http_methods(["GET"])
def review_queue(request: HttpRequest, user: User) -> HttpResponse:
    viewer = _require_reviewer(user)
    purpose = current_purpose(request)
    pending = review_services.visible_reviews(viewer, purpose=purpose)
    page = Paginator(pending, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    reviews = list(page.object_list)
    skipped = list(
        review_services.visible_reviews(viewer, purpose=purpose, status=MatchReview.Status.SKIPPED)[
            :QUEUE_PAGE_SIZE
        ]
    )
    policy.log_listed(viewer, PERSON, _people_of(reviews + skipped), purpose=purpose)
    context = {
        "count": page.paginator.count,
        "rows": [_queue_row(review) for review in reviews],
        "skipped": [_queue_row(review) for review in skipped],
        "pagination": pagination(request, page),
        **purpose_context(request),
    }
    return render(request, "people/reviews.html", context)


def _side(record: SourceRecord, fields: frozenset[str], heading: str) -> dict[str, Any]:
    return {"heading": heading, **record_summary(record, fields)}


@people_page
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, user: User, review_id: UUID) -> HttpResponseBase:
    viewer = _require_reviewer(user)
    purpose = current_purpose(request)
    found = (
        MatchReview.objects.select_related(
            "record__system", "candidate__system", "record__person", "candidate__person"
        )
        .filter(pk=review_id)
        .first()
    )
    if found is None:
        return not_found(request)
    # Both people through the policy, logged: a pair is only as visible as its less visible side.
    decisions = []
    for record in (found.record, found.candidate):
        try:
            _person, decision = policy.read(viewer, PERSON, record.person_id, purpose=purpose)
        except (policy.RecordNotFoundError, policy.AccessRefusedError):
            return not_found(request)
        decisions.append(decision)
    left_fields = permitted_attributes(decisions[0].fields)
    right_fields = permitted_attributes(decisions[1].fields)
    if not may_see_all_of(left_fields) or not may_see_all_of(right_fields):
        # A steward must see every detail of both records to judge them; a partial view
        # would invite a wrong decision.
        raise PermissionDenied("You may not see every detail of both records, so cannot decide.")
    form = ReviewDecisionForm(request.POST or None)
    is_open = found.status in (MatchReview.Status.PENDING, MatchReview.Status.SKIPPED)
    if request.method == "POST" and is_open and form.is_valid():
        decision_made = form.cleaned_data["decision"]
        try:
            decide_review(found, decision_made, actor=user, note=form.cleaned_data["note"])
        except ConflictError as refusal:
            form.add_error(None, refusal.detail)
        except BurghError as refusal:
            form.add_error("decision", refusal.detail)
        else:
            messages.success(
                request,
                f"The two records were {DECIDED[decision_made]}.",
            )
            following = (
                review_services.visible_reviews(viewer, purpose=purpose)
                .exclude(pk=found.pk)
                .values_list("pk", flat=True)
                .first()
            )
            if following is not None:
                return redirect("people:review", review_id=following)
            return redirect("people:reviews")
    explanation = explain(found.explanation, found.weight, found.probability)
    context = {
        "review": found,
        "status": found.get_status_display(),
        "open": is_open,
        "decided": _decided(found),
        "left": _side(found.record, left_fields, "Record that arrived"),
        "right": _side(found.candidate, right_fields, "Record it may match"),
        "compared": compare_attributes(found.record.attributes, found.candidate.attributes),
        "explanation": explanation,
        "form": form,
        **purpose_context(request),
    }
    return render(request, "people/review.html", context)


def _decided(found: MatchReview) -> str:
    if found.decided_at is None or found.status in (
        MatchReview.Status.PENDING,
        MatchReview.Status.SKIPPED,
    ):
        return ""
    by = found.decided_by.full_name if found.decided_by else "a data steward"
    return f"{found.get_status_display()}: decided by {by} at {uk_time(found.decided_at)}."
