"""Template helpers for the navigation: whether "Find a person" and "Matches to review" belong."""

from typing import Any

from django import template

from burgh.identity.models import User
from burgh.identity.permissions import menu_permissions
from burgh.people.services.records import READ_PERMISSIONS
from burgh.people.services.reviews import REVIEW_MATCHES

register = template.Library()


@register.filter
def may_find_people(user: Any) -> bool:
    """Whether "Find a person" belongs in this person's navigation: any people read permission."""
    return not _permissions(user).isdisjoint(READ_PERMISSIONS)


@register.filter
def may_review_matches(user: Any) -> bool:
    """Whether "Matches to review" belongs in this person's navigation: a data steward's."""
    return REVIEW_MATCHES in _permissions(user)


def _permissions(user: Any) -> frozenset[str]:
    return menu_permissions(user) if isinstance(user, User) else frozenset()
