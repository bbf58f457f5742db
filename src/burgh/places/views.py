"""The place pages, under /places/: find an address (the GOV.UK address lookup, with type-ahead
where JavaScript runs), a property's page, the custodian's match reviews and import history.

Finding an address also serves other pages as an address picker: they link here with
`?next=<their path>`, and the chosen property goes back to them as `?uprn=<UPRN>`.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from burgh.core.errors import BurghError, InvalidInputError
from burgh.core.forms import add_service_errors
from burgh.core.paging import paged
from burgh.core.views import not_found
from burgh.identity.models import User
from burgh.identity.permissions import has_permission
from burgh.people.pages import current_purpose, people_page
from burgh.people.services import people_at
from burgh.places import lookup
from burgh.places.attributes import attributes_of
from burgh.places.forms import FindAddressForm, ReviewDecisionForm
from burgh.places.models import AddressMatchReview, GazetteerImport, PropertyChange
from burgh.places.reviews import MANAGE_GAZETTEER, VIEW_PLACES, decide_review, open_reviews
from burgh.places.typeahead import suggest

HISTORY_SHOWN = 20


def _require(user: User, code: str) -> None:
    if not has_permission(user, code):
        raise PermissionDenied


def _next_url(request: HttpRequest) -> str:
    """Where a picker was opened from, if that is a page of this site."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else ""


def _chosen(next_url: str, uprn: str) -> str:
    if next_url:
        joiner = "&" if "?" in next_url else "?"
        return f"{next_url}{joiner}{urlencode({'uprn': uprn})}"
    return reverse("places:property", args=[uprn])


@people_page
def find(request: HttpRequest, user: User) -> HttpResponseBase:
    """Step one, a postcode (and optionally a building); step two, choose from its addresses.
    A typed address (the no-JavaScript form of the type-ahead) lists the best candidates."""
    _require(user, VIEW_PLACES)
    next_url = _next_url(request)
    form = FindAddressForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "next": next_url, "choices": None}
    if form.is_bound and form.is_valid():
        postcode, building = form.cleaned_data["postcode"], form.cleaned_data["building"]
        text = form.cleaned_data["address"]
        try:
            if postcode:
                context["postcode"] = lookup.normalise_postcode(postcode)
                context["choices"] = lookup.addresses_at_postcode(postcode, building=building)
                context["building"] = building
            else:
                context["choices"] = suggest(text)
                context["typed"] = text
        except InvalidInputError as refusal:
            add_service_errors(form, refusal)
        else:
            context["change_url"] = (
                f"{reverse('places:find')}?{urlencode({'next': next_url})}"
                if next_url
                else reverse("places:find")
            )
    return render(request, "places/find.html", context)


@people_page
@require_http_methods(["POST"])
def choose(request: HttpRequest, user: User) -> HttpResponseBase:
    """The address chosen from the list: to its page, or back to the page that asked."""
    _require(user, VIEW_PLACES)
    uprn = request.POST.get("uprn", "")
    if lookup.place(uprn) is None:
        query = {key: request.POST.get(key, "") for key in ("postcode", "building", "address")}
        query["next"] = _next_url(request)
        query["unchosen"] = "1"
        return redirect(f"{reverse('places:find')}?{urlencode(query)}")
    return redirect(_chosen(_next_url(request), uprn))


@people_page
def suggestions(request: HttpRequest, user: User) -> HttpResponseBase:
    """Type-ahead: the addresses that best fit what has been typed so far, as JSON."""
    _require(user, VIEW_PLACES)
    text = request.GET.get("q", "")[:200]
    next_url = _next_url(request)
    found = suggest(text) if len(text.strip()) >= 3 else []
    return JsonResponse(
        {
            "results": [
                {
                    "uprn": choice.uprn,
                    "address": choice.address,
                    "url": _chosen(next_url, choice.uprn),
                }
                for choice in found
            ]
        }
    )


@people_page
def property_page(request: HttpRequest, user: User, uprn: str) -> HttpResponseBase:
    """What the council knows about a place: its address and history, the service attributes
    recorded for it, and the households and people at it whom the reader may see."""
    _require(user, VIEW_PLACES)
    unit = lookup.place(uprn)
    if unit is None:
        return not_found(request)
    residents = people_at(user, uprn, purpose=current_purpose(request))
    history = list(PropertyChange.objects.filter(uprn=uprn).order_by("-at")[:HISTORY_SHOWN])
    return render(
        request,
        "places/property.html",
        {
            "unit": unit,
            "attributes": attributes_of(uprn),
            "residents": residents,
            "history": history,
        },
    )


@people_page
def reviews(request: HttpRequest, user: User) -> HttpResponseBase:
    """The custodian's queue: addresses waiting for a decision, oldest first."""
    _require(user, MANAGE_GAZETTEER)
    page = paged(request, open_reviews(), size=25)
    return render(request, "places/reviews.html", {**page, "reviews": list(page["page"])})


@people_page
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, user: User, review_id: Any) -> HttpResponseBase:
    """One address: pick the property it means, or say it is not in the gazetteer."""
    _require(user, MANAGE_GAZETTEER)
    item = get_object_or_404(AddressMatchReview, pk=review_id)
    if item.status != AddressMatchReview.Status.OPEN:
        messages.info(request, "That address has already been decided.")
        return redirect("places:reviews")
    picked = request.GET.get("uprn", "")
    candidates = list(item.candidates)
    chosen = lookup.place(picked) if picked not in {c["uprn"] for c in candidates} else None
    if chosen is not None:
        candidates.insert(0, {"uprn": picked, "address": chosen.single_line(), "score": None})
    form = ReviewDecisionForm(
        request.POST or None,
        choices=[c["uprn"] for c in candidates],
        initial={"decision": picked, "version": item.version},
    )
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            decide_review(
                item,
                by=user,
                uprn=None if decision == "none" else decision,
                expected_version=form.cleaned_data["version"],
            )
        except BurghError as refusal:
            add_service_errors(form, refusal, {"#/uprn": "decision"}, default="decision")
        else:
            messages.success(request, f"Decided: {item.address}")
            return redirect("places:reviews")
    picker = f"{reverse('places:find')}?{urlencode({'next': request.path})}"
    return render(
        request,
        "places/review.html",
        {"review": item, "candidates": candidates, "form": form, "picker_url": picker},
    )


@people_page
def imports(request: HttpRequest, user: User) -> HttpResponse:
    """Every gazetteer import and refresh, newest first, with what each changed."""
    _require(user, MANAGE_GAZETTEER)
    page = paged(request, GazetteerImport.objects.order_by("-created_at"), size=25)
    return render(request, "places/imports.html", {**page, "imports": list(page["page"])})
