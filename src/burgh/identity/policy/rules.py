"""The rules: which records a viewer may see or change, as one queryset filter, and why.

Every decision is made in the database with the same filter, whether it is about one record
(a detail page) or a million (a list, search, count or export). A single record's decision is
that filter applied to its id, so a detail page can never show what a list would hide.
"""

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q

from burgh.identity.models import ConsentRecord, Purpose, RecordRestriction
from burgh.identity.policy.kinds import RecordKind
from burgh.identity.policy.viewer import Viewer


class Action(StrEnum):
    VIEW = "view"
    # Lists, searches, autocompletes, counts and dashboards: what a record's row shows.
    LIST = "list"
    EXPORT = "export"
    CHANGE = "change"


class Rule(StrEnum):
    """The rule behind a decision; the first group allows, the second refuses."""

    ALLOCATED = "allocated"
    TEAM = "team"
    MANAGER = "manager"
    VIEW_ALL = "view_all"
    DIRECTORY = "directory"
    AGREEMENT = "agreement"
    NAMED_ON_RESTRICTION = "named_on_restriction"
    BREAK_GLASS = "break_glass"

    INACTIVE = "inactive"
    NO_PERMISSION = "no_permission"
    ACTION_NOT_PERMITTED = "action_not_permitted"
    NO_RELATIONSHIP = "no_relationship"
    NO_AGREEMENT = "no_agreement"
    NO_CONSENT = "no_consent"
    RESTRICTED = "restricted"
    NOT_FOUND = "not_found"


RELATIONSHIPS = (Rule.ALLOCATED, Rule.TEAM, Rule.MANAGER)
READS = frozenset({Action.VIEW, Action.LIST})


@dataclass(frozen=True)
class Grant:
    """One way a viewer may reach records: the records (a filter), the fields, the actions."""

    rule: Rule
    q: Q
    fields: frozenset[str]
    actions: frozenset[Action]
    explanation: str
    relationship: Rule | None = None
    agreement: str = ""
    break_glass_id: UUID | None = None


@dataclass(frozen=True)
class Decision:
    """What the policy decided about one record, and the rule that decided it."""

    allowed: bool
    rule: Rule
    explanation: str
    fields: frozenset[str] = frozenset()
    # Whether the viewer may learn that the record exists: false for a restricted record,
    # and for anyone with no business knowing, so "forbidden" never differs from "not found".
    disclosed: bool = False
    can_break_glass: bool = False
    agreement: str = ""
    break_glass_id: UUID | None = None


@dataclass
class Grants:
    """The grants a viewer holds for a kind and purpose, with the refusal if there are none."""

    viewer: Viewer
    kind: RecordKind
    purpose: Purpose
    all: list[Grant] = field(default_factory=list)
    refusal: Rule | None = None
    refusal_explanation: str = ""
    # A partner's relationships ignoring consent, to tell "no consent" from "no relationship".
    partner_relationship: Q | None = None

    def for_action(self, action: Action) -> list[Grant]:
        return [grant for grant in self.all if action in grant.actions]


def _actions(viewer: Viewer, kind: RecordKind, *, reads: bool = True) -> frozenset[Action]:
    allowed = set(READS) if reads else set()
    if viewer.has(kind.permissions.export):
        allowed.add(Action.EXPORT)
    if viewer.has(kind.permissions.change):
        allowed.add(Action.CHANGE)
    return frozenset(allowed)


def _relationship_filters(viewer: Viewer, kind: RecordKind) -> list[tuple[Rule, Q, str]]:
    found: list[tuple[Rule, Q, str]] = [
        (
            Rule.ALLOCATED,
            kind.worker_filter(viewer.user.pk, viewer.day),
            "you are the allocated worker",
        )
    ]
    if viewer.member_of:
        found.append(
            (Rule.TEAM, kind.team_filter(viewer.member_of, viewer.day), "your team works with it")
        )
    if viewer.manages:
        found.append(
            (
                Rule.MANAGER,
                kind.team_filter(viewer.manages, viewer.day),
                "a team you lead or manage works with it",
            )
        )
    return found


# The filters below are `IN (subquery)`, never a correlated EXISTS: PostgreSQL costs a correlated
# subquery under OR or NOT as one probe per row of the table, and at a million records that
# estimate sets off JIT compilation costing more than the query itself.
def _consent_filter(kind: RecordKind, agreement_id: UUID) -> Q:
    consented = ConsentRecord.objects.filter(agreement_id=agreement_id, ended_at__isnull=True)
    return Q(**{f"{kind.person_field}__in": consented.values("person_id")})


def grants_for(viewer: Viewer, kind: RecordKind, purpose: Purpose) -> Grants:
    """Every grant `viewer` holds on `kind` when acting for `purpose`."""
    result = Grants(viewer, kind, purpose)
    perms = kind.permissions
    if not viewer.active:
        result.refusal, result.refusal_explanation = Rule.INACTIVE, "the account is disabled"
        return result
    everything = frozenset(kind.fields)
    if viewer.council:
        relationship_actions = _actions(viewer, kind)
        if viewer.has(perms.view_all):
            result.all.append(
                Grant(
                    Rule.VIEW_ALL,
                    kind.broad(),
                    everything,
                    relationship_actions,
                    "your role lets you see every record of this kind",
                )
            )
        if viewer.has(perms.view):
            for rule, q, why in _relationship_filters(viewer, kind):
                result.all.append(Grant(rule, q, everything, relationship_actions, why))
        if viewer.has(perms.directory):
            result.all.append(
                Grant(
                    Rule.DIRECTORY,
                    kind.broad(),
                    frozenset(kind.directory_fields),
                    READS,
                    "your role lets you find anyone in the directory",
                )
            )
        if viewer.has(perms.view) or viewer.has(perms.view_all):
            result.all.append(
                Grant(
                    Rule.NAMED_ON_RESTRICTION,
                    _named_filter(viewer, kind),
                    everything,
                    relationship_actions,
                    "you are named on the record's restriction",
                )
            )
        if viewer.has(perms.break_glass):
            for grant in viewer.break_glass:
                if grant.kind == kind.name:
                    result.all.append(
                        Grant(
                            Rule.BREAK_GLASS,
                            Q(pk=grant.record_id),
                            everything,
                            READS,
                            f"you took emergency access until {grant.expires_at:%d %b %Y %H:%M}",
                            break_glass_id=grant.pk,
                        )
                    )
    elif viewer.has(perms.view):
        agreements = [a for a in viewer.agreements if kind.name in (a.shared_fields or {})]
        relationships = _relationship_filters(viewer, kind)
        result.partner_relationship = _any(q for _, q, _why in relationships)
        for agreement in agreements:
            if agreement.purpose != purpose:
                continue
            shared = frozenset(agreement.shared_fields.get(kind.name, ())) & everything
            basis = (
                "with the resident's consent"
                if agreement.needs_consent
                else (
                    f"on the basis of {agreement.get_lawful_basis_display().split(' (')[0].lower()}"
                )
            )
            for rule, q, why in relationships:
                if agreement.needs_consent:
                    q = q & _consent_filter(kind, agreement.pk)
                result.all.append(
                    Grant(
                        Rule.AGREEMENT,
                        q,
                        shared,
                        _actions(viewer, kind) - {Action.CHANGE},
                        f"agreement {agreement.reference} shares it {basis}, and {why}",
                        relationship=rule,
                        agreement=agreement.reference,
                    )
                )
        if not result.all:
            result.refusal = Rule.NO_AGREEMENT
            result.refusal_explanation = (
                f"no data-sharing agreement in force shares {kind.label}s with "
                f"{viewer.organisation or 'your organisation'} for {purpose.label.lower()}"
            )
    if not result.all and result.refusal is None:
        result.refusal = Rule.NO_PERMISSION
        result.refusal_explanation = f"none of your roles lets you see {kind.label}s"
    return result


def _any(filters: Iterable[Q]) -> Q:
    return reduce(operator.or_, filters)


def _restriction(kind: RecordKind) -> Any:
    return RecordRestriction.objects.filter(kind=kind.name, lifted_at__isnull=True)


def _named_filter(viewer: Viewer, kind: RecordKind) -> Q:
    named = _restriction(kind).filter(named_users=viewer.user.pk)
    return Q(pk__in=named.values("record_id"))


def hidden_by_restriction(viewer: Viewer, kind: RecordKind) -> Q:
    """Records restricted to people other than the viewer: to the viewer they do not exist."""
    return Q(pk__in=_restriction(kind).values("record_id")) & ~_named_filter(viewer, kind)


def decide(grants: Grants, action: Action, record_id: Any) -> tuple[Any, Decision]:
    """Decide about one record with one query that loads it with each grant's verdict.

    Returns the record only when the decision allows the action, so a refused record's
    values never leave this function.
    """
    kind, viewer = grants.kind, grants.viewer
    annotations: dict[str, Any] = {
        f"_policy_g{index}": _flag(grant.q) for index, grant in enumerate(grants.all)
    }
    annotations["_policy_restricted"] = _flag(hidden_by_restriction(viewer, kind))
    if grants.partner_relationship is not None:
        annotations["_policy_related"] = _flag(grants.partner_relationship)
    try:
        row = kind.model._default_manager.filter(pk=record_id).annotate(**annotations).first()
    except (ValueError, TypeError, ValidationError):
        row = None
    decision = _verdict(grants, action, row)
    return (row if decision.allowed else None), decision


def _verdict(grants: Grants, action: Action, row: Any) -> Decision:
    kind, viewer = grants.kind, grants.viewer
    if row is None:
        return Decision(False, Rule.NOT_FOUND, f"there is no {kind.label} with that id")
    if row._policy_restricted:
        return Decision(False, Rule.RESTRICTED, f"the {kind.label} is restricted to named people")
    matching = [g for index, g in enumerate(grants.all) if getattr(row, f"_policy_g{index}")]
    permitted = [grant for grant in matching if action in grant.actions]
    if permitted:
        first = permitted[0]
        fields = frozenset().union(*(grant.fields for grant in permitted))
        return Decision(
            True,
            first.rule,
            first.explanation,
            fields=fields,
            disclosed=True,
            # Someone who only sees the directory entry may still need the whole record.
            can_break_glass=action in READS
            and fields < frozenset(kind.fields)
            and _may_break_glass(viewer, kind),
            agreement=first.agreement,
            break_glass_id=first.break_glass_id,
        )
    if matching:
        return Decision(
            False,
            Rule.ACTION_NOT_PERMITTED,
            f"you may see this {kind.label} but none of your roles lets you {action} it",
            disclosed=True,
        )
    if grants.refusal is not None:
        return Decision(False, grants.refusal, grants.refusal_explanation)
    if getattr(row, "_policy_related", False):
        return Decision(
            False,
            Rule.NO_CONSENT,
            "the resident has not consented, or has withdrawn consent, to sharing under the "
            "agreement for this purpose",
        )
    can_break_glass = _may_break_glass(viewer, kind)
    return Decision(
        False,
        Rule.NO_RELATIONSHIP,
        f"you have no relationship with this {kind.label}",
        disclosed=can_break_glass,
        can_break_glass=can_break_glass and action in READS,
    )


def _may_break_glass(viewer: Viewer, kind: RecordKind) -> bool:
    return viewer.council and viewer.has(kind.permissions.break_glass)


def visible_filter(grants: Grants, action: Action) -> Q | None:
    """The filter for every record the viewer may act on, or None when there is none."""
    permitted = grants.for_action(action)
    if not permitted:
        return None
    return _any(grant.q for grant in permitted) & ~hidden_by_restriction(grants.viewer, grants.kind)


def field_flags(grants: Grants, action: Action) -> dict[str, Any]:
    """Annotations telling, per row, which grants hold; needed only when their fields differ."""
    permitted = grants.for_action(action)
    if len({grant.fields for grant in permitted}) <= 1:
        return {}
    return {f"_grant{index}": _flag(grant.q) for index, grant in enumerate(permitted)}


def _flag(q: Q) -> "ExpressionWrapper[Q]":
    return ExpressionWrapper(q, output_field=BooleanField())
