"""Signed-in test clients: a browser-like one for pages, a bearer-token one for the API."""

from collections.abc import Sequence
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from burgh.identity.models import Purpose, User
from burgh.identity.services.tokens import issue_api_token


def page_client(user: User, purpose: Purpose | None = None) -> Client:
    """A browser-like client signed in as `user`, past the second-factor step."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["burgh_signed_in_at"] = session["burgh_last_seen_at"] = timezone.now().isoformat()
    if purpose is not None:
        session["burgh_purpose"] = str(purpose)
    session.save()
    return client


def token_client(user: User, scopes: Sequence[str] = ("people:read",)) -> Client:
    """A client sending a fresh day-long API token of `user` with `scopes`."""
    _, secret = issue_api_token(
        user, name="test", scopes=list(scopes), expires_in=timedelta(days=1)
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
