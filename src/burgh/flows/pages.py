"""Process flow pages for administrators and process analysts, under /flows/: what is
deployed, each process's versions and files, and deploying new files."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from burgh.cases.pages.common import case_page as staff_page
from burgh.core.errors import InvalidInputError, NotFoundError
from burgh.core.views import not_found
from burgh.flows import services
from burgh.flows.engine.actions import ACTIONS
from burgh.flows.models import ProcessInstance
from burgh.flows.services import migration
from burgh.identity.models import User


def _require(user: User) -> None:
    if not services.may_deploy(user):
        raise PermissionDenied("None of your roles lets you manage process flows.")


class ManyFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ManyFilesField(forms.FileField):
    """One or more files from one input."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=ManyFilesInput(attrs={"accept": ".bpmn,.dmn,.xml"}), **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        given = [one for one in (data if isinstance(data, list | tuple) else [data]) if one]
        cleaned = []
        for one in given or [None]:  # none given: the field's own "required" refusal
            cleaned.append(super().clean(one, initial))
        return cleaned


class DeployForm(forms.Form):
    definitions = ManyFilesField(
        label="BPMN and DMN files",
        help_text="Choose one or more .bpmn and .dmn files, as your modeller saves them.",
        error_messages={"required": "Choose at least one BPMN or DMN file"},
    )


@staff_page
def processes(request: HttpRequest, user: User) -> HttpResponse:
    _require(user)
    context = {
        "processes": services.process_summaries(),
        "decisions": services.decision_summaries(),
    }
    return render(request, "flows/list.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def deploy(request: HttpRequest, user: User) -> HttpResponseBase:
    _require(user)
    # Bound on any POST, an empty one too, so sending no file says so.
    form = DeployForm(request.POST, request.FILES) if request.method == "POST" else DeployForm()
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        files = [(upload.name, upload.read()) for upload in form.cleaned_data["definitions"]]
        try:
            result = services.deploy_definitions(user, files, source="page")
        except services.DeploymentRefusedError as refusal:
            problems = refusal.problems
        else:
            made = ", ".join(f"{m.name} version {m.number}" for m in result.created)
            messages.success(
                request, f"Deployed {made}." if made else "Nothing new: every file was deployed."
            )
            return redirect("flows:processes")
    context = {"form": form, "problems": problems, "actions": ACTIONS.values()}
    return render(request, "flows/deploy.html", context)


@staff_page
def process(request: HttpRequest, user: User, key: str) -> HttpResponse:
    _require(user)
    try:
        versions = services.process_versions(key)
    except NotFoundError:
        return not_found(request)
    running = dict(
        ProcessInstance.objects.filter(definition__key=key, status=ProcessInstance.Status.RUNNING)
        .values_list("definition__number")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [{"version": v, "running": running.get(v.number, 0)} for v in versions]
    context = {"rows": rows, "latest": versions[0], "numbers": [v.number for v in versions]}
    return render(request, "flows/process.html", context)


def _version_number(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


@staff_page
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, user: User, key: str) -> HttpResponseBase:
    """Preview moving running cases from one version to another, then move them."""
    _require(user)
    given = request.POST if request.method == "POST" else request.GET
    source, target = _version_number(given.get("source")), _version_number(given.get("target"))
    if source is None or target is None:
        return redirect("flows:process", key=key)
    try:
        if request.method == "POST":
            done = migration.migrate(user, key, source, target)
            messages.success(
                request,
                f"Moved {len(done.movable)} running case{'s' if len(done.movable) != 1 else ''} "
                f"to version {target}; {len(done.stuck)} stayed on version {source}.",
            )
            return redirect("flows:process", key=key)
        found = migration.preview(user, key, source, target)
    except NotFoundError:
        return not_found(request)
    except InvalidInputError as error:
        messages.error(request, error.detail)
        return redirect("flows:process", key=key)
    return render(request, "flows/move.html", {"preview": found, "key": key})


@staff_page
def process_file(request: HttpRequest, user: User, key: str, number: int) -> HttpResponse:
    _require(user)
    try:
        found = services.process_version(key, number)
    except NotFoundError:
        return not_found(request)
    response = HttpResponse(found.xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-v{number}.bpmn"'
    return response
