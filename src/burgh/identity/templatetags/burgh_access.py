"""Template helpers for the governance pages: UK times, GOV.UK selects, the navigation check."""

from datetime import date, datetime
from typing import Any

from django import forms, template
from django.utils import timezone
from django.utils.safestring import SafeString

from burgh.identity.access_views.common import GOVERNANCE_PERMISSIONS
from burgh.identity.models import User
from burgh.identity.permissions import menu_permissions

register = template.Library()


@register.filter
def may_govern(user: Any) -> bool:
    """Whether "Governance" belongs in this person's navigation: any governance permission."""
    if not isinstance(user, User):
        return False
    return not menu_permissions(user).isdisjoint(GOVERNANCE_PERMISSIONS)


@register.filter
def uk_date(value: date | datetime | None) -> str:
    """A date as GOV.UK writes it, in UK time: 5 January 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def uk_time(value: datetime | None) -> str:
    """A moment as GOV.UK writes it, in UK time: 5 January 2026 at 3:45pm."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{uk_date(local)} at {hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


@register.simple_tag
def select_control(field: forms.BoundField, *, hint: bool = False) -> SafeString:
    """A GOV.UK select for a bound field, with its error state and described-by ids."""
    described = [f"{field.id_for_label}-hint"] if hint else []
    classes = "govuk-select"
    if field.errors:
        described.append(f"{field.id_for_label}-error")
        classes += " govuk-select--error"
    attrs: dict[str, str | bool] = {"class": classes}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
