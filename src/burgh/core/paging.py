"""GOV.UK pagination links for list pages, keeping the filters (API pages: core.pagination)."""

from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def pagination(request: HttpRequest, page: Page[Any]) -> dict[str, Any]:
    """The links for core/includes/pagination.html: the first, last and two either side of
    `page`, with an ellipsis between, each keeping the request's other query parameters."""
    paginator = page.paginator
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}

    def href(number: int) -> str:
        return f"{request.path}?{urlencode({**kept, 'page': number})}"

    numbers = [
        number
        for number in paginator.page_range
        if number in (1, paginator.num_pages) or abs(number - page.number) <= 2
    ]
    links: list[dict[str, Any]] = []
    for number in numbers:
        if links and number - links[-1]["number"] > 1:
            links.append({"number": 0, "ellipsis": True})
        links.append({"number": number, "href": href(number), "current": number == page.number})
    return {
        "shown": paginator.num_pages > 1,
        "links": links,
        "previous": href(page.number - 1) if page.has_previous() else "",
        "next": href(page.number + 1) if page.has_next() else "",
    }


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts no further than `cap` rows, and pages only through those: counting a list of a
    hundred thousand rows costs a scan of them all on every page, and nobody pages that far
    (they filter). `more` says whether rows lie beyond the cap."""

    def __init__(self, rows: Any, size: int, cap: int) -> None:
        super().__init__(rows, size)
        self.cap = cap
        self.more = False

    @cached_property
    def count(self) -> int:
        first: Any = self.object_list[: self.cap + 1]
        found: int = len(first) if isinstance(first, list) else first.count()
        self.more = found > self.cap
        return min(found, self.cap)


def paged(
    request: HttpRequest, rows: Any, *, size: int = PAGE_SIZE, cap: int | None = None
) -> dict[str, Any]:
    """One page of `rows` (a queryset or list) and its pagination links; with `cap`, counted
    and paged only that far (`more` then says whether there are more)."""
    paginator = Paginator(rows, size) if cap is None else CappedPaginator(rows, size, cap)
    page: Page[Any] = paginator.get_page(request.GET.get("page"))
    more = isinstance(paginator, CappedPaginator) and paginator.more
    return {"page": page, "pagination": pagination(request, page), "more": more}
