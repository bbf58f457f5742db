"""Residents, their households, and the person index: source records, links, reviews, lineage."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from burgh.core.models import BurghModel

# The fields survivorship builds a golden record from, in the order a person page shows them.
GOLDEN_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "uprn",
    "email",
    "phone",
)


class Person(BurghModel):
    """One resident: the golden record built from every system's source records.

    The name, date of birth and contact columns hold the golden values so that the access
    policy, searches and pages read them as plain columns; `golden` says where each came from.
    A person merged into another keeps its row, pointing at the survivor (`merged_into`), so
    an old id always answers where it went.
    """

    given_name = models.CharField(max_length=120)
    family_name = models.CharField(max_length=120)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    # field -> {"value", "source" ("<system>:<source_id>" or "override"), "rule"}
    golden = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["family_name", "given_name"])]
        permissions = [
            ("review_matches", "Can decide the data stewards' match reviews"),
            ("merge_people", "Can merge and unmerge people"),
            ("manage_source_records", "Can send source records and move them between people"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def retired(self) -> bool:
        return self.merged_into_id is not None


class Household(BurghModel):
    """People living together at one property, linked to the place index by UPRN."""

    uprn = models.CharField(max_length=12, db_index=True)
    members: "models.ManyToManyField[Person, HouseholdMember]" = models.ManyToManyField(
        Person, through="HouseholdMember", related_name="households"
    )

    def __str__(self) -> str:
        return f"Household at UPRN {self.uprn}"


class HouseholdMember(BurghModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE)
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    relationship = models.CharField(max_length=40, blank=True)
    moved_in_on = models.DateField(null=True, blank=True)
    moved_out_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.household}"


class Involvement(BurghModel):
    """A team's work with a person, and the worker allocated: the "legitimate relationship".

    The access policy lets a team's members, the allocated worker and the team's managers see
    the person while the involvement is open (and on the day it ends).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    team = models.ForeignKey("identity.Team", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        "identity.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        indexes = [
            models.Index(fields=["team", "person"]),
            models.Index(fields=["worker", "person"]),
        ]

    def __str__(self) -> str:
        return f"{self.team} with {self.person}"


class SourceSystem(BurghModel):
    """A council system or partner feed that sends person records (council tax, housing...)."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    # Higher wins survivorship for names, date of birth and sex.
    trust = models.PositiveSmallIntegerField(default=50)

    class Meta:
        ordering = ["-trust", "slug"]

    def __str__(self) -> str:
        return self.name


class SourceRecord(BurghModel):
    """One system's record of a resident, kept as received, and the person it is linked to."""

    class LinkMethod(models.TextChoices):
        NEW = "new", "Started a new person"
        AUTOMATIC = "automatic", "Linked automatically"
        REVIEW = "review", "Linked by a data steward's review"
        MANUAL = "manual", "Linked by a data steward"

    system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="records")
    source_id = models.CharField(max_length=100)
    attributes = models.JSONField(default=dict)
    # The engine's prepared form of the attributes (linkage.prepare), so scoring reads no text.
    features = models.JSONField(default=dict)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="source_records")
    received_at = models.DateTimeField(default=timezone.now)
    record_version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64)
    link_method = models.CharField(max_length=10, choices=LinkMethod.choices)
    link_weight = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(fields=["system", "source_id"], name="one_record_per_source_id")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """`<system>:<source_id>`, how golden values name their source."""
        return f"{self.system.slug}:{self.source_id}"


class SourceRecordVersion(BurghModel):
    """Every version of a source record as it was received."""

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="versions")
    record_version = models.PositiveIntegerField()
    attributes = models.JSONField(default=dict)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["record", "record_version"]
        constraints = [
            models.UniqueConstraint(fields=["record", "record_version"], name="version_once")
        ]

    def __str__(self) -> str:
        return f"Version {self.record_version} of {self.record_id}"

    @classmethod
    def of(cls, record: SourceRecord) -> "SourceRecordVersion":
        """The record's current content as a version (unsaved)."""
        return cls(
            record_id=record.pk,
            record_version=record.record_version,
            attributes=record.attributes,
            received_at=record.received_at,
        )


class BlockingKey(models.Model):
    """The online blocking index: one row per key of each source record.

    The person is copied onto the row so that finding candidates is one index-only look-up
    on (key, person, record); it is kept in step whenever a record moves.
    """

    key = models.CharField(max_length=80)
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="blocking_keys")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["key", "person", "record"], name="people_blocking_lookup")]

    def __str__(self) -> str:
        return self.key


class AttributeOverride(BurghModel):
    """A data steward's value for one golden field; it wins over every source until cleared."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="overrides")
    field = models.CharField(max_length=20, choices=[(name, name) for name in GOLDEN_FIELDS])
    value = models.CharField(max_length=300)
    set_by = models.ForeignKey(
        "identity.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        "identity.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["person", "field", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "field"],
                condition=Q(cleared_at__isnull=True),
                name="one_live_override_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.person_id}"


class MatchReview(BurghModel):
    """A pair of records the model could not decide on, waiting for a data steward."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        MATCH = "match", "The same person"
        NOT_MATCH = "not_match", "Not the same person"
        SKIPPED = "skipped", "Skipped for later"

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="reviews")
    candidate = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    # The two record ids in sorted order: one review per pair, whichever side arrived first.
    pair_key = models.CharField(max_length=73, unique=True)
    weight = models.FloatField()
    probability = models.FloatField()
    # The engine's LevelScores as dicts: comparison, label, weight.
    explanation = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        "identity.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["status", "-weight", "created_at"]
        indexes = [models.Index(fields=["status", "-weight"], name="people_review_queue")]

    def __str__(self) -> str:
        return f"Review of {self.record_id} and {self.candidate_id}"


class LinkLabel(BurghModel):
    """A steward's word that two records are, or are not, the same person.

    Automatic runs take labels as constraints and never overturn them; for a pair labelled
    more than once, the latest label counts.
    """

    record_a = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    pair_key = models.CharField(max_length=73, db_index=True)
    same = models.BooleanField()
    decided_by = models.ForeignKey(
        "identity.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review = models.ForeignKey(
        MatchReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="labels"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        verdict = "same" if self.same else "not same"
        return f"{self.record_a_id} and {self.record_b_id}: {verdict}"


class Lineage(BurghModel):
    """A change to who is who: a merge, an unmerge, a record moved, or a relink's changes.

    `records` lists what moved, so that an unmerge can put back exactly what the merge took.
    """

    class Kind(models.TextChoices):
        MERGE = "merge", "Merged"
        UNMERGE = "unmerge", "Unmerged"
        MOVE = "move", "Record moved"
        RELINK = "relink", "Relinked"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="lineage")
    other = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    records = models.JSONField(default=dict)
    actor = models.ForeignKey(
        "identity.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    # An unmerge names the merge it undid; a merge is undone at most once.
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["other", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id}"


class FamilyRelationship(BurghModel):
    """A family tie a service recorded: `relative` is the person's `relationship`."""

    class Relationship(models.TextChoices):
        PARENT = "parent", "Parent"
        CHILD = "child", "Child"
        SIBLING = "sibling", "Brother or sister"
        SPOUSE = "spouse", "Spouse or civil partner"
        PARTNER = "partner", "Partner"
        GRANDPARENT = "grandparent", "Grandparent"
        GRANDCHILD = "grandchild", "Grandchild"
        GUARDIAN = "guardian", "Legal guardian"
        WARD = "ward", "Under the person's guardianship"
        CARER = "carer", "Unpaid carer"
        CARED_FOR = "cared_for", "Cared for by the person"
        OTHER = "other", "Other relative"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relatives_of")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    recorded_by = models.ForeignKey("identity.Team", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person", "relationship", "-created_at"]

    def __str__(self) -> str:
        return f"{self.relative_id} is {self.relationship} of {self.person_id}"


class LinkageModel(BurghModel):
    """A model the council trained on its own records; the newest one scores new records."""

    model_version = models.CharField(max_length=80, unique=True)
    # linkage.Model.to_json()
    parameters = models.TextField()
    trained_by = models.ForeignKey(
        "identity.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record_count = models.PositiveIntegerField(default=0)
    label_count = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Linkage model {self.model_version}"
