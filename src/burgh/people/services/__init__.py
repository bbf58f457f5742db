"""The person index's services: source records and their resolution to people, golden records,
merges and reviews, relinking, the ranked search, relationships and households, reading
people through the access policy, and the involvements that give teams their relationship."""

from burgh.people.services.golden import GoldenValue, clear_override, golden_view, set_override
from burgh.people.services.households import (
    BATCH_SIZE,
    HouseholdImportReport,
    NewHousehold,
    NewResident,
    households_at,
    import_households,
)
from burgh.people.services.involvements import (
    allocate_worker,
    end_involvement,
    start_involvement,
)
from burgh.people.services.loading import LoadReport, load_records
from burgh.people.services.matching import current_model, retrain, save_trained_model
from burgh.people.services.merging import (
    current_person,
    lineage_of,
    merge_people,
    merged_ids,
    move_record,
    unmerge,
)
from burgh.people.services.ranking import RankedPerson, rank_people
from burgh.people.services.records import (
    PeopleExport,
    export_people,
    people_at,
    person_fields,
    person_record,
    person_rows,
    search_people,
)
from burgh.people.services.relationships import (
    end_relationship,
    record_relationship,
    relationships_of,
)
from burgh.people.services.relink import RelinkReport, relink
from burgh.people.services.resolution import Resolution, resolve
from burgh.people.services.reviews import decide_review, review_queue
from burgh.people.services.sources import IncomingRecord, register_source_system

__all__ = [
    "BATCH_SIZE",
    "GoldenValue",
    "HouseholdImportReport",
    "IncomingRecord",
    "LoadReport",
    "NewHousehold",
    "NewResident",
    "PeopleExport",
    "RankedPerson",
    "RelinkReport",
    "Resolution",
    "allocate_worker",
    "clear_override",
    "current_model",
    "current_person",
    "decide_review",
    "end_involvement",
    "end_relationship",
    "export_people",
    "golden_view",
    "households_at",
    "import_households",
    "lineage_of",
    "load_records",
    "merge_people",
    "merged_ids",
    "move_record",
    "people_at",
    "person_fields",
    "person_record",
    "person_rows",
    "rank_people",
    "record_relationship",
    "register_source_system",
    "relationships_of",
    "relink",
    "resolve",
    "retrain",
    "review_queue",
    "save_trained_model",
    "search_people",
    "set_override",
    "start_involvement",
    "unmerge",
]
