"""What every case page shares: signed-in staff only, never cached, the user passed in."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.cache import never_cache

from burgh.identity.models import User


def case_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
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
