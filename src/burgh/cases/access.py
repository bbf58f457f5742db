"""How cases plug into the access policy: the team working a case and its allocated worker.

A case is seen through a relationship (its team, its allocated worker, the teams above), by a
role that sees every case, or as a directory entry by advisers who need to tell a caller where
their request is. Cases of a sensitive type are reached only through a relationship: the
role-wide grants stop at them.
"""

from collections.abc import Collection
from datetime import date
from uuid import UUID

from django.db.models import Q

from burgh.identity import policy

CASE = "cases.case"

VIEW_CASE = "cases.view_case"
VIEW_ALL_CASES = "cases.view_all_cases"
# Advisers: every non-sensitive case, as a directory entry (what, where it is, its status).
FIND_CASES = "cases.view_request"
CHANGE_CASE = "cases.update_case"
EXPORT_CASES = "cases.export_cases"
BREAK_GLASS = "cases.break_glass"
LOG_REQUEST = "cases.create_request"
TAKE_NEXT = "cases.take_next"
ALLOCATE = "cases.allocate"
AUTHORISE_DECISIONS = "cases.authorise_decisions"
MANAGE_CASE_TYPES = "cases.manage_case_types"

CASE_FIELDS = (
    "reference",
    "case_type",
    "status",
    "priority",
    "team",
    "owner",
    "received_at",
    "sla",
    "title",
    "description",
    "data",
    "subject",
    "location",
    "reporter",
    "work",
)
DIRECTORY_FIELDS = ("reference", "case_type", "status", "team", "received_at", "sla")


def _worked_by_teams(team_ids: Collection[UUID], day: date) -> Q:
    return Q(team_id__in=team_ids)


def _allocated_to(user_id: UUID, day: date) -> Q:
    return Q(owner_id=user_id)


def _not_sensitive() -> Q:
    return Q(sensitive=False)


def register() -> None:
    from burgh.cases.models import Case

    policy.register(
        policy.RecordKind(
            name=CASE,
            model=Case,
            label="case",
            fields=CASE_FIELDS,
            directory_fields=DIRECTORY_FIELDS,
            permissions=policy.KindPermissions(
                view=VIEW_CASE,
                view_all=VIEW_ALL_CASES,
                directory=FIND_CASES,
                change=CHANGE_CASE,
                export=EXPORT_CASES,
                break_glass=BREAK_GLASS,
            ),
            team_filter=_worked_by_teams,
            worker_filter=_allocated_to,
            person_field="subject_person_id",
            describe=lambda case: f"case {case.reference}",
            broad_filter=_not_sensitive,
        )
    )
