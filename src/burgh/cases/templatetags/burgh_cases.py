"""Template helpers for the navigation: whether "Cases" belongs in a person's menu."""

from typing import Any

from django import template

from burgh.cases.access import VIEW_ALL_CASES, VIEW_CASE
from burgh.identity.models import User
from burgh.identity.permissions import menu_permissions

register = template.Library()


@register.filter
def may_work_cases(user: Any) -> bool:
    """Whether "Cases" (their own cases and their teams' queues) belongs in the navigation."""
    if not isinstance(user, User):
        return False
    return not menu_permissions(user).isdisjoint({VIEW_CASE, VIEW_ALL_CASES})
