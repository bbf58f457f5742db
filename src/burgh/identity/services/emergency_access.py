"""Break-glass: emergency access to a record without a relationship, reviewed by governance.

Modelled on the NHS Summary Care Record: the person states a reason, access lasts a bounded
time, the information-governance team is told at once and reviews every use, and the use is
in the resident's access log.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import AccessLogEntry, BreakGlassGrant, Purpose, User
from burgh.identity.permissions import has_permission, holders_of

REVIEW_BREAK_GLASS = "governance.review_break_glass"
# Fewer words than this is not a reason anyone could review.
MIN_REASON_LENGTH = 15


def duration_choices() -> list[int]:
    """The lengths of emergency access, in minutes, that a person may choose."""
    longest = settings.BURGH_BREAK_GLASS_MAX_MINUTES
    return [m for m in (15, 30, 60, 120, 240, 480) if m <= longest] or [longest]


def take_emergency_access(
    user: User,
    kind: str,
    record_id: Any,
    *,
    reason: str,
    purpose: Purpose,
    minutes: int,
) -> BreakGlassGrant:
    """Open one record to `user` for `minutes`; refused where the policy would not offer it.

    A restricted record, or one that does not exist, is refused exactly as a detail read
    would be: "not found".
    """
    errors = []
    if len(reason.strip()) < MIN_REASON_LENGTH:
        errors.append(
            {
                "pointer": "#/reason",
                "detail": (
                    "Explain the emergency in a sentence: "
                    "information governance reviews the reason."
                ),
            }
        )
    if minutes not in duration_choices():
        errors.append(
            {
                "pointer": "#/minutes",
                "detail": (
                    "Choose how long you need, up to "
                    f"{settings.BURGH_BREAK_GLASS_MAX_MINUTES} minutes."
                ),
            }
        )
    if errors:
        raise InvalidInputError("Emergency access needs a reason and a time limit.", errors=errors)
    record_kind = policy.get(kind)
    viewer = policy.viewer_for(user)
    decision = policy.why(viewer, record_kind, record_id, purpose=purpose)
    if decision.allowed and not decision.can_break_glass:
        raise ConflictError(
            f"You can already see this {record_kind.label}: {decision.explanation}."
        )
    if not decision.can_break_glass:
        # Refused like a read, so this route reveals no more than the detail page.
        policy.read(viewer, record_kind, record_id, purpose=purpose)
        raise PermissionDeniedError("You cannot take emergency access to this record.")
    record = record_kind.model._default_manager.get(pk=record_id)
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=user,
            kind=record_kind.name,
            record_id=record.pk,
            person_id=record_kind.person_id(record),
            record_label=record_kind.describe(record),
            purpose=purpose,
            reason=reason.strip(),
            starts_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        policy.log_access(
            viewer,
            record_kind,
            [(grant.record_id, grant.person_id)],
            action=AccessLogEntry.Action.EMERGENCY_ACCESS,
            purpose=purpose,
            allowed=True,
            rule=policy.Rule.BREAK_GLASS,
            break_glass_id=grant.pk,
            detail={"reason": grant.reason, "minutes": minutes},
        )
        record_change(
            grant,
            "taken",
            {
                "kind": grant.kind,
                "record": str(grant.record_id),
                "purpose": purpose,
                "reason": grant.reason,
                "expires_at": grant.expires_at.isoformat(),
            },
            actor=user,
        )
        transaction.on_commit(lambda: alert_governance.enqueue(str(grant.pk)))
    return grant


@task()
def alert_governance(grant_id: str) -> int:
    """Email every information-governance reviewer about a use of emergency access."""
    grant = BreakGlassGrant.objects.select_related("user").get(pk=grant_id)
    reviewers = [u.email for u in holders_of(REVIEW_BREAK_GLASS) if u.pk != grant.user_id]
    if not reviewers:
        return 0
    link = settings.BURGH_SITE_URL.rstrip("/") + reverse(
        "access:break-glass-review", args=[grant.pk]
    )
    send_mail(
        subject=f"Emergency access taken by {grant.user} to {grant.record_label}",
        message=(
            f"{grant.user} ({grant.user.email}) took emergency access to {grant.record_label} "
            f"at {timezone.localtime(grant.starts_at):%d %B %Y %H:%M} until "
            f"{timezone.localtime(grant.expires_at):%H:%M}.\n\n"
            f"Purpose: {grant.get_purpose_display()}\nReason given: {grant.reason}\n\n"
            f"Review it: {link}\n"
        ),
        from_email=None,
        recipient_list=reviewers,
    )
    return len(reviewers)


def review_emergency_access(
    grant: BreakGlassGrant, *, by: User, outcome: BreakGlassGrant.Review, notes: str = ""
) -> None:
    """Record the governance team's verdict on one use of emergency access."""
    if not has_permission(by, REVIEW_BREAK_GLASS):
        raise PermissionDeniedError("None of your roles lets you review emergency access.")
    if grant.user_id == by.pk:
        raise PermissionDeniedError("Someone else must review your own use of emergency access.")
    if outcome == BreakGlassGrant.Review.INAPPROPRIATE and not notes.strip():
        raise InvalidInputError(
            "Say what was wrong with this use.",
            errors=[
                {
                    "pointer": "#/notes",
                    "detail": "Enter what was not appropriate and what happens next.",
                }
            ],
        )
    with transaction.atomic():
        locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.reviewed_at is not None:
            raise ConflictError("This use of emergency access has already been reviewed.")
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = by
        locked.review_outcome = outcome
        locked.review_notes = notes.strip()
        locked.version += 1
        locked.save()
        record_change(
            locked, "reviewed", {"outcome": outcome, "notes": locked.review_notes}, actor=by
        )
    grant.refresh_from_db()


def awaiting_review() -> list[BreakGlassGrant]:
    """Uses of emergency access not yet reviewed, oldest first."""
    return list(
        BreakGlassGrant.objects.filter(reviewed_at__isnull=True)
        .select_related("user", "user__organisation")
        .order_by("starts_at")
    )
