"""Exercise pages: list, detail, create, edit, status, delete. They parse, call, render.

Outside the user's scope -> 404 (the selector hides it); in scope without the role -> 403
(require_perm); anonymous -> the login page (login_required).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kvpt.core.crud import detail_header
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.views_helpers import log_classified_read, marking_of, paginate, render_page
from kvpt.exercises.forms import ExerciseFilterForm, ExerciseForm
from kvpt.exercises.models import ExerciseStatus
from kvpt.exercises.selectors import (
    exercise_filter_areas,
    exercise_list,
    exercise_search,
    exercise_years,
)
from kvpt.exercises.services import (
    DELETABLE_STATUSES,
    TRANSITIONS,
    addable_areas,
    allowed_statuses,
    can_add_somewhere,
    exercise_create,
    exercise_delete,
    exercise_set_status,
    exercise_update,
)

STATUS_BADGES: dict[str, str] = {
    ExerciseStatus.CONDUCTING: "badge-warn",
    ExerciseStatus.REVIEWING: "badge-warn",
    ExerciseStatus.CLOSED: "badge-ok",
}


def _list_crumb() -> tuple[str, str]:
    return (_("Diễn tập"), reverse("exercises:list"))


def _addable_area_queryset(user: Any, also: int | None = None) -> QuerySet[Any]:
    """Areas where the user may place an exercise (plus `also`, the exercise's current area)."""
    from kvpt.organisations.models import Area
    from kvpt.organisations.selectors import area_list

    ids = [area.pk for area in addable_areas(user, area_list(user))]
    if also is not None:
        ids.append(also)
    return Area.objects.filter(pk__in=ids).select_related("level").order_by("path")


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


def _levels() -> QuerySet[Any]:
    from kvpt.organisations.selectors import area_level_list

    return area_level_list()


@login_required
def exercise_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    filter_form = ExerciseFilterForm(
        request.GET, years=exercise_years(user), areas=exercise_filter_areas(user)
    )
    filters = filter_form.filters()
    page = paginate(request, exercise_search(user, filters))
    rows = list(page.object_list)
    for row in rows:
        row.status_badge = STATUS_BADGES.get(row.status, "")
    table_classification = marking_of(row.classification for row in rows)
    return render_page(
        request,
        "exercises/list.html",
        {
            "page_obj": page,
            "rows": rows,
            "filter_form": filter_form,
            "is_filtered": any(vars(filters).values()),
            "can_add": can_add_somewhere(user),
            "page_classification": table_classification,
            "table_classification": table_classification,
            # A swapped-in table carries its own marking: the page's banner is not re-rendered.
            "is_htmx": _is_htmx(request),
            "breadcrumbs": [(_("Diễn tập"), None)],
        },
        partial="exercises/partials/table.html",
    )


@login_required
def exercise_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_visible_or_404(exercise_list(request.user), pk=pk)
    log_classified_read(request.user, exercise)
    can_edit = request.user.has_perm("exercises.change_exercise", exercise)
    transitions = (
        [ExerciseStatus(s) for s in allowed_statuses(exercise) if s in TRANSITIONS[exercise.status]]
        if can_edit
        else []
    )
    return render_page(
        request,
        "exercises/detail.html",
        {
            "exercise": exercise,
            "status_badge": STATUS_BADGES.get(exercise.status, ""),
            "transitions": transitions,
            **detail_header(
                exercise,
                can_manage=can_edit,
                edit="exercises:edit",
                delete="exercises:delete" if exercise.status in DELETABLE_STATUSES else None,
            ),
            "page_classification": exercise.classification,
            "breadcrumbs": [_list_crumb(), (exercise.code, None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exercise_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    areas = _addable_area_queryset(user)
    if not areas.exists():
        raise PermissionDenied(_("Bạn không có quyền tạo cuộc diễn tập ở địa bàn nào."))
    statuses = [ExerciseStatus.DRAFT, ExerciseStatus.PLANNED]
    initial: dict[str, Any] = {"status": ExerciseStatus.DRAFT}
    if request.GET.get("area", "").isdigit():
        initial["area"] = int(request.GET["area"])
    form = ExerciseForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=user,
        areas=areas,
        levels=_levels(),
        statuses=statuses,
    )
    if request.method == "POST" and form.is_valid():
        try:
            exercise = exercise_create(**form.service_kwargs(), actor=user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Đã tạo cuộc diễn tập %(code)s.") % {"code": exercise.code})
            return redirect(exercise)
    return render_page(
        request,
        "exercises/form.html",
        {
            "form": form,
            "title": _("Thêm cuộc diễn tập"),
            "cancel_url": reverse("exercises:list"),
            "breadcrumbs": [_list_crumb(), (_("Thêm mới"), None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exercise_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = get_visible_or_404(exercise_list(user), pk=pk)
    require_perm(user, "exercises.change_exercise", exercise)
    log_classified_read(user, exercise)
    form = ExerciseForm(
        request.POST if request.method == "POST" else None,
        initial=ExerciseForm.initial_from(exercise),
        user=user,
        areas=_addable_area_queryset(user, also=exercise.area_id),
        levels=_levels(),
        statuses=allowed_statuses(exercise),
    )
    form.fields["version"].required = True
    status = 200
    current = None
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        version = form.cleaned_data["version"]
        try:
            exercise_update(exercise=exercise, expected_version=version, actor=user, **kwargs)
        except ConcurrentEditError as exc:
            # Keep what the user typed (the bound form) and show what is stored now beside it.
            form.add_error(None, exc)
            status = 409
            current = exercise_list(user).filter(pk=pk).first()
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Đã lưu cuộc diễn tập %(code)s.") % {"code": exercise.code})
            return redirect(exercise)
    return render_page(
        request,
        "exercises/form.html",
        {
            "form": form,
            "exercise": exercise,
            "current": current,
            "title": _("Sửa cuộc diễn tập"),
            "cancel_url": exercise.get_absolute_url(),
            "page_classification": max(
                exercise.classification, current.classification if current else 0
            ),
            "breadcrumbs": [
                _list_crumb(),
                (exercise.code, exercise.get_absolute_url()),
                (_("Sửa"), None),
            ],
        },
        status=status,
    )


@login_required
@require_POST
def exercise_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = get_visible_or_404(exercise_list(user), pk=pk)
    require_perm(user, "exercises.change_exercise", exercise)
    version = request.POST.get("version", "")
    try:
        exercise_set_status(
            exercise=exercise,
            status=request.POST.get("status", ""),
            actor=user,
            expected_version=int(version) if version.isdigit() else None,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã chuyển sang trạng thái “%(status)s”.")
            % {"status": exercise.get_status_display()},
        )
    return redirect(exercise)


@login_required
@require_http_methods(["GET", "POST"])
def exercise_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = get_visible_or_404(exercise_list(user), pk=pk)
    require_perm(user, "exercises.delete_exercise", exercise)
    errors: list[str] = []
    if request.method == "POST":
        code = exercise.code
        try:
            exercise_delete(exercise=exercise, actor=user)
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("Đã xóa cuộc diễn tập %(code)s.") % {"code": code})
            return redirect("exercises:list")
    return render_page(
        request,
        "exercises/confirm_delete.html",
        {
            "exercise": exercise,
            "errors": errors,
            "page_classification": exercise.classification,
            "breadcrumbs": [
                _list_crumb(),
                (exercise.code, exercise.get_absolute_url()),
                (_("Xóa"), None),
            ],
        },
        status=422 if errors else 200,
    )
