"""Small helpers views share: full page or htmx partial, pagination, page marking, read logging."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kvpt.core.models import AccessLog, Classification

PER_PAGE = 50


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """One view serves the full page, or only `partial` when htmx asks for it (NetBox)."""
    htmx = getattr(request, "htmx", None)
    is_htmx = bool(htmx) and not getattr(htmx, "boosted", False)
    chosen = partial if (partial and is_htmx) else template
    return render(request, chosen, context, status=status)


def paginate(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Page[Any]:
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


def paginate_as(
    request: HttpRequest, items: Any, param: str, per_page: int = PER_PAGE, anchor: str = ""
) -> Page[Any]:
    """`paginate` for a page that shows several lists: each list reads its own `?<param>=`, and
    the page carries `prev_url` / `next_url` that keep every other parameter (filters, the other
    lists' pages) for includes/pager.html."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        params = request.GET.copy()
        params[param] = str(number)
        return f"?{params.urlencode()}{'#' + anchor if anchor else ''}"

    page.prev_url = url(page.previous_page_number()) if page.has_previous() else ""  # type: ignore[attr-defined]
    page.next_url = url(page.next_page_number()) if page.has_next() else ""  # type: ignore[attr-defined]
    return page


def marking_of(levels: Iterable[int | None]) -> int:
    """The marking a page carries: that of the most classified record it shows."""
    return max((int(level or 0) for level in levels), default=Classification.UNCLASSIFIED)


def log_classified_read(user: Any, obj: Any, action: str = AccessLog.Action.VIEW) -> None:
    """Reads of classified records are logged, not only changes (domain.md §7)."""
    level = int(getattr(obj, "classification", 0) or 0)
    if level <= Classification.UNCLASSIFIED or not getattr(user, "is_authenticated", False):
        return
    AccessLog.objects.create(
        user=user,
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        classification=level,
    )


def log_classified_reads(
    user: Any, objs: Iterable[Any], action: str = AccessLog.Action.VIEW
) -> None:
    """log_classified_read for a page of rows, in one INSERT so lists stay flat in queries."""
    if not getattr(user, "is_authenticated", False):
        return
    entries = [
        AccessLog(
            user=user,
            action=action,
            model=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            classification=int(obj.classification),
        )
        for obj in objs
        if int(getattr(obj, "classification", 0) or 0) > Classification.UNCLASSIFIED
    ]
    if entries:
        AccessLog.objects.bulk_create(entries)
