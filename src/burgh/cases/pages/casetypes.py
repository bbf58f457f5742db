"""Case types and letter templates for administrators, under /cases/types/.

A case type is data (docs/case-types.md): its pages show the definition readably, and take a
changed or new definition as JSON, saved through `services.save_case_type`, with every problem
it finds listed in the error summary with where it is. Letter templates are DOCX files,
uploaded through `services.save_letter_template`.
"""

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods

from burgh.cases import fields as case_fields
from burgh.cases import services
from burgh.cases.access import MANAGE_CASE_TYPES
from burgh.cases.fields_forms import CheckboxesWidget
from burgh.cases.models import Allocation, CaseType, LetterTemplate, Priority, Stage
from burgh.cases.pages.common import case_page
from burgh.cases.services.clock import policy_of
from burgh.cases.sla import describe_policy
from burgh.core.errors import BurghError, InvalidInputError, StaleVersionError
from burgh.core.forms import PageForm, add_service_errors
from burgh.core.views import not_found
from burgh.flows import services as flows
from burgh.identity.models import Team, User
from burgh.identity.permissions import has_permission

# A definition is a few kilobytes; anything this size is not one.
LARGEST_DEFINITION = 1_000_000
PRIORITY_WORDS = {value: str(label).lower() for value, label in Priority.choices}
STAGE_LABELS = dict(Stage.choices)
TYPE_NAMES = {"yes_no": "Yes or no", "textarea": "Long text", "number": "Whole number"}
DEFINITION_HINT = (
    "The whole definition as JSON: its questions, statuses and transitions, SLA and routing "
    "rules (docs/case-types.md)."
)


def _require(user: User) -> None:
    if not has_permission(user, MANAGE_CASE_TYPES):
        raise PermissionDenied("None of your roles lets you manage case types.")


def _posted(request: HttpRequest) -> tuple[QueryDict | None, MultiValueDict[str, Any] | None]:
    """The form and files sent, even an empty form (unlike `request.POST or None`)."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _found(type_id: UUID) -> CaseType | None:
    return CaseType.objects.select_related("default_team__organisation").filter(pk=type_id).first()


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _sla(case_type: CaseType) -> str:
    policy = policy_of(case_type)
    return describe_policy(policy) if policy else "None"


def definition_of(case_type: CaseType) -> dict[str, Any]:
    """The case type as the JSON an administrator writes, to edit it."""
    team = case_type.default_team
    routing = [
        {
            "when": rule["when"],
            "team": rule["team"],
            **({"priority": PRIORITY_WORDS[rule["priority"]]} if "priority" in rule else {}),
        }
        for rule in case_type.routing
    ]
    return {
        "code": case_type.code,
        "name": case_type.name,
        "description": case_type.description,
        "service": case_type.service,
        "group": case_type.group,
        "keywords": case_type.keywords,
        "public": case_type.public,
        "active": case_type.active,
        "sensitive": case_type.sensitive,
        "needs_subject": case_type.needs_subject,
        "needs_location": case_type.needs_location,
        "fields": case_type.fields,
        "statuses": case_type.statuses,
        "initial_status": case_type.initial_status,
        "transitions": case_type.transitions,
        "outcomes": case_type.outcomes,
        "decision_kinds": case_type.decision_kinds,
        "sla": case_type.sla,
        "default_team": f"{team.organisation.slug}/{team.slug}",
        "default_priority": PRIORITY_WORDS[case_type.default_priority],
        "routing": routing,
        "allocation": case_type.allocation,
        "required_skill": case_type.required_skill,
        "duplicate_radius_m": case_type.duplicate_radius_m,
        "retention_class": case_type.retention_class,
        "statutory_timescale": case_type.statutory_timescale,
        "process": case_type.process_key,
        "routing_decision": case_type.routing_decision,
    }


@case_page
@require_http_methods(["GET"])
def case_types(request: HttpRequest, user: User) -> HttpResponse:
    _require(user)
    rows = [
        {
            "id": case_type.pk,
            "name": case_type.name,
            "code": case_type.code,
            "service": case_type.service,
            "public": _yes(case_type.public),
            "sensitive": _yes(case_type.sensitive),
            "active": case_type.active,
            "sla": _sla(case_type),
            "version": case_type.version,
        }
        for case_type in CaseType.objects.order_by("service", "name")
    ]
    context = {"rows": rows, "may_manage_flows": flows.may_deploy(user)}
    return render(request, "cases/types/list.html", context)


def _question(question: case_fields.CaseField, by_name: Mapping[str, Any]) -> str:
    parts = [TYPE_NAMES.get(question.type, question.type.capitalize())]
    parts.append("required" if question.required else "optional")
    parts.append(f"page {question.page}")
    text = ", ".join(parts) + "."
    if question.options:
        text += " Options: " + "; ".join(option.label for option in question.options) + "."
    if question.show_if is not None:
        target = by_name.get(question.show_if.field)
        answer = question.show_if.equals
        if target is not None:
            answer = case_fields.display_value(target, answer)
        label = target.label if target is not None else question.show_if.field
        text += f" Asked only when “{label}” is {answer}."
    if question.hint:
        text += f" Hint: {question.hint}"
    return text


def _routing_rows(case_type: CaseType) -> list[dict[str, str]]:
    teams = {
        str(team.pk): team.name
        for team in Team.objects.filter(pk__in=[r.get("team_id") for r in case_type.routing])
    }
    return [
        {
            "when": " and ".join(f"{name} is {value}" for name, value in rule["when"].items()),
            "team": teams.get(rule.get("team_id", ""), rule["team"]),
            "priority": str(Priority(rule.get("priority", case_type.default_priority)).label),
        }
        for rule in case_type.routing
    ]


@case_page
@require_http_methods(["GET"])
def case_type(request: HttpRequest, user: User, type_id: UUID) -> HttpResponse:
    _require(user)
    found = _found(type_id)
    if found is None:
        return not_found(request)
    labels = {status["code"]: status["label"] for status in found.statuses}
    statuses = [
        {
            **status,
            "stage": STAGE_LABELS.get(status["stage"], status["stage"]),
            "first": status["code"] == found.initial_status,
            "next": ", ".join(labels.get(c, c) for c in found.transitions.get(status["code"], [])),
        }
        for status in found.statuses
    ]
    questions = case_fields.check_definition(found.fields)
    by_name = {question.name: question for question in questions}
    radius = found.duplicate_radius_m
    about = [
        ("Code", found.code),
        ("Service", found.service),
        ("Group", found.group or "None"),
        ("Description", found.description or "None"),
        ("Open to residents", _yes(found.public)),
        ("Taking new requests", _yes(found.active)),
        ("Sensitive", _yes(found.sensitive)),
        ("Needs the person it is about", _yes(found.needs_subject)),
        ("Needs where it is", _yes(found.needs_location)),
        ("SLA", _sla(found)),
        ("Statutory timescale", found.statutory_timescale or "None"),
        ("Process flow", found.process_key or "None"),
        ("Routing decision table", found.routing_decision or "None (the routing rules)"),
        ("Default team", found.default_team.name),
        ("Default priority", str(Priority(found.default_priority).label)),
        ("Allocation", str(Allocation(found.allocation).label)),
        (
            "Possible duplicates",
            f"Open cases within {radius} metres" if radius else "Open cases at the same property",
        ),
        ("Retention class", found.retention_class or "None"),
        ("Version", str(found.version)),
    ]
    context = {
        "case_type": found,
        "about": about,
        "statuses": statuses,
        "questions": [(q.label, _question(q, by_name)) for q in questions],
        "routing": _routing_rows(found),
        "outcomes": found.outcomes,
        "decision_kinds": found.decision_kinds,
    }
    return render(request, "cases/types/detail.html", context)


class EditDefinitionForm(PageForm):
    definition = forms.CharField(
        label="Definition (JSON)",
        widget=forms.Textarea,
        help_text=DEFINITION_HINT,
        error_messages={"required": "Enter the definition"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class NewDefinitionForm(PageForm):
    definition = forms.CharField(
        label="Paste the definition (JSON)",
        widget=forms.Textarea,
        required=False,
        help_text=DEFINITION_HINT,
    )
    file = forms.FileField(label="Or upload a JSON file", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("definition", "").strip() and not cleaned["file"]:
            self.add_error("definition", "Paste the definition, or choose a JSON file")
        return cleaned


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        detail = f"This is not JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        raise InvalidInputError(detail, errors=[{"pointer": "#", "detail": detail}]) from None


def _problems(form: forms.Form, error: BurghError | None) -> list[dict[str, str]]:
    """Every problem for the error summary: the form's own, then each one the definition has,
    with the pointer that says where in it the problem is."""
    found = [
        {"href": f"#{form[name].id_for_label}", "text": str(messages_[0])}
        for name, messages_ in form.errors.items()
        if name in form.fields and not (error is not None and name == "definition")
    ]
    if error is not None:
        for problem in error.errors or [{"pointer": "", "detail": error.detail}]:
            where = problem.get("pointer", "").removeprefix("#").removeprefix("/")
            text = f"{where}: {problem['detail']}" if where else problem["detail"]
            found.append({"href": "#definition", "text": text})
    return found


def _save(
    request: HttpRequest,
    user: User,
    definition: Any,
    form: forms.Form,
    *,
    expected_version: int | None = None,
) -> tuple[CaseType | None, BurghError | None]:
    try:
        saved, created = services.save_case_type(
            user, definition, expected_version=expected_version
        )
    except StaleVersionError:
        detail = (
            "Someone saved a newer version while you were editing. Copy your changes, open the "
            "case type again and make them to the latest version."
        )
        form.add_error("definition", "Someone else changed this case type")
        return None, InvalidInputError(detail, errors=[{"pointer": "", "detail": detail}])
    except InvalidInputError as error:
        count = len(error.errors) or 1
        form.add_error("definition", f"The definition has {count} problem{'s' * (count > 1)}")
        return None, error
    what = "added" if created else f"saved as version {saved.version}"
    messages.success(request, f"{saved.name} {what}.")
    return saved, None


@case_page
@require_http_methods(["GET", "POST"])
def edit_case_type(request: HttpRequest, user: User, type_id: UUID) -> HttpResponseBase:
    _require(user)
    found = _found(type_id)
    if found is None:
        return not_found(request)
    start = {"definition": json.dumps(definition_of(found), indent=2), "version": found.version}
    form = EditDefinitionForm(_posted(request)[0], initial=start)
    refused: BurghError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            definition = _parsed(form.cleaned_data["definition"])
            _same_case_type(definition, found, form.cleaned_data["version"])
        except InvalidInputError as error:
            refused = error
            form.add_error("definition", "Put right the problems listed above")
        else:
            saved, refused = _save(
                request, user, definition, form, expected_version=form.cleaned_data["version"]
            )
            if saved is not None:
                return redirect("cases:type", type_id=saved.pk)
    context = {"case_type": found, "form": form, "problems": _problems(form, refused)}
    return render(request, "cases/types/edit.html", context)


def _same_case_type(definition: Any, case_type: CaseType, version: int) -> None:
    if isinstance(definition, dict) and definition.get("code") != case_type.code:
        detail = f"Keep the code {case_type.code!r}: to make another case type, add a case type."
        raise InvalidInputError(detail, errors=[{"pointer": "#/code", "detail": detail}])
    if version != case_type.version:
        detail = (
            f"Someone saved version {case_type.version} while you were editing. Copy your "
            "changes, open the case type again and make them to the latest version."
        )
        raise InvalidInputError(detail, errors=[{"pointer": "", "detail": detail}])


@case_page
@require_http_methods(["GET", "POST"])
def new_case_type(request: HttpRequest, user: User) -> HttpResponseBase:
    _require(user)
    form = NewDefinitionForm(*_posted(request))
    refused: BurghError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            definition = _parsed(_definition_text(form))
            code = definition.get("code") if isinstance(definition, dict) else None
            if isinstance(code, str) and CaseType.objects.filter(code=code).exists():
                detail = f"There is already a case type {code!r}: change it on its own page."
                raise InvalidInputError(detail, errors=[{"pointer": "#/code", "detail": detail}])
        except InvalidInputError as error:
            refused = error
            form.add_error("definition", "Put right the problems listed above")
        else:
            saved, refused = _save(request, user, definition, form)
            if saved is not None:
                return redirect("cases:type", type_id=saved.pk)
    return render(
        request, "cases/types/new.html", {"form": form, "problems": _problems(form, refused)}
    )


def _definition_text(form: NewDefinitionForm) -> str:
    upload = form.cleaned_data["file"]
    if not upload:
        return str(form.cleaned_data["definition"])
    if upload.size > LARGEST_DEFINITION:
        raise InvalidInputError(
            "The file is too large to be a case type definition.",
            errors=[{"pointer": "#", "detail": "The file must be smaller than 1 MB."}],
        )
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        detail = "The file is not JSON text: save it as UTF-8 text."
        raise InvalidInputError(detail, errors=[{"pointer": "#", "detail": detail}]) from None


# Letter templates


@case_page
@require_http_methods(["GET"])
def letter_templates(request: HttpRequest, user: User) -> HttpResponse:
    _require(user)
    rows = [
        {
            "name": template.name,
            "code": template.code,
            "file_name": template.file_name,
            "variables": ", ".join(template.variables) or "None",
            "case_types": ", ".join(t.name for t in template.case_types.all()) or "None",
            "version": template.version,
            "active": template.active,
        }
        for template in LetterTemplate.objects.prefetch_related("case_types").order_by("name")
    ]
    return render(request, "cases/types/letters.html", {"rows": rows})


class LetterTemplateForm(PageForm):
    code = forms.CharField(
        label="Code",
        max_length=60,
        help_text="Lower-case letters, digits and hyphens, like rent-arrears-reminder. A "
        "template with the same code replaces the one there now.",
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$",
                "Give a code of 2 to 60 lower-case letters, digits and hyphens",
            )
        ],
        error_messages={"required": "Enter the code"},
    )
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the name"}
    )
    description = forms.CharField(
        label="Description (optional)", widget=forms.Textarea, required=False, max_length=2000
    )
    case_types = forms.MultipleChoiceField(
        label="Which case types may use it?",
        widget=CheckboxesWidget,
        required=False,
        help_text="Select all that apply",
    )
    template = forms.FileField(
        label="Word template (.docx)",
        error_messages={"required": "Choose the Word template to upload"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["case_types"]
        assert isinstance(choice, forms.MultipleChoiceField)
        choice.choices = [(t.code, t.name) for t in CaseType.objects.order_by("name")]


@case_page
@require_http_methods(["GET", "POST"])
def new_letter_template(request: HttpRequest, user: User) -> HttpResponseBase:
    _require(user)
    form = LetterTemplateForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["template"]
        try:
            saved = services.save_letter_template(
                user,
                form.cleaned_data["code"],
                form.cleaned_data["name"],
                upload.name,
                upload.read(),
                case_types=form.cleaned_data["case_types"],
                description=form.cleaned_data["description"],
            )
        except InvalidInputError as error:
            pointers = {"#/file": "template", "#/template": "template"}
            add_service_errors(form, error, pointers, default="template")
        else:
            messages.success(request, f"Letter template {saved.name} saved.")
            return redirect("cases:letters")
    context = {"form": form, "letter_fields": list(services.LETTER_FIELDS.items())}
    return render(request, "cases/types/letter_new.html", context)
