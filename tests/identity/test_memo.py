"""Who a user is, read once per request: later questions in the request reuse the reading, a
change to identity's records during the request is seen at once, and nothing outlives it
(tests/identity/test_access_takes_effect.py: every change counts on the next request)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from burgh.identity import memo, policy
from burgh.identity.models import RoleAssignment
from burgh.identity.permissions import has_permission
from tests.factories import RoleAssignmentFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

CODE = "people.view_person"


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_a_request_reads_roles_and_the_viewer_once():
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=RoleFactory(permissions=[CODE]))
    with memo.per_request():
        first = _queries(lambda: (has_permission(user, CODE), policy.viewer_for(user)))
        again = _queries(lambda: (has_permission(user, CODE), policy.viewer_for(user)))

    assert first > 0
    assert again == 0


def test_a_role_taken_away_during_the_request_counts_at_once():
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=RoleFactory(permissions=[CODE]))
    with memo.per_request():
        assert has_permission(user, CODE)
        assert policy.viewer_for(user).has(CODE)
        RoleAssignment.objects.filter(user=user).delete()

        assert not has_permission(user, CODE)
        assert not policy.viewer_for(user).has(CODE)


def test_outside_a_request_every_question_reads_afresh():
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=RoleFactory(permissions=[CODE]))

    assert _queries(lambda: has_permission(user, CODE)) > 0
    assert _queries(lambda: has_permission(user, CODE)) > 0
