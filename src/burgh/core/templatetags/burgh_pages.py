"""Template helpers shared by every page: the "Error: " title prefix for forms with errors."""

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def title_prefix(*forms: Any) -> str:
    """Give "Error: " when any of the given forms has errors, as GOV.UK asks of page titles.

    Names that are not in the context reach the tag as "" and are ignored, so the base template
    can always pass `form`.
    """
    for form in forms:
        if getattr(form, "errors", None):
            return "Error: "
    return ""
