"""The person index's services: household imports, reading people through the access policy,
and the involvements that give teams and workers their relationship with a person."""

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
from burgh.people.services.records import (
    PeopleExport,
    export_people,
    person_fields,
    person_record,
    person_rows,
    search_people,
)

__all__ = [
    "BATCH_SIZE",
    "HouseholdImportReport",
    "NewHousehold",
    "NewResident",
    "PeopleExport",
    "allocate_worker",
    "end_involvement",
    "export_people",
    "households_at",
    "import_households",
    "person_fields",
    "person_record",
    "person_rows",
    "search_people",
    "start_involvement",
]
