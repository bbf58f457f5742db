"""What every people page shares: the sign-in wrapper and the reader's stated purpose."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.views.decorators.cache import never_cache

from burgh.identity.models import Purpose, User
from burgh.identity.policy import Viewer

# Where the page remembers why its reader is looking (the matrix tests set it too).
PURPOSE_SESSION_KEY = "burgh_purpose"


@dataclass(frozen=True)
class PersonPanel:
    """A section another context adds to the person page (a person's cases, their warnings),
    so the person index needs to know nothing of those contexts."""

    template: str
    context: dict[str, Any]
    # Panels with a lower order come first; warnings go above the golden record.
    order: int = 100
    above: bool = False


# Each takes the request, the viewer, the person's id, their merged-in ids and the purpose;
# it returns a panel, or None when it has nothing the viewer may see.
PanelSource = Callable[[HttpRequest, Viewer, UUID, Sequence[UUID], Purpose], PersonPanel | None]
_PANEL_SOURCES: dict[str, PanelSource] = {}


def register_person_panel(name: str, source: PanelSource) -> None:
    """Add a panel to every person page (idempotent by name, so app reloads do no harm)."""
    _PANEL_SOURCES[name] = source


def person_panels(
    request: HttpRequest, viewer: Viewer, person_id: UUID, merged: Sequence[UUID], purpose: Purpose
) -> list[PersonPanel]:
    found = (
        source(request, viewer, person_id, merged, purpose) for source in _PANEL_SOURCES.values()
    )
    return sorted((panel for panel in found if panel is not None), key=lambda panel: panel.order)


def people_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page for signed-in staff (sign-in and second factor enforced), never cached.

    The view gets the signed-in user as its second argument.
    """

    @wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        assert isinstance(user, User)
        return view(request, user, *args, **kwargs)

    wrapped: Callable[..., HttpResponseBase] = never_cache(login_required(page))
    return wrapped


def current_purpose(request: HttpRequest) -> Purpose:
    """The purpose the reader last gave on these pages; service delivery until they say."""
    stored = request.session.get(PURPOSE_SESSION_KEY)
    return Purpose(stored) if stored in Purpose.values else Purpose.SERVICE_DELIVERY


def purpose_context(request: HttpRequest) -> dict[str, Any]:
    """The current purpose, and a link to change it that comes back to this page.

    It comes back without the page's query: on a search that would repeat the name searched
    for, and nothing on a page should echo more than the reader typed into its form.
    """
    purpose = current_purpose(request)
    change = f"{reverse('people:purpose')}?{urlencode({'next': request.path})}"
    return {"purpose": purpose, "purpose_label": purpose.label, "purpose_change_url": change}
