"""The person index on the person page, and the data stewards' changes to it.

The golden record with each value's source, the source records behind a person, merges and
unmerges, and a steward's override of one value. Every page reads the people it shows through
the access policy; what a steward may change, the services decide (and refuse with a reason).
"""

import contextlib
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from burgh.core.errors import BurghError, ConflictError, InvalidInputError
from burgh.core.forms import add_service_errors
from burgh.core.views import not_found
from burgh.identity import policy
from burgh.identity.models import User
from burgh.people.access import PERSON
from burgh.people.forms import MergeFindForm, OverrideForm, ReasonForm
from burgh.people.index_display import (
    FIELD_LABELS,
    RULE_LABELS,
    compare_attributes,
    shown_value,
    source_label,
    uk_date,
    uk_time,
)
from burgh.people.models import GOLDEN_FIELDS, Lineage, Person, SourceRecord, SourceSystem
from burgh.people.pages import current_purpose, people_page, purpose_context
from burgh.people.services.golden import (
    MANAGE_SOURCE_RECORDS,
    clear_override,
    golden_view,
    set_override,
)
from burgh.people.services.merging import MERGE_PEOPLE, merge_people, unmerge
from burgh.people.services.records import person_record, person_rows, search_people
from burgh.people.steward import may_see_all_of, permitted_attributes, record_summary
from burgh.places.services import addresses as addresses_of

# How many people a merge search offers at once.
MERGE_CHOICES = 20
# How far a chain of merges is followed before giving up (a merge of a merge of a merge...).
MAX_REDIRECTS = 20
# A merge, or a relink that retired one person into another, can be undone.
UNDOABLE = (Lineage.Kind.MERGE, Lineage.Kind.RELINK)
LINEAGE_TEXT: dict[str, str] = {
    Lineage.Kind.MERGE: "Merged",
    Lineage.Kind.UNMERGE: "Unmerged",
    Lineage.Kind.MOVE: "Record moved",
    Lineage.Kind.RELINK: "Relinked",
}


def survivor_of(person_id: UUID) -> UUID | None:
    """The person a retired id was merged into (following merges of merges); None if current.

    Also None for an id that was never used: the caller then reads it as any other id.
    """
    current, hops = person_id, 0
    while hops < MAX_REDIRECTS:
        merged_into = (
            Person.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        )
        if merged_into is None:
            return current if current != person_id else None
        current, hops = merged_into, hops + 1
    return current


def _systems() -> dict[str, str]:
    return dict(SourceSystem.objects.values_list("slug", "name"))


def person_index_context(
    viewer: policy.Viewer, person: Person, decision: policy.Decision
) -> dict[str, Any]:
    """The person page's index sections: golden values, source records, lineage, actions.

    Only for a reader who may see the whole record: which systems hold a resident (a social
    work file, a housing tenancy) says more about them than their name and address do.
    """
    attributes = permitted_attributes(decision.fields)
    if not may_see_all_of(attributes):
        return {}
    may_override = viewer.has(MANAGE_SOURCE_RECORDS)
    may_merge = viewer.has(MERGE_PEOPLE)
    systems = _systems()
    golden = [
        {
            "label": FIELD_LABELS[value.field],
            "text": shown_value(value.field, value.value),
            "source": source_label(value.source, systems) if value.value is not None else "",
            "rule": RULE_LABELS.get(value.rule, ""),
            "overridden": value.rule == "override",
            "override_url": (
                reverse("people:override", args=[person.pk, value.field]) if may_override else ""
            ),
        }
        for value in golden_view(person)
    ]
    records = (
        SourceRecord.objects.filter(person=person)
        .select_related("system")
        .order_by("-received_at", "id")
    )
    return {
        "index_shown": True,
        "golden": golden,
        "may_override": may_override,
        "source_records": [record_summary(record, attributes) for record in records],
        "lineage": _lineage_rows(person, may_merge),
        "merge_url": reverse("people:merge", args=[person.pk]) if may_merge else "",
    }


def _lineage_rows(person: Person, may_merge: bool) -> list[dict[str, Any]]:
    rows = []
    entries = (
        Lineage.objects.filter(Q(person=person) | Q(other=person))
        .select_related("actor", "person", "other")
        .order_by("-at", "-id")
    )
    reversed_ids = set(
        Lineage.objects.filter(reverses__in=entries.values("pk")).values_list(
            "reverses_id", flat=True
        )
    )
    for entry in entries:
        rows.append(
            {
                "what": _lineage_text(entry, person),
                "when": uk_time(entry.at),
                "by": entry.actor.full_name if entry.actor else "Automatic",
                "reason": entry.reason,
                "unmerge_url": (
                    reverse("people:unmerge", args=[entry.pk])
                    if may_merge
                    and entry.kind in UNDOABLE
                    and entry.other_id is not None
                    and entry.person_id == person.pk
                    and entry.pk not in reversed_ids
                    else ""
                ),
                "undone": entry.pk in reversed_ids,
            }
        )
    return rows


def _lineage_text(entry: Lineage, person: Person) -> str:
    other = entry.other_id if entry.person_id == person.pk else entry.person_id
    records = entry.records.get("records", []) if isinstance(entry.records, dict) else []
    count = f" ({len(records)} record{'s' if len(records) != 1 else ''})" if records else ""
    if entry.kind == Lineage.Kind.MERGE:
        if entry.person_id == person.pk:
            return f"Person {other} was merged into this one{count}"
        return f"This person was merged into person {other}{count}"
    if entry.kind == Lineage.Kind.UNMERGE:
        # An unmerge's person is the one restored; its other, the one it left.
        if entry.person_id == person.pk:
            return f"This person was split back out of person {other}{count}"
        return f"Person {other} was split back out of this one{count}"
    if entry.kind == Lineage.Kind.RELINK and entry.other_id:
        if entry.person_id == person.pk:
            return f"Relinking found person {other} to be this one{count}"
        return f"Relinking found this person to be person {other}{count}"
    if entry.kind == Lineage.Kind.MOVE:
        if entry.person_id == person.pk:
            return f"A record moved here from person {other}" if other else "A record moved here"
        return f"A record moved from here to person {entry.person_id}"
    return f"{LINEAGE_TEXT.get(entry.kind, entry.kind)}{count}"


def retired_page(
    request: HttpRequest, viewer: policy.Viewer, retired_id: UUID, survivor_id: UUID
) -> HttpResponse | None:
    """The page for an id merged into another: where it went, if the reader may see that.

    None when the reader may not see the survivor: the caller answers as for any record they
    may not see, so a retired id tells nobody more than its survivor would.
    """
    try:
        survivor, decision = policy.read(
            viewer, PERSON, survivor_id, purpose=current_purpose(request)
        )
    except (policy.RecordNotFoundError, policy.AccessRefusedError):
        return None
    row = person_record(survivor, decision.fields)
    name = " ".join(part for part in (row.get("given_name"), row.get("family_name")) if part)
    merge = (
        Lineage.objects.filter(kind=Lineage.Kind.MERGE, other_id=retired_id).order_by("-at").first()
    )
    context = {
        "retired_id": retired_id,
        "survivor_id": survivor.pk,
        "survivor_name": name or "Name not shared with you",
        "merged_on": uk_date(merge.at.date()) if merge else "",
        **purpose_context(request),
    }
    return render(request, "people/merged.html", context)


def _read_whole(
    request: HttpRequest, viewer: policy.Viewer, person_id: UUID
) -> tuple[Person, frozenset[str]] | HttpResponse:
    """A current person the steward may see in full, or the page that says why not."""
    if survivor_of(person_id) is not None:
        return not_found(request)
    try:
        person, decision = policy.read(viewer, PERSON, person_id, purpose=current_purpose(request))
    except (policy.RecordNotFoundError, policy.AccessRefusedError):
        return not_found(request)
    attributes = permitted_attributes(decision.fields)
    if not may_see_all_of(attributes):
        raise PermissionDenied("You may not see this person's whole record, so cannot change it.")
    return person, attributes


# Details a steward can pick from the gazetteer rather than type.
PLACE_FIELDS = ("address", "uprn")


def _require(viewer: policy.Viewer, permission: str, what: str) -> None:
    if not viewer.has(permission):
        raise PermissionDenied(f"None of your roles lets you {what}.")


@people_page
@require_http_methods(["GET", "POST"])
def override(request: HttpRequest, user: User, person_id: UUID, field: str) -> HttpResponseBase:
    viewer = policy.viewer_for(user)
    _require(viewer, MANAGE_SOURCE_RECORDS, "override a person's details")
    if field not in GOLDEN_FIELDS:
        return not_found(request)
    found = _read_whole(request, viewer, person_id)
    if isinstance(found, HttpResponse):
        return found
    person, _attributes = found
    current = next(value for value in golden_view(person) if value.field == field)
    overridden = current.rule == "override"
    label = FIELD_LABELS[field]
    if request.method == "POST" and request.POST.get("action") == "clear":
        if overridden:
            # Removed meanwhile by someone else: the sources decide it either way.
            with contextlib.suppress(ConflictError):
                clear_override(person, field, actor=user, reason="Removed on the person page")
            messages.success(request, f"{label}: the sources decide it again.")
        return redirect(reverse("people:person", args=[person.pk]) + "#golden")
    form = OverrideForm(
        request.POST or None,
        field=field,
        label=f"{label} to use",
        initial={"value": _picked_place(request, field)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_override(
                person,
                field,
                form.value_text(),
                actor=user,
                reason=form.cleaned_data["reason"],
            )
        except InvalidInputError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{label} is now set by you, whatever the sources say.")
            return redirect(reverse("people:person", args=[person.pk]) + "#golden")
    context = {
        "form": form,
        "person_id": person.pk,
        "label": label,
        "current": shown_value(field, current.value),
        "current_source": source_label(current.source, _systems()) if current.value else "",
        "overridden": overridden,
        "field": field,
        # The address picker comes back here with ?uprn= (places: find an address).
        "picker_url": (
            f"{reverse('places:find')}?{urlencode({'next': request.path})}"
            if field in PLACE_FIELDS
            else ""
        ),
        **purpose_context(request),
    }
    return render(request, "people/override.html", context)


def _picked_place(request: HttpRequest, field: str) -> str:
    """What the address picker chose, as the field's value: the UPRN or its address."""
    uprn = request.GET.get("uprn", "")
    if field not in PLACE_FIELDS or not uprn:
        return ""
    address = addresses_of([uprn]).get(uprn, "")
    if not address:
        return ""
    return uprn if field == "uprn" else address


@people_page
@require_http_methods(["GET"])
def merge(request: HttpRequest, user: User, person_id: UUID) -> HttpResponseBase:
    """Find the person to merge into this one: by id, or by name and date of birth."""
    viewer = policy.viewer_for(user)
    _require(viewer, MERGE_PEOPLE, "merge people")
    found = _read_whole(request, viewer, person_id)
    if isinstance(found, HttpResponse):
        return found
    person, _attributes = found
    form = MergeFindForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "person_id": person.pk,
        "name": f"{person.given_name} {person.family_name}".strip(),
        **purpose_context(request),
    }
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["other"].strip()
        other_id = _as_uuid(text)
        if other_id is not None:
            if other_id == person.pk:
                form.add_error("other", "Enter a different person's id: this is the same person")
            else:
                return redirect("people:merge-confirm", person_id=person.pk, other_id=other_id)
        else:
            purpose = current_purpose(request)
            visible = search_people(
                viewer, text=text, born_on=form.cleaned_data["born_on"], purpose=purpose
            )
            people = list(
                visible.queryset.filter(merged_into__isnull=True).exclude(pk=person.pk)[
                    :MERGE_CHOICES
                ]
            )
            rows = person_rows(visible, people)
            policy.log_listed(viewer, PERSON, people, purpose=purpose)
            context["searched"] = True
            context["choices"] = [
                {
                    "name": " ".join(
                        part for part in (row.get("given_name"), row.get("family_name")) if part
                    )
                    or "Name not shared with you",
                    "born": shown_value("date_of_birth", row.get("date_of_birth")),
                    "address": shown_value("address", row.get("address")),
                    "url": reverse("people:merge-confirm", args=[person.pk, row["id"]]),
                    "id": row["id"],
                }
                for row in rows
            ]
    return render(request, "people/merge.html", context)


def _as_uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def _side(person: Person, attributes: frozenset[str]) -> dict[str, Any]:
    values = {value.field: value.value for value in golden_view(person)}
    return {
        "id": person.pk,
        "name": f"{person.given_name} {person.family_name}".strip(),
        "url": reverse("people:person", args=[person.pk]),
        "values": {name: values.get(name) for name in GOLDEN_FIELDS if name in attributes},
        "records": SourceRecord.objects.filter(person=person).count(),
    }


@people_page
@require_http_methods(["GET", "POST"])
def merge_confirm(
    request: HttpRequest, user: User, person_id: UUID, other_id: UUID
) -> HttpResponseBase:
    viewer = policy.viewer_for(user)
    _require(viewer, MERGE_PEOPLE, "merge people")
    if other_id == person_id:
        return redirect("people:merge", person_id=person_id)
    kept = _read_whole(request, viewer, person_id)
    if isinstance(kept, HttpResponse):
        return kept
    retiring = _read_whole(request, viewer, other_id)
    if isinstance(retiring, HttpResponse):
        return retiring
    survivor, attributes = kept
    other, other_attributes = retiring
    form = ReasonForm(request.POST or None, label="Why are these the same person?")
    if request.method == "POST" and form.is_valid():
        try:
            merge_people(survivor, other, actor=user, reason=form.cleaned_data["reason"])
        except InvalidInputError as error:
            add_service_errors(form, error)
        except BurghError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(
                request,
                f"Person {other.pk} has been merged into this one. Its id now leads here.",
            )
            return redirect("people:person", person_id=survivor.pk)
    left, right = _side(survivor, attributes), _side(other, other_attributes)
    context = {
        "form": form,
        "kept": left,
        "retired": right,
        "compared": compare_attributes(left["values"], right["values"]),
        "person_id": survivor.pk,
        "other_id": other.pk,
        **purpose_context(request),
    }
    return render(request, "people/merge_confirm.html", context)


@people_page
@require_http_methods(["GET", "POST"])
def unmerge_page(request: HttpRequest, user: User, lineage_id: UUID) -> HttpResponseBase:
    viewer = policy.viewer_for(user)
    _require(viewer, MERGE_PEOPLE, "unmerge people")
    entry = Lineage.objects.select_related("actor").filter(pk=lineage_id, kind__in=UNDOABLE).first()
    if entry is None or entry.other_id is None:
        return not_found(request)
    found = _read_whole(request, viewer, entry.person_id)
    if isinstance(found, HttpResponse):
        return found
    survivor, _attributes = found
    undone = Lineage.objects.filter(reverses=entry).exists()
    form = ReasonForm(request.POST or None, label="Why are these different people?")
    if request.method == "POST" and not undone and form.is_valid():
        try:
            unmerge(entry, actor=user, reason=form.cleaned_data["reason"])
        except InvalidInputError as error:
            add_service_errors(form, error)
        except BurghError as error:
            form.add_error(None, error.detail)
        else:
            messages.success(
                request,
                f"Person {entry.other_id} has been split back out, with the records it had.",
            )
            return redirect("people:person", person_id=entry.other_id)
    records = entry.records.get("records", []) if isinstance(entry.records, dict) else []
    context = {
        "form": form,
        "entry": entry,
        "undone": undone,
        "person_id": survivor.pk,
        "name": f"{survivor.given_name} {survivor.family_name}".strip(),
        "other_id": entry.other_id,
        "merged": uk_time(entry.at),
        "merged_by": entry.actor.full_name if entry.actor else "an automatic run",
        "record_count": len(records),
        **purpose_context(request),
    }
    return render(request, "people/unmerge.html", context)
