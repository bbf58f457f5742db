"""The named Burgh actions a process's service tasks may call, with the inputs each takes.

A service task names its action as an external task's topic (Camunda Modeler: Implementation
"External", Topic `create_task`) and gives its inputs as input parameters, each a restricted
expression over the process data. Nothing else can run: a file that names an action not listed
here, leaves out a required input or gives one that is not listed is refused at deploy.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionInput:
    name: str
    description: str
    required: bool = True


@dataclass(frozen=True)
class Action:
    name: str
    summary: str
    inputs: tuple[ActionInput, ...]

    def input_named(self, name: str) -> ActionInput | None:
        return next((given for given in self.inputs if given.name == name), None)


def _optional(name: str, description: str) -> ActionInput:
    return ActionInput(name, description, required=False)


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "send_letter",
            "Generate a letter from one of the council's letter templates and file it on the "
            "case as a document.",
            (
                ActionInput("template", "The letter template's code, like 'pothole-repair'."),
                _optional("title", "The document's title (the template's name if left out)."),
            ),
        ),
        Action(
            "create_task",
            "Add a task to the case, with a due date, for its owner or a named worker.",
            (
                ActionInput("title", "What is to be done."),
                _optional("due_in_days", "Working days from now until it is due."),
                _optional("assignee", "The email of the worker who is to do it."),
            ),
        ),
        Action(
            "set_status",
            "Move the case to another status of its case type, by an allowed transition.",
            (
                ActionInput("status", "The status's code, like 'works-ordered'."),
                _optional("reason", "Why, as the chronology shows it."),
            ),
        ),
        Action(
            "request_authorisation",
            "Record a decision on the case that a manager must authorise (the two-person "
            "rule). When a manager authorises or refuses it, the case's process gets the "
            "message 'decision_authorised', with `approved` true or false.",
            (
                ActionInput("kind", "The case type's decision kind, like 'section-decision'."),
                ActionInput("decision", "What is decided, in a sentence."),
                _optional("detail", "The reasoning a manager reads before authorising."),
            ),
        ),
        Action(
            "message_case",
            "Send a message to another case's process (a child case telling its parent it is "
            "done, say): it goes on if it waits for a message of that name.",
            (
                ActionInput("case", "The other case's reference, like 'C0001234'."),
                ActionInput("name", "The message's name, as the other process's event names it."),
                _optional("data", "A dictionary of values the message carries."),
            ),
        ),
        Action(
            "send_signal",
            "Broadcast a signal: every running process waiting for a signal of that name goes "
            "on (a service suspended, say, or a major incident declared).",
            (
                ActionInput("name", "The signal's name, as the waiting processes' events name it."),
                _optional("data", "A dictionary of values the signal carries."),
            ),
        ),
        Action(
            "call_webhook",
            "Send the case's reference and the given data to a webhook the council's IT team "
            "has registered, signed as Standard Webhooks; retried until the receiver takes it.",
            (
                ActionInput("webhook", "The registered webhook's name, like 'works-orders'."),
                _optional("data", "A dictionary of values sent with the case's reference."),
            ),
        ),
        Action(
            "emit_event",
            "Publish a CloudEvent about the case (type gov.burgh.flows.<name>) through the "
            "outbox, for subscribers and other systems.",
            (
                ActionInput("name", "The event's name, like 'inspection.done'."),
                _optional("data", "A dictionary of values the event carries."),
            ),
        ),
    )
}
