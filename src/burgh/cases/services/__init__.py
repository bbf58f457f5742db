"""Case services: every write and every rule about cases (docs/case-management.md).

Intake (`intake`), allocation and queues (`allocate_case`, `allocate_cases`, `take_next`),
a case's life (`change_status`, `update_details`, `close_case`, `reopen_case`, `link_cases`,
`set_parent`, `merge_cases`, `undo_merge`), case types (`save_case_type`), and reads through
the access policy (`queue`, `read_case`, `chronology`, `cases_of_person`, `live_flags`), and the
work on a case (`add_note`, `edit_note`, `add_task`, `finish_task`, `record_decision`,
`authorise_decision`, `add_party`, `raise_flag`, `remove_flag`, `mark_significant`).
"""

from burgh.cases.services.allocation import (
    OverCapacityError,
    allocate_automatically,
    allocate_case,
    allocate_cases,
    caseloads,
    take_next,
    team_members,
)
from burgh.cases.services.casetypes import (
    CaseTypeDefinitionError,
    check_definition,
    find_case_type,
    offered,
    route,
    save_case_type,
    team_by_path,
)
from burgh.cases.services.common import CaseClosedError
from burgh.cases.services.intake import IntakeRequest, IntakeResult, intake, possible_duplicates
from burgh.cases.services.lifecycle import (
    InvalidTransitionError,
    change_status,
    close_case,
    link_cases,
    merge_cases,
    reopen_case,
    set_parent,
    undo_merge,
    update_details,
)
from burgh.cases.services.reading import (
    SLA_STATES,
    CaseRead,
    QueueFilter,
    cases_of_person,
    chronology,
    live_flags,
    queue,
    read_case,
    with_sla_state,
)
from burgh.cases.services.work import (
    add_note,
    add_party,
    add_task,
    authorise_decision,
    edit_note,
    finish_task,
    mark_significant,
    raise_flag,
    record_decision,
    remove_flag,
)

__all__ = [
    "SLA_STATES",
    "CaseClosedError",
    "CaseRead",
    "CaseTypeDefinitionError",
    "IntakeRequest",
    "IntakeResult",
    "InvalidTransitionError",
    "OverCapacityError",
    "QueueFilter",
    "add_note",
    "add_party",
    "add_task",
    "allocate_automatically",
    "allocate_case",
    "allocate_cases",
    "authorise_decision",
    "caseloads",
    "cases_of_person",
    "change_status",
    "check_definition",
    "chronology",
    "close_case",
    "edit_note",
    "find_case_type",
    "finish_task",
    "intake",
    "link_cases",
    "live_flags",
    "mark_significant",
    "merge_cases",
    "offered",
    "possible_duplicates",
    "queue",
    "raise_flag",
    "read_case",
    "record_decision",
    "remove_flag",
    "reopen_case",
    "route",
    "save_case_type",
    "set_parent",
    "take_next",
    "team_by_path",
    "team_members",
    "undo_merge",
    "update_details",
    "with_sla_state",
]
