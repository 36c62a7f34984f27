"""Pages of the lessons library (/lessons/): search, a lesson, turning it into a task; and the
similar-lessons panel (/exercises/<id>/similar-lessons/) the exercise page and the observation
form load through htmx.

Outside the library's scope (kvpt.review.lessons.library) -> 404; without the right to add tasks
to the chosen exercise -> 403; anonymous -> the login page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import (
    log_classified_read,
    log_classified_reads,
    marking_of,
    render_page,
)
from kvpt.exercises.selectors import exercise_list
from kvpt.review import lessons
from kvpt.review.models import ObservationArea, ObservationKind, ObservationState

app_name = "lessons"


def filters_from(data: Any) -> lessons.LessonFilters:
    return lessons.LessonFilters(
        q=str(data.get("q", "") or "")[:500],
        area=str(data.get("area", "") or ""),
        kind=str(data.get("kind", "") or ""),
        state=str(data.get("state", "") or ""),
        level=str(data.get("level", "") or ""),
        year=str(data.get("year", "") or ""),
        organisation=str(data.get("organisation", "") or ""),
    )


# Organisations offered in the filter's list at once; the rest are found by typing (a national
# reader's exercises are organised by thousands of agencies: a select of all costs the page).
ORGANISATION_OPTIONS = 30


def organisation_options(user: Any, typed: str = "", selected: str = "") -> list[tuple[int, str]]:
    """Organisations of the user's exercises whose folded code/name holds every typed word, the
    selected one first; at most ORGANISATION_OPTIONS."""
    from kvpt.core.text import fold
    from kvpt.organisations.models import Agency

    organising = Agency.objects.filter(
        pk__in=exercise_list(user).order_by().values("organisation_id")
    )
    chosen: list[tuple[int, str]] = []
    selected_id = lessons._as_int(selected) if selected else None
    if selected_id is not None:
        chosen = list(organising.filter(pk=selected_id).values_list("pk", "name"))
    found = organising.exclude(pk=selected_id) if selected_id is not None else organising
    for word in lessons.query_words(typed):
        found = found.filter(search_text__contains=fold(word))
    rows = found.order_by("name", "pk").values_list("pk", "name")[:ORGANISATION_OPTIONS]
    return chosen + list(rows)


def _choices(user: Any, filters: lessons.LessonFilters) -> dict[str, Any]:
    """Levels, years and organisations offered by the filters: those of the user's exercises."""
    from kvpt.organisations.models import AreaLevel

    exercises = exercise_list(user).order_by()
    # DISTINCT in the database: a national reader sees thousands of exercises.
    years = list(exercises.values_list("year", flat=True).distinct().order_by("-year"))
    return {
        "areas": ObservationArea.choices,
        "kinds": ObservationKind.choices,
        "states": ObservationState.choices,
        "levels": list(AreaLevel.objects.order_by("rank").values_list("pk", "name")),
        "years": years,
        "organisations": organisation_options(user, selected=filters.organisation),
    }


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


@login_required
def library_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = filters_from(request.GET)
    page = lessons.search_page(user, filters, request.GET.get("page"))
    log_classified_reads(user, page.items)
    query = request.GET.copy()
    query.pop("page", None)
    searched = any(
        [
            filters.q,
            filters.area,
            filters.kind,
            filters.state,
            filters.level,
            filters.year,
            filters.organisation,
        ]
    )
    return render_page(
        request,
        "review/lessons/library.html",
        {
            "title": _("Thư viện bài học"),
            "page": page,
            "filters": filters,
            "words": filters.words,
            "searched": searched,
            "query_string": query.urlencode(),
            "breadcrumbs": [(_("Thư viện bài học"), None)],
            "page_classification": marking_of(o.classification for o in page.items),
            # The filters' lists are not in the results partial htmx asks for while one types.
            **({} if _is_partial(request) else _choices(user, filters)),
        },
        partial="review/lessons/partials/results.html",
    )


def _task_targets(user: Any) -> list[Any]:
    """Exercises being planned to which the user may add tasks (the first 50)."""
    from kvpt.preparation.services.tasks import can_add_tasks

    return [e for e in lessons.task_exercises(user)[:50] if can_add_tasks(user, e)]


@login_required
def organisation_options_view(request: HttpRequest) -> HttpResponse:
    """The organisation filter's options for what is typed in its search box (htmx)."""
    typed = str(request.GET.get("organisation_q", "") or "")[:200]
    selected = str(request.GET.get("organisation", "") or "")
    return render_page(
        request,
        "review/lessons/partials/organisation_options.html",
        {
            "organisations": organisation_options(request.user, typed, selected),
            "selected": selected,
        },
    )


@login_required
def lesson_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    observation = get_visible_or_404(lessons.library(user), pk=pk)
    log_classified_read(user, observation)
    can_turn = observation.state in lessons.OPEN_LESSON_STATES
    return render_page(
        request,
        "review/lessons/detail.html",
        {
            "observation": observation,
            "exercise": observation.exercise,
            "can_turn": can_turn,
            "target_exercises": _task_targets(user) if can_turn else [],
            "breadcrumbs": [
                (_("Thư viện bài học"), "/lessons/"),
                (observation.code, None),
            ],
            "page_classification": observation.classification,
        },
    )


@login_required
@require_POST
def lesson_to_task_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    observation = get_visible_or_404(lessons.library(user), pk=pk)
    exercise = get_visible_or_404(exercise_list(user), pk=request.POST.get("exercise") or 0)
    try:
        task = lessons.lesson_to_task(observation=observation, exercise=exercise, actor=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("lessons:detail", pk=observation.pk)
    messages.success(
        request,
        _("Đã thêm công việc %(code)s vào cuộc diễn tập %(exercise)s.")
        % {"code": task.code, "exercise": exercise.code},
    )
    return redirect(task.get_absolute_url())


@login_required
def similar_lessons_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """The panel: the five lessons most like the typed text (?text=...), or like the exercise."""
    user = request.user
    exercise = get_visible_or_404(exercise_list(user), pk=exercise_pk)
    typed = " ".join(
        str(request.GET.get(name, "") or "")[:4000]
        for name in ("text", "observation", "discussion", "conclusion", "recommendation")
    ).strip()
    text = typed or lessons.exercise_text(exercise)
    found = lessons.similar_lessons(user, exercise, text)
    log_classified_reads(user, [s.observation for s in found])
    return render_page(
        request,
        "review/lessons/partials/similar.html",
        {"exercise": exercise, "similar": found, "typed": bool(typed)},
    )


urlpatterns = [
    path("", library_view, name="library"),
    path("organisations/", organisation_options_view, name="organisation_options"),
    path("<int:pk>/", lesson_detail_view, name="detail"),
    path("<int:pk>/task/", lesson_to_task_view, name="to_task"),
]

# Under /exercises/ (kvpt.review.urls): the panel of one exercise.
exercise_patterns = [
    path(
        "<int:exercise_pk>/similar-lessons/",
        similar_lessons_view,
        name="similar_lessons",
    ),
]
