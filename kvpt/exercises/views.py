"""Exercise pages: list, detail, create, edit, transitions, copy, delete. Parse, call, render.

Outside the user's scope -> 404 (the selector hides it); in scope without the role -> 403
(require_perm); anonymous -> the login page (login_required).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kvpt.core.crud import detail_header
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import ConcurrentEditError, ExerciseClosedError
from kvpt.core.views_helpers import log_classified_read, marking_of, paginate, render_page
from kvpt.exercises.forms import (
    CopyStructureForm,
    ExerciseFilterForm,
    ExerciseForm,
    TransitionForm,
)
from kvpt.exercises.models import ExerciseStatus
from kvpt.exercises.selectors import (
    exercise_filter_areas,
    exercise_list,
    exercise_search,
    exercise_years,
)
from kvpt.exercises.services import (
    DELETABLE_STATUSES,
    addable_areas,
    allowed_statuses,
    can_add_somewhere,
    can_reopen,
    conducting_blockers,
    directing_choices,
    exercise_copy_structure,
    exercise_create,
    exercise_delete,
    exercise_transition,
    exercise_update,
    needs_reason,
    organisation_choices,
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


def _optional_url(name: str, *args: Any) -> str | None:
    """A link to a page another part of the app may not provide yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _transition_choices(user: Any, exercise: Any) -> list[dict[str, Any]]:
    """The moves the detail page offers the user as buttons."""
    if not user.has_perm("exercises.change_exercise", exercise):
        return []
    moves = []
    for status in allowed_statuses(exercise):
        if exercise.status == ExerciseStatus.CLOSED and not can_reopen(user, exercise):
            continue
        moves.append(
            {
                "status": ExerciseStatus(status),
                "needs_reason": needs_reason(exercise.status, status),
                "is_back": _is_back(exercise.status, status),
                "blockers": conducting_blockers(exercise)
                if status == ExerciseStatus.CONDUCTING
                else [],
            }
        )
    return moves


# The parts of an exercise other pages show, in the order of the work (linked when present).
SECTIONS: tuple[tuple[str, Any], ...] = (
    ("exercises:structure", gettext_lazy("Giai đoạn, nội dung")),
    ("exercises:calendar", gettext_lazy("Lịch, mốc thời gian")),
    ("exercises:committees", gettext_lazy("Các ban, tiểu ban")),
    ("preparation:task_list", gettext_lazy("Công việc chuẩn bị")),
    ("preparation:document_list", gettext_lazy("Văn kiện")),
    ("preparation:work_list", gettext_lazy("Công trình")),
    ("preparation:budget", gettext_lazy("Kinh phí")),
    ("preparation:readiness", gettext_lazy("Mức độ sẵn sàng")),
    ("forces:mobilisation", gettext_lazy("Lực lượng huy động")),
    ("forces:roster", gettext_lazy("Danh sách người tham gia")),
    ("forces:weapons", gettext_lazy("Vũ khí, trang bị")),
    ("scenario:situation_list", gettext_lazy("Tình huống")),
    ("scenario:msel", gettext_lazy("Kịch bản (MSEL)")),
    ("scenario:conduct", gettext_lazy("Điều hành diễn tập")),
    ("evaluation:overview", gettext_lazy("Đánh giá")),
    ("review:overview", gettext_lazy("Tổng kết, rút kinh nghiệm")),
    ("reports:list", gettext_lazy("Báo cáo")),
    ("reports:charts", gettext_lazy("Biểu đồ")),
)


def _section_links(pk: int) -> list[tuple[str, str]]:
    links = [(_optional_url(name, pk), label) for name, label in SECTIONS]
    return [(url, str(label)) for url, label in links if url]


_ORDER = list(ExerciseStatus.values)


def _is_back(old: str, new: str) -> bool:
    return new != ExerciseStatus.CANCELLED and _ORDER.index(new) < _ORDER.index(old)


@login_required
def exercise_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = get_visible_or_404(
        exercise_list(user).select_related("organisation", "directing_organisation", "copied_from"),
        pk=pk,
    )
    log_classified_read(user, exercise)
    can_edit = user.has_perm("exercises.change_exercise", exercise)
    copied_from = exercise.copied_from
    if copied_from is not None and not exercise_list(user).filter(pk=copied_from.pk).exists():
        copied_from = None  # the source is not the reader's to see
    return render_page(
        request,
        "exercises/detail.html",
        {
            "exercise": exercise,
            "status_badge": STATUS_BADGES.get(exercise.status, ""),
            "transitions": _transition_choices(user, exercise),
            "history": exercise.transitions.select_related("by"),
            "copied_from": copied_from,
            "can_copy": can_add_somewhere(user),
            "section_links": _section_links(exercise.pk),
            **detail_header(
                exercise,
                can_manage=can_edit,
                edit="exercises:edit" if exercise.status != ExerciseStatus.CLOSED else None,
                delete="exercises:delete" if exercise.status in DELETABLE_STATUSES else None,
            ),
            "page_classification": exercise.classification,
            "breadcrumbs": [_list_crumb(), (exercise.code, None)],
        },
    )


def _form_choices(user: Any, exercise: Any = None) -> dict[str, Any]:
    """The choice lists of the exercise form; on an edit, the stored values stay selectable."""
    from kvpt.organisations.models import Agency

    organisations = organisation_choices(user)
    directing = directing_choices(user)
    if exercise is not None:
        organisations = Agency.objects.select_related("area").filter(
            Q(pk__in=organisations.values("pk")) | Q(pk=exercise.organisation_id)
        )
        directing = Agency.objects.select_related("area").filter(
            Q(pk__in=directing_choices(user, [exercise.area]).values("pk"))
            | Q(pk__in=directing.values("pk"))
            | Q(pk=exercise.directing_organisation_id)
        )
    return {
        "areas": _addable_area_queryset(user, also=exercise.area_id if exercise else None),
        "levels": _levels(),
        "organisations": organisations.order_by("area__path", "name"),
        "directing": directing.order_by("area__path", "name"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def exercise_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    choices = _form_choices(user)
    if not choices["areas"].exists():
        raise PermissionDenied(_("Bạn không có quyền tạo cuộc diễn tập ở địa bàn nào."))
    initial: dict[str, Any] = {}
    if request.GET.get("area", "").isdigit():
        initial["area"] = int(request.GET["area"])
    form = ExerciseForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=user,
        is_create=True,
        **choices,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                exercise = exercise_create(
                    **form.service_kwargs(),
                    standard_phases=form.cleaned_data["standard_phases"],
                    actor=user,
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request, _("Đã tạo cuộc diễn tập %(code)s.") % {"code": exercise.code}
                )
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
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def exercise_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = get_visible_or_404(exercise_list(user), pk=pk)
    require_perm(user, "exercises.change_exercise", exercise)
    log_classified_read(user, exercise)
    if exercise.status == ExerciseStatus.CLOSED:
        messages.error(request, str(ExerciseClosedError().messages[0]))
        return redirect(exercise)
    form = ExerciseForm(
        request.POST if request.method == "POST" else None,
        initial=ExerciseForm.initial_from(exercise),
        user=user,
        **_form_choices(user, exercise),
    )
    form.fields["version"].required = True
    status = 200
    current = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            version = form.cleaned_data["version"]
            try:
                saved = exercise_update(
                    exercise=exercise,
                    changes=form.changed_kwargs(exercise),
                    expected_version=version,
                    actor=user,
                )
            except ConcurrentEditError as exc:
                # Keep what the user typed (the bound form) and show what is stored now beside it.
                form.add_error(None, exc)
                status = 409
                current = exercise_list(user).filter(pk=pk).first()
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request, _("Đã lưu cuộc diễn tập %(code)s.") % {"code": saved.code}
                )
                return redirect(saved)
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
def exercise_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One move of the status from a button of the detail page; the answer is a flash message."""
    user = request.user
    exercise = get_visible_or_404(exercise_list(user), pk=pk)
    require_perm(user, "exercises.change_exercise", exercise)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Yêu cầu chuyển trạng thái không hợp lệ; hãy tải lại trang."))
        return redirect(exercise)
    try:
        saved = exercise_transition(
            exercise=exercise,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            actor=user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã chuyển sang trạng thái “%(status)s”.") % {"status": saved.get_status_display()},
        )
    return redirect(exercise)


@login_required
@require_http_methods(["GET", "POST"])
def exercise_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A new exercise with the structure of this one (never its results)."""
    user = request.user
    source = get_visible_or_404(exercise_list(user), pk=pk)
    log_classified_read(user, source)
    areas = _addable_area_queryset(user)
    if not areas.exists():
        raise PermissionDenied(_("Bạn không có quyền tạo cuộc diễn tập ở địa bàn nào."))
    initial: dict[str, Any] = {
        "name": source.name,
        "year": max(source.year + 1, dt.date.today().year),
        "copy_members": True,
    }
    if areas.filter(pk=source.area_id).exists():
        initial["area"] = source.area_id
    form = CopyStructureForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        areas=areas,
        levels=_levels(),
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                exercise = exercise_copy_structure(
                    source=source,
                    code=data["code"],
                    name=data["name"],
                    year=data["year"],
                    area=data["area"],
                    level=data["level"],
                    shift_days=data["shift_days"],
                    copy_members=data["copy_members"],
                    actor=user,
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("Đã tạo cuộc diễn tập %(code)s theo cấu trúc của %(source)s.")
                    % {"code": exercise.code, "source": source.code},
                )
                return redirect(exercise)
    return render_page(
        request,
        "exercises/copy.html",
        {
            "form": form,
            "source": source,
            "title": _("Sao cấu trúc từ %(code)s") % {"code": source.code},
            "cancel_url": source.get_absolute_url(),
            "page_classification": source.classification,
            "breadcrumbs": [
                _list_crumb(),
                (source.code, source.get_absolute_url()),
                (_("Sao cấu trúc"), None),
            ],
        },
        status=status,
    )


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
