"""call_webhook: a process calls a webhook IT registered, through the outbox; the receiver gets
the case's reference and data signed as Standard Webhooks says (checked with the standard's
own library), and a receiver that fails is tried again. An unregistered webhook is refused at
deploy."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from standardwebhooks import Webhook as Verifier

from burgh.core.errors import InvalidInputError
from burgh.core.models import OutboxEvent
from burgh.core.relay import deliver_pending
from burgh.flows import services, webhooks
from burgh.flows.models import ProcessInstance, Webhook
from tests.flows.conftest import FILES, file

pytestmark = pytest.mark.django_db


class Receiver(BaseHTTPRequestHandler):
    answers: list[int] = []
    got: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.got.append((dict(self.headers), body))
        self.send_response(Receiver.answers.pop(0) if Receiver.answers else 204)
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.got, Receiver.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/burgh"
    server.shutdown()


def _calling(name: str) -> bytes:
    return (
        (FILES / "pothole.bpmn")
        .read_text()
        .replace('camunda:topic="create_task"', 'camunda:topic="call_webhook"')
        .replace(
            '<camunda:inputParameter name="title">"Works order: " + severity + " pothole"'
            "</camunda:inputParameter>",
            f'<camunda:inputParameter name="webhook">"{name}"</camunda:inputParameter>',
        )
        .replace(
            '<camunda:inputParameter name="due_in_days">repair_days</camunda:inputParameter>',
            '<camunda:inputParameter name="data">{"severity": severity, "days": repair_days}'
            "</camunda:inputParameter>",
        )
        .encode()
    )


def test_an_unregistered_webhook_is_refused_at_deploy(analyst):
    files = [("pothole.bpmn", _calling("contractor")), file("pothole_priority.dmn")]
    with pytest.raises(services.DeploymentRefusedError) as refused:
        services.deploy_definitions(analyst, files, source="api")
    [problem] = refused.value.problems
    assert str(problem) == (
        "pothole.bpmn: order: it calls the webhook 'contractor', which is not registered: ask IT"
    )


def test_the_receiver_gets_a_signed_call_and_a_failed_one_is_retried(roads, analyst, receiver):
    from burgh.flows.models import ProcessTask
    from tests.flows.conftest import report

    hook = Webhook.objects.create(name="contractor", url=receiver, secret=webhooks.new_secret())
    services.deploy_definitions(analyst, [("pothole.bpmn", _calling("contractor"))], source="page")
    case = report(roads)
    step = ProcessTask.objects.get(case=case)
    services.complete_task(roads.inspector, step.pk, {"severity": "serious", "depth_mm": "45"})
    assert ProcessInstance.objects.get(case=case).status == "completed"
    call = OutboxEvent.objects.get(type=webhooks.EVENT)
    Receiver.answers = [503]
    assert deliver_pending().failed == 1
    call.refresh_from_db()
    assert call.delivered_at is None
    assert "answered 503" in call.last_error
    call.next_attempt_at = None
    call.save()
    assert deliver_pending().delivered >= 1
    assert len(Receiver.got) == 2
    headers, body = Receiver.got[-1]
    sent = Verifier(hook.secret).verify(body, headers)
    assert sent == {
        "type": "case.webhook",
        "case": case.reference,
        "data": {"severity": "serious", "days": 1},
    }
    # The same id both times: the receiver can drop a repeat.
    assert Receiver.got[0][0]["webhook-id"] == headers["webhook-id"] == str(call.id)


def test_a_webhook_must_be_https_or_local():
    webhooks.check_url("https://contractor.example/burgh")
    webhooks.check_url("http://localhost:8080/hook")
    with pytest.raises(InvalidInputError):
        webhooks.check_url("http://contractor.example/burgh")


def test_it_registers_a_webhook_in_the_admin_site_and_burgh_makes_its_secret(db):
    from django.test import Client

    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    refused = client.post(
        "/admin/flows/webhook/add/", {"name": "contractor", "url": "http://contractor.example/"}
    )
    assert "must use https" in refused.content.decode()
    client.post(
        "/admin/flows/webhook/add/",
        {"name": "contractor", "url": "https://contractor.example/burgh", "active": "on"},
    )
    hook = Webhook.objects.get(name="contractor")
    assert hook.secret.startswith("whsec_")
    Verifier(hook.secret)  # the receiver's library takes it as it is
