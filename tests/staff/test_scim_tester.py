"""scim2-tester, the SCIM compliance checker, runs every check it has against the provider."""

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_tester import Status, check_server

FAILED = {Status.ERROR, Status.CRITICAL}


def test_scim2_tester_finds_no_failure(scim_token):
    # The provider runs in this process, inside the test's transaction, as Django's own test
    # client runs views: so the connection must not be closed at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        client = WSGISCIMClient(
            WSGIHandler(),
            base_url="http://testserver/scim/v2",
            headers={"Authorization": f"Bearer {scim_token}"},
        )
        results = check_server(client)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    failures = [
        f"{result.title} [{result.resource_type or '-'}]: {result.reason}"
        for result in results
        if result.status in FAILED
    ]
    assert not failures, "\n".join(failures)
    succeeded = [result for result in results if result.status == Status.SUCCESS]
    # Every part of the protocol was exercised: discovery, both resource types, CRUD, PATCH.
    assert len(succeeded) >= 60, len(succeeded)
    titles = {result.title for result in succeeded}
    assert {"object_creation", "object_replacement", "object_deletion"} <= titles
    print(f"scim2-tester: {len(results)} checks, {len(succeeded)} succeeded, 0 failed")
