"""The access policy: may this user do this to this record, for this purpose, and why.

Every list, search, autocomplete, count, export and dashboard asks `visible()` for its queryset,
so nothing unpermitted is ever loaded; every detail page and API read asks `read()`, which
decides with the same filter, logs the access and refuses without revealing whether a
restricted record exists. `why()` explains any decision without logging it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models, transaction

from burgh.core.errors import NotFoundError, PermissionDeniedError
from burgh.identity.models import AccessLogEntry, Purpose, User
from burgh.identity.policy.kinds import KindPermissions, RecordKind, all_kinds, get, register
from burgh.identity.policy.log import log_access
from burgh.identity.policy.rules import (
    Action,
    Decision,
    Grants,
    Rule,
    decide,
    field_flags,
    grants_for,
    visible_filter,
)
from burgh.identity.policy.viewer import Viewer, viewer_for

__all__ = [
    "AccessRefusedError",
    "Action",
    "Decision",
    "KindPermissions",
    "RecordKind",
    "RecordNotFoundError",
    "Rule",
    "Viewer",
    "Visible",
    "all_kinds",
    "get",
    "log_access",
    "log_listed",
    "read",
    "register",
    "shape",
    "viewer_for",
    "visible",
    "why",
]

M = TypeVar("M", bound=models.Model)


class RecordNotFoundError(NotFoundError):
    """Raised alike for a record that does not exist and one the reader may not know of."""

    title = "Not found"


class AccessRefusedError(PermissionDeniedError):
    """The reader may know the record exists but may not do this to it."""

    slug = "access-refused"
    title = "You do not have access to this record"

    def __init__(self, detail: str, *, decision: Decision) -> None:
        super().__init__(
            detail,
            extra={
                "rule": str(decision.rule),
                "emergency_access_available": decision.can_break_glass,
            },
        )
        self.decision = decision


def _viewer(user: User | Viewer) -> Viewer:
    return user if isinstance(user, Viewer) else viewer_for(user)


def why(
    user: User | Viewer,
    kind: RecordKind | str,
    record_id: Any,
    *,
    action: Action = Action.VIEW,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> Decision:
    """The decision about one record and the rule behind it; nothing is logged."""
    kind = get(kind) if isinstance(kind, str) else kind
    return decide(grants_for(_viewer(user), kind, purpose), action, record_id)[1]


@dataclass
class Visible(Generic[M]):
    """The records a viewer may act on, as a queryset, and the fields each row may show."""

    grants: Grants
    action: Action
    queryset: "models.QuerySet[M]"
    _flags: tuple[str, ...]

    def fields(self, row: M) -> frozenset[str]:
        permitted = self.grants.for_action(self.action)
        if not self._flags:
            return permitted[0].fields if permitted else frozenset()
        return frozenset().union(
            *(
                grant.fields
                for grant, flag in zip(permitted, self._flags, strict=True)
                if getattr(row, flag, False)
            )
        )


def visible(
    user: User | Viewer,
    kind: RecordKind | str,
    *,
    action: Action = Action.LIST,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
    queryset: "models.QuerySet[Any] | None" = None,
) -> Visible[Any]:
    """Every record of `kind` the user may act on: filter it further, order it, page it.

    The filter is part of the queryset, so counting, paging and exporting it load nothing
    the user may not see.
    """
    kind = get(kind) if isinstance(kind, str) else kind
    grants = grants_for(_viewer(user), kind, purpose)
    base = queryset if queryset is not None else kind.model._default_manager.all()
    condition = visible_filter(grants, action)
    if condition is None:
        return Visible(grants, action, base.none(), ())
    flags = field_flags(grants, action)
    return Visible(grants, action, base.filter(condition).annotate(**flags), tuple(flags))


def read(
    user: User | Viewer,
    kind: RecordKind | str,
    record_id: Any,
    *,
    action: Action = Action.VIEW,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> tuple[Any, Decision]:
    """Load one record for `action` if the policy allows, logging the access either way.

    A missing record, a restricted one and one the reader has no business knowing about all
    raise the same `RecordNotFoundError` after the same work, so neither the answer nor its
    timing tells them apart.
    """
    viewer = _viewer(user)
    kind = get(kind) if isinstance(kind, str) else kind
    record, decision = decide(grants_for(viewer, kind, purpose), action, record_id)
    person_id = kind.person_id(record) if record is not None else None
    log_action = {
        Action.VIEW: AccessLogEntry.Action.VIEWED,
        Action.LIST: AccessLogEntry.Action.LISTED,
        Action.EXPORT: AccessLogEntry.Action.EXPORTED,
        Action.CHANGE: AccessLogEntry.Action.CHANGED,
    }[action]
    with transaction.atomic():
        log_access(
            viewer,
            kind,
            [(record_id, person_id)],
            action=log_action,
            purpose=purpose,
            allowed=record is not None,
            rule=str(decision.rule),
            break_glass_id=decision.break_glass_id,
        )
    if record is not None:
        return record, decision
    if decision.disclosed:
        raise AccessRefusedError(
            f"You cannot {action} this {kind.label}: {decision.explanation}.", decision=decision
        )
    raise RecordNotFoundError(f"There is no {kind.label} with that id, or you cannot see it.")


def log_listed(
    user: User | Viewer,
    kind: RecordKind | str,
    records: Sequence[models.Model],
    *,
    purpose: Purpose,
    exported: bool = False,
    detail: dict[str, Any] | None = None,
) -> None:
    """Log that these records were shown in a list or search, or exported."""
    viewer = _viewer(user)
    kind = get(kind) if isinstance(kind, str) else kind
    log_access(
        viewer,
        kind,
        [(record.pk, kind.person_id(record)) for record in records],
        action=AccessLogEntry.Action.EXPORTED if exported else AccessLogEntry.Action.LISTED,
        purpose=purpose,
        allowed=True,
        rule="export" if exported else "list",
        detail=detail,
    )


def shape(
    values: dict[str, Any], fields: Iterable[str], *, always: Iterable[str] = ("id",)
) -> dict[str, Any]:
    """Keep only the fields the reader may receive: withheld fields are never sent."""
    keep = set(fields) | set(always)
    return {name: value for name, value in values.items() if name in keep}
