"""The case tables: types, cases, the work on them, documents and the chronology."""

from burgh.cases.models.cases import (
    Case,
    CaseAllocation,
    CaseLink,
    CaseMerge,
    CaseNumber,
    CaseParty,
    Channel,
)
from burgh.cases.models.chronology import ChronologyEntry, EntryKind
from burgh.cases.models.documents import CaseDocument, DocumentVersion
from burgh.cases.models.types import Allocation, CaseType, LetterTemplate, Priority, Stage
from burgh.cases.models.work import CaseDecision, CaseNote, CaseNoteRevision, CaseTask, PersonFlag

__all__ = [
    "Allocation",
    "Case",
    "CaseAllocation",
    "CaseDecision",
    "CaseDocument",
    "CaseLink",
    "CaseMerge",
    "CaseNote",
    "CaseNoteRevision",
    "CaseNumber",
    "CaseParty",
    "CaseTask",
    "CaseType",
    "Channel",
    "ChronologyEntry",
    "DocumentVersion",
    "EntryKind",
    "LetterTemplate",
    "PersonFlag",
    "Priority",
    "Stage",
]
