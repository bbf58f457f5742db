"""Template helpers for the people pages: whether "Find a person" belongs in the navigation."""

from typing import Any

from django import template

from burgh.identity.models import User
from burgh.identity.permissions import current_roles
from burgh.people.services.records import READ_PERMISSIONS

register = template.Library()


@register.filter
def may_find_people(user: Any) -> bool:
    """Whether "Find a person" belongs in this person's navigation: any people read permission."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return any(
        code in READ_PERMISSIONS for role in current_roles(user) for code in role.permissions
    )
