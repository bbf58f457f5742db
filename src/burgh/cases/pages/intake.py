"""Logging a request: the contact-centre journey under /cases/new/, one question a page.

The request type, who is calling, where it is, the case type's own questions, check answers
(offering any open case of the same type at the same place to link to instead), and the
confirmation with the reference. What the adviser has said so far is kept in the session under
one key; nothing the caller says goes into a web address (searches are posted, not linked).
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, cast
from uuid import UUID

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from burgh.cases import fields as case_fields
from burgh.cases import services
from burgh.cases.access import LOG_REQUEST
from burgh.cases.fields_forms import CaseFieldsForm, form_class, initial, to_data
from burgh.cases.models import Case, CaseType, Channel
from burgh.cases.pages.common import case_page
from burgh.cases.pages.person_panel import caller_of, case_url, find_callers, flag_rows, uk_date
from burgh.core.errors import InvalidInputError
from burgh.core.forms import DateInputField, PageForm, RadiosWidget, add_service_errors
from burgh.core.views import not_found
from burgh.identity import policy
from burgh.identity.models import Purpose, User
from burgh.identity.permissions import has_permission
from burgh.people.access import PERSON
from burgh.places import services as places

SESSION_KEY = "burgh_intake"
# Logging a request is delivering a service, whatever the adviser last looked at people for.
PURPOSE = Purpose.SERVICE_DELIVERY
NEW_REQUEST = "new"


@dataclass
class Journey:
    """What the adviser has said so far, as the session keeps it (JSON only)."""

    case_type: str = ""
    # The caller as the adviser chose them: {"id", "name", "details"}.
    caller: dict[str, str] | None = None
    no_caller: bool = False
    # The last search for the caller: {"name", "born_on" (ISO), "postcode"}.
    search: dict[str, str] | None = None
    # {"uprn", "address"} for a property, {"typed", "uprn", "address"} for a typed address.
    place: dict[str, str] | None = None
    no_place: bool = False
    answers: dict[str, Any] = field(default_factory=dict)
    pages_done: list[int] = field(default_factory=list)
    description: str = ""
    # The confirmation of the request just logged.
    done: dict[str, str] | None = None


def _journey(request: HttpRequest) -> Journey:
    stored = request.session.get(SESSION_KEY) or {}
    try:
        return Journey(**stored)
    except TypeError:  # kept by an older version of these pages
        return Journey()


def _keep(request: HttpRequest, journey: Journey) -> None:
    request.session[SESSION_KEY] = asdict(journey)


def _post(request: HttpRequest) -> QueryDict | None:
    """The form sent, even an empty one (which a bare `request.POST or None` would ignore)."""
    return request.POST if request.method == "POST" else None


def _refusable(form: forms.Form) -> forms.Form:
    """A form that can carry an error found while showing the page, sent or not."""
    if not hasattr(form, "cleaned_data"):
        form.full_clean()
        form.cleaned_data = {}
    return form


def _require(user: User) -> None:
    if not has_permission(user, LOG_REQUEST):
        raise PermissionDenied("None of your roles lets you log requests.")


def _case_type(journey: Journey) -> CaseType | None:
    return services.find_case_type(journey.case_type) if journey.case_type else None


def _fields(case_type: CaseType) -> tuple[case_fields.CaseField, ...]:
    return case_fields.check_definition(case_type.fields)


def _applying(fields: Sequence[case_fields.CaseField], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to questions still asked, given the answers before them."""
    kept: dict[str, Any] = {}
    for question in fields:
        if question.name in answers and case_fields.applies(question, kept):
            kept[question.name] = answers[question.name]
    return kept


def _pages(fields: Sequence[case_fields.CaseField], answers: dict[str, Any]) -> list[int]:
    # A type with no questions still has a page: the note about the request.
    return case_fields.pages(fields, _applying(fields, answers)) or [1]


def _missing(journey: Journey, case_type: CaseType | None) -> tuple[int, str] | None:
    """The first step not yet done, as (its place in the journey, its address)."""
    if case_type is None:
        return 0, reverse("cases:new")
    if journey.caller is None and (case_type.needs_subject or not journey.no_caller):
        return 1, reverse("cases:new-caller")
    if journey.place is None and (case_type.needs_location or not journey.no_place):
        return 2, reverse("cases:new-where")
    for page in _pages(_fields(case_type), journey.answers):
        if page not in journey.pages_done:
            return 3 + page, reverse("cases:new-questions", args=[page])
    return None


def _onwards(journey: Journey, case_type: CaseType | None) -> HttpResponseBase:
    """To the first step not yet done, or to check answers: a change made from check answers
    comes straight back to it."""
    missing = _missing(journey, case_type)
    return redirect(missing[1] if missing else reverse("cases:new-check"))


def _step(request: HttpRequest, step: int) -> tuple[Journey, CaseType] | HttpResponseBase:
    """The journey so far, or back to an earlier step not yet done: nobody lands half way."""
    journey = _journey(request)
    case_type = _case_type(journey)
    missing = _missing(journey, case_type)
    if case_type is None or (missing is not None and missing[0] < step):
        return redirect(missing[1] if missing else reverse("cases:new"))
    return journey, case_type


def _page(request: HttpRequest, template: str, journey: Journey, **context: Any) -> HttpResponse:
    """A step of the journey, with the caller's warnings on every step once they are chosen."""
    caller, warnings = journey.caller, []
    if caller is not None:
        user = request.user
        assert isinstance(user, User)
        chosen = UUID(caller["id"])
        warnings = flag_rows(policy.viewer_for(user), chosen, [chosen], PURPOSE)
    panel = {"heading": f"Warnings about {caller['name']}" if caller else "", "warnings": warnings}
    return render(
        request,
        f"cases/intake/{template}",
        {"caller": caller, "warnings": warnings, "warnings_panel": panel, **context},
    )


# 1. The request type


class FilterForm(forms.Form):
    q = forms.CharField(label="Filter the list", required=False, max_length=100)


class ServiceForm(PageForm):
    case_type = forms.ChoiceField(
        label="Choose the request",
        widget=RadiosWidget,
        error_messages={
            "required": "Select the request the caller is making",
            "invalid_choice": "Select one of the requests listed",
        },
    )

    def __init__(self, *args: Any, codes: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["case_type"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [(code, code) for code in codes]


def _matches(case_type: CaseType, words: list[str]) -> bool:
    text = " ".join(
        (case_type.name, case_type.service, case_type.group, case_type.keywords)
    ).lower()
    return all(word in text for word in words)


def _groups(offered: Sequence[CaseType], chosen: str) -> list[dict[str, Any]]:
    """The request types by the service that owns them, numbered in the order shown (the
    first radio has the field's id, for the error summary's link)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    in_order = sorted(offered, key=lambda case_type: (case_type.service, case_type.name))
    for number, case_type in enumerate(in_order, start=1):
        groups.setdefault(case_type.service, []).append(
            {
                "id": "case_type" if number == 1 else f"case_type-{number}",
                "code": case_type.code,
                "name": case_type.name,
                "hint": case_type.group,
                "checked": case_type.code == chosen,
            }
        )
    return [{"service": service, "types": types} for service, types in groups.items()]


@case_page
@require_http_methods(["GET", "POST"])
def choose_request(request: HttpRequest, user: User) -> HttpResponseBase:
    _require(user)
    journey = _journey(request)
    if journey.done is not None:
        journey = Journey()  # the last request was logged: this is a new one
        _keep(request, journey)
    filtering = FilterForm(request.GET)
    words = (filtering.cleaned_data["q"] if filtering.is_valid() else "").lower().split()
    everything = list(services.offered())
    shown = [case_type for case_type in everything if _matches(case_type, words)]
    form = ServiceForm(
        _post(request),
        codes=[case_type.code for case_type in everything],
        initial={"case_type": journey.case_type},
    )
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["case_type"]
        if code != journey.case_type:
            journey.case_type, journey.answers, journey.pages_done = code, {}, []
        _keep(request, journey)
        return _onwards(journey, _case_type(journey))
    if request.method == "POST":
        shown = everything
    chosen = str(form["case_type"].value() or "")
    return _page(
        request,
        "request.html",
        journey,
        form=form,
        filter_form=filtering,
        filtered=bool(words),
        groups=_groups(shown, chosen),
        shown=len(shown),
    )


# 2. Who is calling


class CallerSearchForm(PageForm):
    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="Spell it as the caller says it: close spellings are found too",
        error_messages={"max_length": "Name must be 200 characters or fewer"},
    )
    born_on = DateInputField(label="Date of birth", past=True, required=False)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a postcode, like KL1 4QT"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [cleaned.get("name", "").strip(), cleaned.get("born_on"), cleaned.get("postcode")]
        if not self.errors and not any(given):
            self.add_error("name", "Enter the caller's name, date of birth or postcode")
        return cleaned


class CallerForm(PageForm):
    person = forms.ChoiceField(
        label="Choose the caller",
        widget=RadiosWidget,
        error_messages={
            "required": "Select the caller, or search again",
            "invalid_choice": "Select one of the people found",
        },
    )

    def __init__(self, *args: Any, people: Sequence[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["person"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [(person["id"], person["name"]) for person in people]


@case_page
@require_http_methods(["GET", "POST"])
def caller(request: HttpRequest, user: User) -> HttpResponseBase:
    _require(user)
    at = _step(request, 1)
    if not isinstance(at, tuple):
        return at
    journey, case_type = at
    viewer = policy.viewer_for(user)
    action = request.POST.get("action", "")
    search_form = CallerSearchForm(request.POST if action == "search" else None)
    if action == "search" and search_form.is_valid():
        born_on = search_form.cleaned_data["born_on"]
        journey.search = {
            "name": search_form.cleaned_data["name"].strip(),
            "born_on": born_on.isoformat() if born_on else "",
            "postcode": search_form.cleaned_data["postcode"].strip(),
        }
        _keep(request, journey)
        return redirect("cases:new-caller")
    if journey.search and action != "search":
        search_form = CallerSearchForm(initial=_search_initial(journey.search))
    found: list[dict[str, str]] | None = None
    if journey.search:
        try:
            found = find_callers(viewer, journey.search, purpose=PURPOSE)
        except InvalidInputError as error:
            pointers = {"#/postcode": "postcode"}
            add_service_errors(_refusable(search_form), error, pointers, default="name")
    choose_form = CallerForm(request.POST if action == "choose" else None, people=found or [])
    if action == "choose" and choose_form.is_valid():
        chosen = choose_form.cleaned_data["person"]
        journey.caller = next(person for person in found or [] if person["id"] == chosen)
        journey.no_caller = False
        _keep(request, journey)
        return _onwards(journey, case_type)
    if action == "keep" and journey.caller is not None:
        return _onwards(journey, case_type)
    if action == "none":
        if case_type.needs_subject:
            message = f"A {case_type.name.lower()} needs the person it is about"
            _refusable(search_form).add_error("name", message)
        else:
            journey.caller, journey.no_caller = None, True
            _keep(request, journey)
            return _onwards(journey, case_type)
    return _page(
        request,
        "caller.html",
        journey,
        case_type=case_type,
        search_form=search_form,
        choose_form=choose_form,
        found=found,
    )


def _search_initial(search: dict[str, str]) -> dict[str, Any]:
    born_on = search.get("born_on")
    return {**search, "born_on": date.fromisoformat(born_on) if born_on else None}


@case_page
@require_http_methods(["GET"])
def for_person(request: HttpRequest, user: User, person_id: UUID) -> HttpResponseBase:
    """From a person's page: a new request with them as the caller."""
    _require(user)
    try:
        person, decision = policy.read(user, PERSON, person_id, purpose=PURPOSE)
    except (policy.RecordNotFoundError, policy.AccessRefusedError):
        return not_found(request)
    journey = Journey(caller=caller_of(person, decision.fields))
    _keep(request, journey)
    return redirect("cases:new")


# 3. Where


class PlaceForm(PageForm):
    address = forms.CharField(
        label="Or type the address, or say where it is",
        max_length=300,
        help_text="For example, 40 High Street, Kinloch, or outside the school on Mill Lane",
        error_messages={
            "required": "Enter the address, or say where it is",
            "max_length": "The address must be 300 characters or fewer",
        },
    )


@case_page
@require_http_methods(["GET", "POST"])
def where(request: HttpRequest, user: User) -> HttpResponseBase:
    _require(user)
    at = _step(request, 2)
    if not isinstance(at, tuple):
        return at
    journey, case_type = at
    form = PlaceForm()
    picked = request.GET.get("uprn", "").strip()
    if picked:
        found = places.locate(picked)
        if found is not None and not found.retired:
            journey.place, journey.no_place = {"uprn": found.uprn, "address": found.address}, False
            _keep(request, journey)
            return _onwards(journey, case_type)
        message = "That property is not in use in the gazetteer: choose another"
        _refusable(form).add_error(None, message)
    action = request.POST.get("action", "")
    if action == "type":
        form = PlaceForm(request.POST)
        if form.is_valid():
            typed = " ".join(form.cleaned_data["address"].split())
            matched = places.match(typed)
            known = places.locate(matched.uprn) if matched.uprn else None
            journey.place = {
                "typed": typed,
                "uprn": known.uprn if known else "",
                "address": known.address if known else "",
            }
            journey.no_place = False
            _keep(request, journey)
            return _onwards(journey, case_type)
    if action == "keep" and journey.place is not None:
        return _onwards(journey, case_type)
    if action == "none" and not case_type.needs_location:
        journey.place, journey.no_place = None, True
        _keep(request, journey)
        return _onwards(journey, case_type)
    picker = reverse("places:find") + "?next=" + reverse("cases:new-where")
    return _page(request, "where.html", journey, case_type=case_type, form=form, picker_url=picker)


# 4. The case type's questions


class NoteForm(PageForm):
    description = forms.CharField(
        label="Anything else the caller told you (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"max_length": "The note must be 5,000 characters or fewer"},
    )


def _question_form(
    fields: Sequence[case_fields.CaseField], page: int, answers: dict[str, Any], last: bool
) -> type[CaseFieldsForm]:
    asked = form_class(fields, page, earlier=_applying(fields, answers))
    if not last:
        return asked
    with_note = cast(type[CaseFieldsForm], type(asked.__name__, (asked,), {}))
    with_note.base_fields = {**asked.base_fields, **NoteForm.base_fields}
    with_note.declared_fields = dict(with_note.base_fields)
    return with_note


@case_page
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, user: User, page: int) -> HttpResponseBase:
    _require(user)
    at = _step(request, 3 + page)
    if not isinstance(at, tuple):
        return at
    journey, case_type = at
    fields = _fields(case_type)
    numbers = _pages(fields, journey.answers)
    if page not in numbers:
        return _onwards(journey, case_type)
    last = page == numbers[-1]
    earlier = {
        name: value
        for name, value in _applying(fields, journey.answers).items()
        if next(f for f in fields if f.name == name).page < page
    }
    form_type = _question_form(fields, page, earlier, last)
    start = {**initial(fields, journey.answers), "description": journey.description}
    form = form_type(_post(request), initial=start)
    if request.method == "POST" and form.is_valid():
        for question in form.case_fields:
            journey.answers.pop(question.name, None)
        journey.answers.update(to_data(form))
        journey.answers = _applying(fields, journey.answers)
        if last:
            journey.description = form.cleaned_data.get("description", "").strip()
        journey.pages_done = sorted({*journey.pages_done, page})
        _keep(request, journey)
        return _onwards(journey, case_type)
    index = numbers.index(page)
    back = (
        reverse("cases:new-questions", args=[numbers[index - 1]])
        if index
        else reverse("cases:new-where")
    )
    return _page(
        request,
        "questions.html",
        journey,
        case_type=case_type,
        form=form,
        has_questions=bool(form.case_fields),
        last=last,
        page_number=index + 1,
        page_count=len(numbers),
        back_url=back,
    )


# 5. Check answers, possible duplicates, and logging it


class CheckForm(PageForm):
    duplicate = forms.ChoiceField(
        label="Is this the same as an open request?",
        widget=RadiosWidget,
        required=False,
        error_messages={
            "required": "Select whether to link this to an open request or log a new one",
            "invalid_choice": "That request has just been closed or changed: choose again",
        },
    )

    def __init__(self, *args: Any, duplicates: Sequence[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["duplicate"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [(str(case.pk), case.reference) for case in duplicates] + [
            (NEW_REQUEST, "new")
        ]
        choice.required = bool(duplicates)


def _candidate(journey: Journey, case_type: CaseType) -> Case:
    """The request as a case not yet saved, for finding open cases like it."""
    uprn = (journey.place or {}).get("uprn", "")
    located = places.locate(uprn) if uprn else None
    return Case(
        case_type=case_type,
        uprn=uprn,
        easting=located.easting if located else None,
        northing=located.northing if located else None,
    )


def _row(key: str, value: str, href: str, what: str, detail: str = "") -> dict[str, str]:
    return {"key": key, "value": value, "href": href, "what": what, "detail": detail}


def _summary(journey: Journey, case_type: CaseType) -> list[dict[str, str]]:
    """Check answers: each thing said, with a link back to the page it was said on."""
    fields, caller, place = _fields(case_type), journey.caller, journey.place or {}
    where_text = place.get("address") or place.get("typed") or "Not given"
    if place.get("typed"):
        found = f"the gazetteer's {place['address']}" if place.get("address") else "not found"
        where_text = f"{place['typed']} ({found})"
    rows = [
        _row(
            "Request",
            f"{case_type.name} ({case_type.service})",
            reverse("cases:new"),
            "the request",
        ),
        _row(
            "Caller",
            caller["name"] if caller else "No caller given",
            reverse("cases:new-caller"),
            "the caller",
            caller["details"] if caller else "",
        ),
        _row("Where", where_text, reverse("cases:new-where"), "where it is"),
    ]
    answers = _applying(fields, journey.answers)
    for question in fields:
        if question.name in answers:
            value = case_fields.display_value(question, answers[question.name])
        elif case_fields.applies(question, answers):
            value = "Not answered"
        else:
            continue
        href = reverse("cases:new-questions", args=[question.page])
        rows.append(_row(question.label, value, href, question.label.lower()))
    last = reverse("cases:new-questions", args=[_pages(fields, journey.answers)[-1]])
    rows.append(_row("Anything else", journey.description or "Nothing", last, "the note"))
    return rows


def _problem_href(pointer: str, case_type: CaseType) -> str:
    """Where the adviser puts right what intake refused."""
    if pointer in ("#/subject_person_id", "#/reporter_person_id"):
        return reverse("cases:new-caller")
    if pointer in ("#/address", "#/uprn", "#/latitude", "#/longitude"):
        return reverse("cases:new-where")
    if pointer.startswith("#/data/"):
        name = pointer.removeprefix("#/data/")
        page = next((f.page for f in _fields(case_type) if f.name == name), 1)
        return reverse("cases:new-questions", args=[page])
    if pointer == "#/case_type":
        return reverse("cases:new")
    return "#duplicate" if pointer == "#/duplicate_of" else ""


def _duplicate_row(case: Case) -> dict[str, str]:
    status = case.case_type.status_label(case.status)
    where_text = case.address_text or "no address"
    return {
        "id": str(case.pk),
        "reference": case.reference,
        "hint": f"{case.case_type.name} at {where_text}, received {uk_date(case.received_at)}. "
        f"{status}, with {case.team.name}.",
    }


@case_page
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, user: User) -> HttpResponseBase:
    _require(user)
    journey = _journey(request)
    case_type = _case_type(journey)
    missing = _missing(journey, case_type)
    if missing is not None or case_type is None:
        return redirect(missing[1] if missing else "cases:new")
    duplicates = services.possible_duplicates(user, _candidate(journey, case_type))
    form = CheckForm(_post(request), duplicates=duplicates)
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["duplicate"]
        place = journey.place or {}
        try:
            result = services.intake(
                user,
                services.IntakeRequest(
                    case_type=case_type.code,
                    channel=Channel.STAFF,
                    description=journey.description,
                    data=_applying(_fields(case_type), journey.answers),
                    subject_person_id=journey.caller["id"] if journey.caller else None,
                    uprn=place.get("uprn", ""),
                    address=place.get("typed", ""),
                    duplicate_of=chosen if chosen not in ("", NEW_REQUEST) else None,
                ),
                case_type=case_type,
            )
        except InvalidInputError as error:
            problems = [
                {"text": item["detail"], "href": _problem_href(item.get("pointer", ""), case_type)}
                for item in error.errors or [{"pointer": "", "detail": error.detail}]
            ]
        else:
            _keep(request, Journey(done=_confirmation(result.case, duplicates, chosen)))
            return redirect("cases:new-done")
    last = _pages(_fields(case_type), journey.answers)[-1]
    return _page(
        request,
        "check.html",
        journey,
        case_type=case_type,
        rows=_summary(journey, case_type),
        form=form,
        duplicates=[_duplicate_row(case) for case in duplicates],
        problems=problems,
        back_url=reverse("cases:new-questions", args=[last]),
    )


def _confirmation(case: Case, duplicates: Sequence[Case], chosen: str) -> dict[str, str]:
    linked = next((c.reference for c in duplicates if str(c.pk) == chosen), "")
    return {
        "reference": case.reference,
        "case_id": str(case.pk),
        "team": case.team.name,
        "due": uk_date(case.sla_due_at) if case.sla_due_at else "",
        "linked": linked,
        "case_type": case.case_type.name,
    }


@case_page
@require_http_methods(["GET"])
def done(request: HttpRequest, user: User) -> HttpResponseBase:
    _require(user)
    confirmation = _journey(request).done
    if confirmation is None:
        return redirect("cases:new")
    context = {**confirmation, "case_url": case_url(confirmation["case_id"])}
    return render(request, "cases/intake/done.html", context)
