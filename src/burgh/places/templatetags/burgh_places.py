"""Template helpers for the navigation: whether "Find an address" and "Addresses to review"
belong in a person's menu."""

from typing import Any

from django import template

from burgh.identity.models import User
from burgh.identity.permissions import menu_permissions
from burgh.places.reviews import MANAGE_GAZETTEER, VIEW_PLACES

register = template.Library()


@register.filter
def may_find_places(user: Any) -> bool:
    return isinstance(user, User) and VIEW_PLACES in menu_permissions(user)


@register.filter
def may_review_addresses(user: Any) -> bool:
    return isinstance(user, User) and MANAGE_GAZETTEER in menu_permissions(user)


@register.filter
def attribute_label(name: str) -> str:
    """An attribute's name as people read it: collection_round → Collection round."""
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]
