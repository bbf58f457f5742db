"""Running a case's process flow: started when the case is logged, advanced when someone
completes one of its user tasks, when a message reaches it and when a timer falls due.

Each advance runs in the caller's transaction and goes as far as the process can on its own
(gateways, scripts, decision tables, Burgh's actions), then saves where it is: its state, the
user tasks now waiting (on the case page and in the team's queue), its stage, its next timer.
What happens lands on the case's chronology. A step that fails (an action refused, an
expression that breaks) changes nothing it began: the process stops there, saying where and
why, for a team leader to see, and the case's own work goes on.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from burgh.cases import services as cases
from burgh.cases.access import CASE
from burgh.cases.calendar import SlaUnit, WorkingCalendar
from burgh.cases.fields import CaseField, clean_data, display
from burgh.cases.models import Case
from burgh.cases.services.common import case_to_change
from burgh.core import context, events
from burgh.core.errors import (
    BurghError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from burgh.flows import webhooks
from burgh.flows.engine import forms, runtime
from burgh.flows.engine.expressions import ExpressionError
from burgh.flows.models import DecisionRecord, ProcessDefinition, ProcessInstance, ProcessTask
from burgh.flows.services.decisions import in_words
from burgh.flows.services.deploy import latest_process
from burgh.identity import policy
from burgh.identity.models import Team, User
from burgh.identity.permissions import has_permission

CHANNEL = "flow"
EVENT_NAME_PARTS = 2
# How many instances one pass of the timer sweep takes on; the rest wait for the next pass.
SWEEP_BATCH = 200


def _label(definition: ProcessDefinition) -> str:
    return f"Process flow {definition.name} (version {definition.number})"


def _case_data(case: Case) -> dict[str, Any]:
    """What a process's expressions know of its case when it starts."""
    return {
        "case": {
            "reference": case.reference,
            "type": case.case_type.code,
            "status": case.status,
            "priority": case.priority,
            "answers": dict(case.data),
        }
    }


class _Run:
    """One advance of one instance: its script engine, with the actions it runs."""

    def __init__(self, instance: ProcessInstance) -> None:
        self.instance = instance
        self.case = instance.case
        self.label = _label(instance.definition)
        self.engine = runtime.ProcessEngine(self._perform)

    def acting(self) -> Any:
        return context.acting(channel=CHANNEL, actor_label=self.label, actor_id="")

    def _perform(self, task: Any, action: str, inputs: dict[str, Any]) -> Any:
        with self.acting():
            return ACTIONS[action](self.case, inputs)

    def advance(
        self,
        workflow: Any,
        *,
        before: Callable[[Any], None] | None = None,
        held: dict[str, Any] | None = None,
    ) -> None:
        """Do `before` (completing a task, delivering an event) and go as far as the process
        can; save where it is, or, if a step fails, record where and why and keep the rest."""
        timers = [w for w in runtime.waiting(workflow) if w.kind == "timer"]
        try:
            with transaction.atomic():
                if before is not None:
                    before(workflow)
                workflow.do_engine_steps()
                self._decisions()
        except (SpiffWorkflowException, BurghError, ExpressionError) as error:
            self._fail(error, held)
            return
        now = timezone.now()
        for timer in timers:
            # Fired: its time came and its event (or event-based gateway) went on; a timer
            # whose task was done first was cancelled, not fired.
            task = workflow.get_task_from_id(timer.task_id)
            done = task is None or task.has_state(TaskState.COMPLETED)
            if done and timer.due is not None and timer.due <= now:
                cases.record_process_step(self.case.pk, f"Timer fell due: {timer.name}")
        self._keep(workflow)

    def _decisions(self) -> None:
        now = timezone.now()
        for decided in self.engine.decisions:
            spec = decided.task.task_spec
            key = (spec.extensions or {}).get("decision") or spec.dmnEngine.decision_table.id
            DecisionRecord.objects.create(
                instance=self.instance,
                case=self.case,
                at=now,
                element=spec.bpmn_id,
                decision=key,
                inputs=runtime.plain(decided.inputs),
                rules=decided.rules,
                outputs=runtime.plain(decided.outputs),
            )
            given, fired, result = in_words(decided.inputs, decided.rules, decided.outputs)
            cases.record_process_step(
                self.case.pk,
                f"Decided {spec.bpmn_name or spec.bpmn_id}: {result or 'no result'} "
                f"(rule {fired or 'none'} fired for {given or 'no inputs'})",
                detail={"decision": key, "inputs": runtime.plain(decided.inputs),
                        "rules": decided.rules, "outputs": runtime.plain(decided.outputs)},
            )  # fmt: skip
        self.engine.decisions.clear()

    def _fail(self, error: Exception, held: dict[str, Any] | None = None) -> None:
        where = getattr(getattr(error, "task", None), "task_spec", None)
        element = getattr(where, "bpmn_id", None) or "-"
        reason = getattr(error, "detail", None) or str(error)
        instance = self.instance
        instance.status = ProcessInstance.Status.FAILED
        instance.failure = f"{element}: {reason}"
        instance.version += 1
        if held is not None:  # the message or signal it took, to hand again on a retry
            instance.held = [*instance.held, held]
        instance.save(update_fields=["status", "failure", "held", "version", "updated_at"])
        cases.record_process_step(
            self.case.pk,
            f"The process stopped at {getattr(where, 'bpmn_name', None) or element}: {reason}",
            significant=True,
        )
        events.emit(
            "gov.burgh.flows.instance.failed",
            f"cases/case/{self.case.pk}",
            {"case": self.case.reference, "element": element, "reason": reason},
        )

    def _keep(self, workflow: Any) -> None:
        instance = self.instance
        self._tasks(workflow)
        instance.stage = _stage(instance.definition, workflow) or instance.stage
        waiting = runtime.waiting(workflow)
        instance.next_timer_at = runtime.next_timer(waiting)
        instance.waiting_for = sorted({f"{w.kind}:{w.name}" for w in waiting if w.kind != "timer"})
        if workflow.is_completed():
            instance.status = ProcessInstance.Status.COMPLETED
            instance.ended_at = timezone.now()
            cases.record_process_step(self.case.pk, f"{instance.definition.name} finished")
        instance.state = runtime.dump(workflow)
        instance.version += 1
        instance.save()

    def _tasks(self, workflow: Any) -> None:
        """Open a ProcessTask for each user task now ready; close those that went away (a
        boundary event interrupted them, a branch was cancelled)."""
        ready = {task.id: task for task in workflow.get_tasks(state=TaskState.READY, manual=True)}
        waiting = ProcessTask.objects.filter(instance=self.instance, status=ProcessTask.Status.OPEN)
        for row in waiting:
            if row.task_id not in ready:
                row.status = ProcessTask.Status.CANCELLED
                row.version += 1
                row.save(update_fields=["status", "version", "updated_at"])
                cases.record_process_step(self.case.pk, f"No longer needed: {row.name}")
        known = set(
            ProcessTask.objects.filter(instance=self.instance, task_id__in=list(ready)).values_list(
                "task_id", flat=True
            )
        )
        for task_id, task in ready.items():
            if task_id not in known:
                self._open(task)

    def _open(self, task: Any) -> ProcessTask:
        spec = task.task_spec
        wanted = getattr(spec, "extensions", None) or {}
        team = self.case.team
        if wanted.get("team"):
            team = Team.objects.filter(slug=wanted["team"]).first() or team
        owner = None
        assignee = wanted.get("assignee", "")
        if assignee == "owner":
            owner = self.case.owner
        elif assignee:
            owner = User.objects.filter(email__iexact=assignee, is_active=True).first()
        due_at = None
        if wanted.get("due"):
            due_at = timezone.now() + _duration(wanted["due"])
        form, defaults = forms.form_of(spec)
        created = ProcessTask.objects.create(
            instance=self.instance,
            case=self.case,
            task_id=task.id,
            element=spec.bpmn_id,
            name=spec.bpmn_name or spec.bpmn_id,
            form=form,
            answers=defaults,
            team=team,
            owner=owner,
            due_at=due_at,
        )
        due = f", due {timezone.localtime(due_at):%-d %B %Y %H:%M}" if due_at else ""
        who = f" for {owner}" if owner else (f" for {team}" if team else "")
        cases.record_process_step(self.case.pk, f"Waiting{who}{due}: {created.name}")
        return created


def _duration(text: str) -> timedelta:
    parsed = TimerEventDefinition.parse_iso_duration(text)
    return TimerEventDefinition.get_timedelta_from_start(parsed, timezone.now())  # type: ignore[no-any-return]


def _stage(definition: ProcessDefinition, workflow: Any) -> str:
    """The stage of the process's live tasks (the earliest, in the process's order of
    stages), or of the last task done when nothing is live."""
    order = {stage: n for n, stage in enumerate(definition.stages)}
    live = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
    stages = [
        (task.task_spec.extensions or {}).get("stage", "")
        for task in live
        if getattr(task.task_spec, "extensions", None)
    ]
    stages = [stage for stage in stages if stage in order]
    if stages:
        return str(min(stages, key=order.__getitem__))
    done = workflow.get_tasks(state=TaskState.COMPLETED)
    done.sort(key=lambda task: task.last_state_change)
    for task in reversed(done):
        stage = (getattr(task.task_spec, "extensions", None) or {}).get("stage", "")
        if stage in order:
            return str(stage)
    return ""


def _lock(instance_id: Any) -> ProcessInstance:
    found = _locked(instance_id)
    if found is None:
        raise NotFoundError("There is no such process.")
    return found


def _locked(instance_id: Any, *, skip_locked: bool = False) -> ProcessInstance | None:
    """The instance, locked, with what a run reads of it (None: gone, or, with `skip_locked`,
    another worker holds it)."""
    return (
        ProcessInstance.objects.select_for_update(skip_locked=skip_locked, of=("self",))
        .select_related("definition", "case__case_type", "case__team", "case__owner")
        .filter(pk=instance_id)
        .first()
    )


def start_for_case(case: Case) -> ProcessInstance | None:
    """Start the latest version of the process the case's type runs, if it runs one (in the
    intake's transaction)."""
    key = case.case_type.process_key
    definition = latest_process(key) if key else None
    if definition is None:
        return None
    instance = ProcessInstance.objects.create(case=case, definition=definition)
    run = _Run(instance)
    cases.record_process_step(case.pk, f"{run.label} started")
    workflow = runtime.start(definition, run.engine, _case_data(case))
    run.advance(workflow)
    return instance


def may_work_on(by: User, case_id: Any) -> bool:
    """Whether `by` may work on the case's process steps: whether they may change the case."""
    viewer = policy.viewer_for(by)
    decision = policy.why(viewer, policy.get(CASE), case_id, action=policy.Action.CHANGE)
    return bool(decision.allowed)


def complete_task(
    by: User, task_id: Any, answers: Mapping[str, Any], *, expected_version: int | None = None
) -> ProcessTask:
    """Complete a user task with the answers to its form, and advance the process."""
    found = ProcessTask.objects.filter(pk=task_id).values_list("case_id", flat=True).first()
    if found is None:
        raise NotFoundError("There is no such step, or you cannot see it.")
    with transaction.atomic():
        # Refused (and logged) as changing the case would be: the case's own check.
        case_to_change(by, found)
        row = ProcessTask.objects.select_for_update().get(pk=task_id)
        if expected_version is not None and row.version != expected_version:
            raise StaleVersionError(
                "Someone else has changed this step since you opened it.", current_etag=row.etag
            )
        if row.status != ProcessTask.Status.OPEN:
            raise ConflictError(f"This step is already {row.get_status_display().lower()}.")
        questions = forms.questions_of(row.form)
        cleaned = _answers(questions, answers)
        instance = _lock(row.instance_id)
        if instance.status != ProcessInstance.Status.RUNNING:
            raise ConflictError(
                f"The case's process is {instance.get_status_display().lower()}: "
                "ask a team leader to look at it."
            )
        run = _Run(instance)
        workflow = runtime.load(instance.definition, instance.state, run.engine)
        task = workflow.get_task_from_id(row.task_id)
        if task is None or not task.has_state(TaskState.READY):
            raise ConflictError("The process has moved on from this step.")

        def finish(workflow: Any) -> None:
            task.data.update(_variables(questions, cleaned))
            task.run()

        row.status, row.answers = ProcessTask.Status.DONE, runtime.plain(cleaned)
        row.completed_by, row.completed_at = by, timezone.now()
        row.version += 1
        row.save()
        said = "; ".join(f"{label}: {value}" for label, value in display(questions, cleaned))
        cases.record_process_step(
            instance.case_id, f"Done: {row.name}" + (f" ({said})" if said else ""), by=by
        )
        run.advance(workflow, before=finish)
    return row


def _variables(questions: Sequence[CaseField], answers: Mapping[str, Any]) -> dict[str, Any]:
    """A step's answers as the process reads them: every question a variable, None if blank."""
    return {question.name: answers.get(question.name) for question in questions}


def _answers(questions: Sequence[CaseField], given: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as the step's questions keep them, or every problem, each at its answer."""
    try:
        return clean_data(questions, given, at="#/")
    except InvalidInputError as refused:
        count = len(refused.errors)
        plural = "s" if count != 1 else ""
        raise InvalidInputError(
            f"{count} answer{plural} need changing.", errors=refused.errors
        ) from None


def _event(kind: str, name: str, payload: Mapping[str, Any]) -> Any:
    if kind == "message":
        return BpmnEvent(
            MessageEventDefinition(name), payload={"payload": dict(payload), "result_var": name}
        )
    return BpmnEvent(SignalEventDefinition(name), dict(payload))


def _hand(instance: ProcessInstance, kind: str, name: str, payload: Mapping[str, Any]) -> None:
    """Give the locked, running instance a message or a signal and advance it."""
    run = _Run(instance)
    workflow = runtime.load(instance.definition, instance.state, run.engine)
    event = _event(kind, name, payload)
    cases.record_process_step(instance.case_id, f"{kind.capitalize()} received: {name}")
    held = {"kind": kind, "name": name, "payload": runtime.plain(payload)}
    run.advance(workflow, before=lambda workflow: workflow.send_event(event), held=held)


def deliver_message(case_id: Any, name: str, payload: Mapping[str, Any] | None = None) -> bool:
    """Hand the message `name` to the case's process; False when it is not waiting for it
    (a message nothing waits for is not kept)."""
    with transaction.atomic():
        instance_id = (
            ProcessInstance.objects.filter(case_id=case_id, status=ProcessInstance.Status.RUNNING)
            .values_list("pk", flat=True)
            .first()
        )
        if instance_id is None:
            return False
        instance = _lock(instance_id)
        if f"message:{name}" not in instance.waiting_for:
            return False
        _hand(instance, "message", name, payload or {})
    return True


def broadcast_signal(name: str, payload: Mapping[str, Any] | None = None) -> int:
    """Send the signal `name` to every running process waiting for it; how many took it."""
    candidates = ProcessInstance.objects.filter(
        status=ProcessInstance.Status.RUNNING, waiting_for__icontains=name
    ).values_list("pk", flat=True)
    taken = 0
    for instance_id in candidates:
        with transaction.atomic():
            instance = _lock(instance_id)
            running = instance.status == ProcessInstance.Status.RUNNING
            if running and f"signal:{name}" in instance.waiting_for:
                _hand(instance, "signal", name, payload or {})
                taken += 1
    return taken


def sweep_timers(now: datetime | None = None) -> int:
    """Fire the timers that have fallen due (the worker runs this every few seconds, so a
    timer fires within a minute of its time, however long the server was down); how many
    instances moved. Instances another worker holds are left for it."""
    now = now or timezone.now()
    moved = 0
    due = ProcessInstance.objects.filter(
        status=ProcessInstance.Status.RUNNING, next_timer_at__lte=now
    ).order_by("next_timer_at")
    for instance_id in list(due.values_list("pk", flat=True)[:SWEEP_BATCH]):
        with transaction.atomic():
            instance = _locked(instance_id, skip_locked=True)
            if instance is None or instance.status != ProcessInstance.Status.RUNNING:
                continue
            if instance.next_timer_at is None or instance.next_timer_at > now:
                continue
            run = _Run(instance)
            workflow = runtime.load(instance.definition, instance.state, run.engine)
            run.advance(workflow, before=lambda workflow: workflow.refresh_timers())
            moved += 1
    return moved


# Burgh's actions as they run: (case, evaluated inputs) -> what the process keeps.
def _send_letter(case: Case, inputs: dict[str, Any]) -> dict[str, Any]:
    document = cases.generate_letter(None, case.pk, str(inputs["template"]))
    return {"document": str(document.pk)}


def _create_task(case: Case, inputs: dict[str, Any]) -> dict[str, Any]:
    owner = None
    if inputs.get("assignee"):
        owner = User.objects.filter(email__iexact=str(inputs["assignee"]), is_active=True).first()
        if owner is None:
            raise InvalidInputError(f"No active worker has the email {inputs['assignee']!r}.")
    due_on = None
    if inputs.get("due_in_days") not in (None, ""):
        days = int(inputs["due_in_days"])
        due = WorkingCalendar.default().add(timezone.now(), days, SlaUnit.WORKING_DAYS)
        due_on = timezone.localdate(due)
    task = cases.add_task(
        None, case.pk, str(inputs["title"]), owner=owner, team=None if owner else case.team,
        due_on=due_on,
    )  # fmt: skip
    return {"task": str(task.pk)}


def _set_status(case: Case, inputs: dict[str, Any]) -> dict[str, Any]:
    changed = cases.change_status(
        None, case.pk, str(inputs["status"]), note=str(inputs.get("reason") or "")
    )
    return {"status": changed.status}


def _request_authorisation(case: Case, inputs: dict[str, Any]) -> dict[str, Any]:
    decision = cases.record_decision(
        None,
        case.pk,
        str(inputs["kind"]),
        str(inputs["decision"]),
        str(inputs.get("detail") or inputs["decision"]),
    )
    return {"decision": str(decision.pk), "state": decision.state}


def _data(inputs: dict[str, Any]) -> dict[str, Any]:
    data = inputs.get("data") or {}
    if not isinstance(data, dict):
        raise InvalidInputError("An action's data is a dictionary of values.")
    return runtime.plain(data)


def _emit_event(case: Case, inputs: dict[str, Any]) -> dict[str, Any]:
    name = str(inputs["name"])
    if len(name.split(".")) != EVENT_NAME_PARTS:
        raise InvalidInputError(
            f"An event's name is a thing and what happened to it, like 'inspection.done', "
            f"not {name!r}."
        )
    event = events.emit(
        f"gov.burgh.flows.{name}",
        f"cases/case/{case.pk}",
        {"case": case.reference, **_data(inputs)},
    )
    return {"event": str(event.id)}


def _message_case(case: Case, inputs: dict[str, Any]) -> dict[str, Any]:
    reference = str(inputs["case"])
    other = Case.objects.filter(reference=reference).values_list("pk", flat=True).first()
    if other is None:
        raise InvalidInputError(f"There is no case {reference!r} to send a message to.")
    name = str(inputs["name"])
    payload = {"from_case": case.reference, **_data(inputs)}
    # Done after this advance commits: the other case's process is locked on its own.
    transaction.on_commit(lambda: deliver_message(other, name, payload))
    return {"case": reference, "message": name}


def _send_signal(case: Case, inputs: dict[str, Any]) -> dict[str, Any]:
    name = str(inputs["name"])
    payload = {"from_case": case.reference, **_data(inputs)}
    transaction.on_commit(lambda: broadcast_signal(name, payload))
    return {"signal": name}


def _call_webhook(case: Case, inputs: dict[str, Any]) -> dict[str, Any]:
    name = str(inputs["webhook"])
    if webhooks.usable(name) is None:
        raise InvalidInputError(f"No active webhook is named {name!r}: ask the IT team.")
    event = events.emit(
        webhooks.EVENT,
        f"cases/case/{case.pk}",
        {"webhook": name, "case": case.reference, "data": _data(inputs)},
    )
    return {"webhook": name, "call": str(event.id)}


ACTIONS: dict[str, Callable[[Case, dict[str, Any]], dict[str, Any]]] = {
    "call_webhook": _call_webhook,
    "message_case": _message_case,
    "send_signal": _send_signal,
    "send_letter": _send_letter,
    "create_task": _create_task,
    "set_status": _set_status,
    "request_authorisation": _request_authorisation,
    "emit_event": _emit_event,
}


def where_now(instance: ProcessInstance) -> list[tuple[str, str]]:
    """The elements (id, name) the process is at now: its steps waiting, the events it waits
    for and the activities under way, for the diagram to mark (read only, nothing saved)."""
    if instance.status != ProcessInstance.Status.RUNNING or not instance.state:
        return []
    workflow = runtime.load(instance.definition, instance.state, runtime.read_only_engine())
    live = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
    found: dict[str, str] = {}
    for task in live:
        spec = task.task_spec
        bpmn_id = getattr(spec, "bpmn_id", None)
        if bpmn_id and not bpmn_id.endswith(("EndJoin", ".EndJoin")):
            found.setdefault(bpmn_id, getattr(spec, "bpmn_name", None) or bpmn_id)
    return list(found.items())


def may_retry(by: User, instance: ProcessInstance) -> bool:
    """Whether `by` may set a stopped process going again: an administrator of process flows,
    or a leader of the case's team."""
    from burgh.flows.services.deploy import may_deploy

    return may_deploy(by) or instance.case.team_id in policy.viewer_for(by).manages


def retry(by: User, instance_id: Any) -> ProcessInstance:
    """Set a stopped process going again from where it stopped (after the case was put right,
    or the process moved to a mended version): the steps people completed are done again with
    their answers, a message or signal the failing step took is handed again, and the process
    goes on as far as it can. It may stop again, saying why."""
    with transaction.atomic():
        instance = _lock(instance_id)
        if not may_retry(by, instance):
            raise PermissionDeniedError(
                "Only an administrator of process flows or the team's leader can do this."
            )
        if instance.status != ProcessInstance.Status.FAILED:
            raise ConflictError("The case's process has not stopped.")
        instance.status, instance.failure = ProcessInstance.Status.RUNNING, ""
        run = _Run(instance)
        cases.record_process_step(instance.case_id, f"{run.label} set going again", by=by)
        if not instance.state:  # it stopped before its first wait
            run.advance(runtime.start(instance.definition, run.engine, _case_data(instance.case)))
            return instance
        done = {
            row.task_id: _variables(forms.questions_of(row.form), row.answers)
            for row in ProcessTask.objects.filter(instance=instance, status=ProcessTask.Status.DONE)
        }

        held, instance.held = instance.held, []

        def redo(workflow: Any) -> None:
            for task in workflow.get_tasks(state=TaskState.READY, manual=True):
                if task.id in done:
                    task.data.update(done[task.id])
                    task.run()
            for event in held:
                workflow.send_event(_event(event["kind"], event["name"], event["payload"]))

        run.advance(runtime.load(instance.definition, instance.state, run.engine), before=redo)
    return instance


SEND_SIGNALS = "flows.send_signals"


def send_message(by: User, case_id: Any, name: str, payload: Mapping[str, Any]) -> bool:
    """A person's or a system's message to a case's process, if they may change the case."""
    if not may_work_on(by, case_id):
        raise NotFoundError("There is no such case, or you cannot see it.")
    return deliver_message(case_id, name, payload)


def send_signal(by: User, name: str, payload: Mapping[str, Any]) -> int:
    """A person's or a system's signal to every waiting process: a council-wide act, which a
    role must allow."""
    if not has_permission(by, SEND_SIGNALS):
        raise PermissionDeniedError("None of your roles lets you send signals to processes.")
    return broadcast_signal(name, payload)


def step_for(by: User, step_id: Any) -> ProcessTask:
    """A step of a case `by` may work on (404 alike for a step that does not exist)."""
    step = ProcessTask.objects.select_related("case", "team", "owner").filter(pk=step_id).first()
    if step is None or not may_work_on(by, step.case_id):
        raise NotFoundError("There is no such step, or you cannot see it.")
    return step
