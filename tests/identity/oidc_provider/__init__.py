"""The local OpenID provider for the sign-in tests: start and stop it, and sign in at it.

server.mjs runs npm's oidc-provider (installed from package.json by `make setup`); accounts.json
holds the people it knows, shared with the tests so each side agrees who is who.
"""

import json
import os
import re
import secrets
import select
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.processes import PROJECT

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "server.mjs"
ACCOUNTS: dict[str, dict] = json.loads((HERE / "accounts.json").read_text())
CLIENT_ID = "burgh-tests"
START_TIMEOUT_SECONDS = 30


@dataclass
class RunningProvider:
    issuer: str
    client_id: str
    client_secret: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _cannot_start(why: str) -> None:
    # Never a skip, on CI or anywhere else: these tests are the proof that OIDC sign-in works.
    pytest.fail(f"The local OpenID provider did not start: {why}", pytrace=False)


def start(redirect_uris: list[str], log: Path) -> RunningProvider:
    """Start server.mjs on a free port with one confidential client for `redirect_uris`."""
    node = shutil.which("node")
    if node is None:
        _cannot_start("Node.js is not installed (`make setup` needs it too).")
    if not (PROJECT / "node_modules" / "oidc-provider").is_dir():
        _cannot_start("node_modules/oidc-provider is missing: run `make setup`.")
    secret = secrets.token_urlsafe(32)
    env = dict(os.environ)
    env.update(
        {
            "BURGH_TEST_OIDC_REDIRECT_URI": ",".join(redirect_uris),
            "BURGH_TEST_OIDC_CLIENT_ID": CLIENT_ID,
            "BURGH_TEST_OIDC_CLIENT_SECRET": secret,
        }
    )
    with log.open("w") as errors:
        process = subprocess.Popen(
            [str(node), str(SCRIPT)],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_SECONDS)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        process.wait(timeout=10)
        _cannot_start(f"it printed nothing within {START_TIMEOUT_SECONDS}s.\n{log.read_text()}")
    issuer = json.loads(line)["issuer"]
    return RunningProvider(issuer, CLIENT_ID, secret, process, log)


def configure(settings, provider: RunningProvider) -> None:
    """Point Burgh's OIDC settings (pytest-django's `settings` fixture) at `provider`."""
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = provider.client_id
    settings.OIDC_CLIENT_SECRET = provider.client_secret


_FORM_ACTION = re.compile(r'action="(/interaction/[^"]+/(login|consent))"')


def sign_in_at_provider(authorization_url: str, username: str, *, returns_to: str) -> str:
    """Go through the provider's login and consent pages as `username`, as a browser would.

    Returns the address the provider sends the browser back to (it starts with `returns_to`).
    """
    browser = requests.Session()
    url = authorization_url
    for _ in range(12):
        if url.startswith(returns_to):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        form = _FORM_ACTION.search(response.text)
        assert form is not None, f"no login or consent form at {url}: {response.text[:500]}"
        action, step = form.groups()
        data = {}
        if step == "login":
            data = {"username": username, "password": ACCOUNTS[username]["password"]}
        response = browser.post(urljoin(url, action), data=data, allow_redirects=False, timeout=10)
        assert response.is_redirect, f"{step} at the provider failed: {response.text[:500]}"
        url = urljoin(url, response.headers["Location"])
    raise AssertionError(f"the provider never sent the browser back to {returns_to}")
