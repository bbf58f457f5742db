"""Calling a registered webhook from a process, signed as Standard Webhooks says.

The `call_webhook` action writes a `gov.burgh.flows.webhook.requested` event to the outbox in
the step's transaction; the relay hands it to `deliver`, which POSTs the case's reference and
the data to the webhook's URL with `webhook-id` (the event's id, the same on every retry, so a
receiver can ignore a repeat), `webhook-timestamp` and `webhook-signature`. An answer other than
2xx, or none, fails the delivery and the relay tries again later, backing off.
"""

import json
import secrets
from base64 import b64encode
from typing import Any
from urllib.parse import urlsplit

import requests
from django.utils import timezone
from standardwebhooks import Webhook as Signer

from burgh.core.errors import InvalidInputError
from burgh.flows.models import Webhook

EVENT = "gov.burgh.flows.webhook.requested"
TIMEOUT_SECONDS = 10
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class WebhookFailedError(Exception):
    """The receiver did not take the call; the relay retries it."""


def new_secret() -> str:
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str) -> None:
    """https anywhere, or http to this machine only (a receiver beside Burgh, or a test)."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        return
    raise InvalidInputError(
        "A webhook's address must use https (http only to localhost).",
        errors=[{"pointer": "#/url", "detail": "Give an https:// address."}],
    )


def usable(name: str) -> Webhook | None:
    return Webhook.objects.filter(name=name, active=True).first()


def deliver(event: dict[str, Any]) -> None:
    """POST the requested call, signed; raise so the relay retries when it is not taken."""
    data = event["data"]
    webhook = usable(data["webhook"])
    if webhook is None:
        raise WebhookFailedError(f"No active webhook is named {data['webhook']!r}.")
    body = json.dumps(
        {"type": "case.webhook", "case": data["case"], "data": data.get("data", {})},
        separators=(",", ":"),
    )
    now = timezone.now()
    signature = Signer(webhook.secret).sign(msg_id=event["id"], timestamp=now, data=body)
    headers = {
        "content-type": "application/json",
        "webhook-id": event["id"],
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    try:
        answer = requests.post(webhook.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise WebhookFailedError(f"{webhook.name}: {error}") from error
    if not 200 <= answer.status_code < 300:
        raise WebhookFailedError(f"{webhook.name} answered {answer.status_code}")
