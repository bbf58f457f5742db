"""Address match reviews: addresses no property matched confidently, decided by the custodian.

A system that sends an address with a reference (a legacy import, a case, a source record)
gets a UPRN back at once when the match is confident; otherwise the address waits here, and the
custodian's decision is announced as an event naming that reference.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from burgh.core import audit, events
from burgh.core.concurrency import save_if_version
from burgh.core.errors import ConflictError, InvalidInputError
from burgh.identity.models import User
from burgh.places.matching import match
from burgh.places.models import AddressMatchReview, Property

MANAGE_GAZETTEER = "places.manage_gazetteer"
# Finding addresses and reading property pages.
VIEW_PLACES = "places.search"
# How many of the matcher's candidates a review keeps for the custodian to choose from.
CANDIDATES_KEPT = 5


def queue_review(
    address: str, result: Any, *, source: str, source_ref: str = ""
) -> AddressMatchReview:
    """Put `address` (which `result`, a matcher result, could not settle) before the custodian.

    The same reference sent again while its review is open updates that review rather than
    queueing a second one.
    """
    address = " ".join(address.split())
    if not address or not source:
        raise InvalidInputError(
            "An address review needs the address and the system it came from.",
            errors=[{"pointer": "#/address" if not address else "#/source", "detail": "Required"}],
        )
    candidates = [
        {
            "uprn": c.uprn,
            "address": c.address,
            "score": round(float(c.score), 4),
            "why": [str(reason) for reason in getattr(c, "reasons", ())],
        }
        for c in list(result.candidates)[:CANDIDATES_KEPT]
    ]
    best = candidates[0]["score"] if candidates else 0.0
    with transaction.atomic():
        review = None
        if source_ref:
            review = (
                AddressMatchReview.objects.select_for_update()
                .filter(source=source, source_ref=source_ref, status=AddressMatchReview.Status.OPEN)
                .first()
            )
        if review is None:
            review = AddressMatchReview.objects.create(
                address=address[:400],
                source=source[:80],
                source_ref=source_ref[:120],
                candidates=candidates,
                best_score=best,
            )
        else:
            review.address, review.candidates, review.best_score = address[:400], candidates, best
            review.version += 1
            review.save(
                update_fields=["address", "candidates", "best_score", "version", "updated_at"]
            )
    return review


def match_or_queue(
    address: str, *, source: str, source_ref: str = ""
) -> tuple[Any, AddressMatchReview | None]:
    """Match `address`; when no property matches it confidently and a sending system is
    named, put it before the custodian. The match, and the review if one was queued."""
    result = match(address)
    if result.uprn is not None or not source:
        return result, None
    return result, queue_review(address, result, source=source, source_ref=source_ref)


def open_reviews() -> "QuerySet[AddressMatchReview]":
    """Reviews waiting for a decision, oldest first."""
    return AddressMatchReview.objects.filter(status=AddressMatchReview.Status.OPEN).order_by(
        "created_at", "id"
    )


def decide_review(
    review: AddressMatchReview, *, by: User, uprn: str | None, expected_version: int
) -> AddressMatchReview:
    """Settle a review: `uprn` is the property the address means, None for "not in the
    gazetteer". Refused if someone else decided it since it was read."""
    if review.status != AddressMatchReview.Status.OPEN:
        raise ConflictError("This address has already been decided.")
    if (
        uprn is not None
        and not Property.objects.filter(uprn=uprn, retired_on__isnull=True).exists()
    ):
        raise InvalidInputError(
            f"UPRN {uprn} is not a property in use in the gazetteer.",
            errors=[{"pointer": "#/uprn", "detail": "Choose a property in use"}],
        )
    status = (
        AddressMatchReview.Status.MATCHED if uprn else AddressMatchReview.Status.NOT_IN_GAZETTEER
    )
    with transaction.atomic():
        decided = save_if_version(
            review,
            expected_version,
            {
                "status": status,
                "uprn": uprn or "",
                "decided_by": by,
                "decided_at": timezone.now(),
            },
        )
        audit.record(
            "places.address_review_decided",
            subject=decided,
            actor=by,
            detail={"status": status, "uprn": uprn or "", "source": review.source},
        )
        events.emit(
            "gov.burgh.places.address_review.decided",
            f"places/address-review/{review.pk}",
            {
                "address": review.address,
                "source": review.source,
                "source_ref": review.source_ref,
                "uprn": uprn,
            },
        )
    return decided
