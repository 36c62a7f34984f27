"""The readiness dashboard of one exercise (tasks, works, documents, budget, open items)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, render_page
from kvpt.exercises.selectors import exercise_list
from kvpt.preparation.selectors.readiness import exercise_readiness


@login_required
def readiness_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_pk)
    log_classified_read(request.user, exercise)
    readiness = exercise_readiness(request.user, exercise)
    return render_page(
        request,
        "preparation/readiness.html",
        {
            "exercise": exercise,
            "r": readiness,
            "page_classification": readiness.marking,
            "breadcrumbs": [
                (_("Diễn tập"), reverse("exercises:list")),
                (exercise.code, exercise.get_absolute_url()),
                (_("Mức độ sẵn sàng"), None),
            ],
        },
    )


urlpatterns: list[URLPattern] = [
    path("<int:exercise_pk>/readiness/", readiness_view, name="readiness"),
]
