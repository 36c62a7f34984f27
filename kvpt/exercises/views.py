"""Exercise pages (core: list and detail; "Exercise set-up and preparation" grows them)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, paginate, render_page
from kvpt.exercises.selectors import exercise_list


@login_required
def exercise_list_view(request: HttpRequest) -> HttpResponse:
    page = paginate(request, exercise_list(request.user))
    return render_page(request, "exercises/list.html", {"page_obj": page})


@login_required
def exercise_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_visible_or_404(exercise_list(request.user), pk=pk)
    log_classified_read(request.user, exercise)
    return render_page(
        request,
        "exercises/detail.html",
        {"exercise": exercise, "page_classification": exercise.classification},
    )
