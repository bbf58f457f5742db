"""What every governance page shares: the permission gate, service errors on forms, paging."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from burgh.core.forms import add_service_errors as add_service_errors
from burgh.core.paging import PAGE_SIZE as PAGE_SIZE
from burgh.core.paging import paged as paged
from burgh.identity.models import User
from burgh.identity.permissions import has_permission
from burgh.identity.services.emergency_access import REVIEW_BREAK_GLASS as REVIEW_BREAK_GLASS
from burgh.identity.services.restrictions import MANAGE_RESTRICTIONS as MANAGE_RESTRICTIONS
from burgh.identity.services.sharing import (
    MANAGE_SHARING_AGREEMENTS as MANAGE_SHARING_AGREEMENTS,
)

P = ParamSpec("P")

VIEW_ACCESS_LOG = "governance.view_access_log"
GOVERNANCE_PERMISSIONS = (
    MANAGE_SHARING_AGREEMENTS,
    MANAGE_RESTRICTIONS,
    REVIEW_BREAK_GLASS,
    VIEW_ACCESS_LOG,
)

# The rules in the access log as an officer would say them. The policy's own rules first, then
# the ones its callers write (`list`, `export`) and these pages' own reads of record labels.
RULE_WORDS = {
    "allocated": "Allocated worker",
    "team": "Their team works with the record",
    "manager": "Leads or manages a team working with the record",
    "view_all": "Their role sees every record of this kind",
    "directory": "Directory search (identifying fields only)",
    "agreement": "Data-sharing agreement",
    "named_on_restriction": "Named on the record's restriction",
    "break_glass": "Emergency access",
    "inactive": "Their account is disabled",
    "no_permission": "No role of theirs allows it",
    "action_not_permitted": "They may see it but not do this",
    "no_relationship": "No relationship with the record",
    "no_agreement": "No data-sharing agreement in force",
    "no_consent": "No consent from the resident",
    "restricted": "The record is restricted",
    "not_found": "No such record",
    "list": "Shown in a list or search",
    "export": "Exported",
    "manage_restrictions": "Managing the record's restriction",
    "view_access_log": "Checking who has seen the record",
}

# The rules these pages write when they show a record's label, for the record's access log.
RESTRICTIONS_RULE = "manage_restrictions"
ACCESS_LOG_RULE = "view_access_log"


def rule_words(rule: str) -> str:
    return RULE_WORDS.get(rule, rule.replace("_", " ").capitalize())


def governance_page(
    permission: str | tuple[str, ...],
) -> Callable[
    [Callable[Concatenate[HttpRequest, User, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """A signed-in page for holders of `permission` (any one of several); 403 for others.

    Signing in and the second factor are enforced before the view as on every page; roles are
    read afresh on each request, so a role taken away closes the page at once. The view gets
    the signed-in user as its second argument. Pages here show personal data: never cached.
    """
    codes = (permission,) if isinstance(permission, str) else permission

    def decorate(
        view: Callable[Concatenate[HttpRequest, User, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        def page(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            user = request.user
            if not isinstance(user, User) or not any(has_permission(user, c) for c in codes):
                raise PermissionDenied
            return view(request, user, *args, **kwargs)

        update_wrapper(page, view)
        return never_cache(login_required(page))

    return decorate
