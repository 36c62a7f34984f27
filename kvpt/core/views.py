"""Pages that belong to no single domain app: home and the history of any object."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kvpt.core.history import history_entries, history_selector
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_scope, get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, render_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from kvpt.accounts.selectors import home_summary

    summary = home_summary(request.user)
    return render_page(
        request,
        "core/home.html",
        {"summary": summary, "scope": get_scope(request.user)},
    )


@login_required
def object_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    selector = history_selector(label)
    if selector is None:
        raise Http404
    obj = get_visible_or_404(selector(request.user), pk=pk)
    require_perm(request.user, "core.view_history", obj)
    log_classified_read(request.user, obj)
    return render_page(
        request,
        "core/history.html",
        {
            "object": obj,
            "entries": history_entries(obj, request.user),
            "page_classification": getattr(obj, "classification", 0),
            "breadcrumbs": [
                (str(obj), getattr(obj, "get_absolute_url", lambda: "")()),
                (_("Lịch sử thay đổi"), None),
            ],
        },
    )
