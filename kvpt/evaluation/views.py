"""Pages of the evaluation of an exercise (/exercises/<id>/evaluation/): criteria sets, the
evaluator's own quick rating form (htmx, one row per criterion), the comparison of ratings across
evaluators with the chief evaluator's official results, the overall grade and the awards.

Outside the user's scope -> 404; in scope without the right -> 403; anonymous -> the login page.
"""

from __future__ import annotations

import copy
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.views_helpers import log_classified_reads, marking_of, render_page
from kvpt.evaluation import selectors, services
from kvpt.evaluation.forms import AwardForm, CriteriaSetForm, CriterionForm, GradeForm
from kvpt.evaluation.models import (
    Award,
    CriteriaSet,
    Criterion,
    Evaluation,
    ExerciseGrade,
    ScaleLevel,
    TargetKind,
)
from kvpt.exercises.selectors import exercise_list

CRITERIA_SET: crud.Entity[CriteriaSet] = crud.Entity(
    name="criteria_set",
    visible=selectors.criteria_set_list,
    perm=services.MANAGE_CRITERIA,
    create=services.criteria_set_create,
    update=services.criteria_set_update,
    delete=services.criteria_set_delete,
)
CRITERION: crud.Entity[Criterion] = crud.Entity(
    name="criterion",
    visible=selectors.criterion_list,
    perm=services.MANAGE_CRITERIA,
    create=services.criterion_create,
    update=services.criterion_update,
    delete=services.criterion_delete,
)
AWARD: crud.Entity[Award] = crud.Entity(
    name="award",
    visible=selectors.award_list,
    perm=services.MANAGE_AWARDS,
    create=services.award_create,
    update=services.award_update,
    delete=services.award_delete,
)


# --- helpers ---------------------------------------------------------------------------------


def _exercise(user: Any, exercise_pk: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_pk)


def _record(entity: crud.Entity[Any], user: Any, exercise_pk: int, pk: int) -> Any:
    return get_visible_or_404(entity.visible(user).filter(exercise_id=exercise_pk), pk=pk)


def _for_change(entity: crud.Entity[Any], user: Any, exercise_pk: int, pk: int) -> Any:
    obj = _record(entity, user, exercise_pk, pk)
    if not user.has_perm(entity.perm, obj):
        raise PermissionDenied(_("Bạn không có quyền sửa bản ghi này."))
    return obj


def _overview_url(exercise_id: int, anchor: str = "") -> str:
    url = reverse("evaluation:overview", args=[exercise_id])
    return f"{url}#{anchor}" if anchor else url


def _crumbs(exercise: Any, *more: tuple[str, str | None]) -> crud.Crumbs:
    return [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        (_("Đánh giá"), _overview_url(exercise.pk)),
        *more,
    ]


def _require(user: Any, perm: str, obj: Any, message: str) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(message)


def target_choices(user: Any, exercise: Any) -> list[tuple[str, str]]:
    """What the quick form can rate: the exercise, its phases, situations and mobilised units."""
    from kvpt.exercises.selectors import phase_list

    choices = [(f"exercise:{exercise.pk}", f"{_('Cuộc diễn tập')}: {exercise.name}")]
    for phase in phase_list(user).filter(exercise=exercise).order_by("order"):
        choices.append((f"phase:{phase.pk}", f"{_('Giai đoạn')} {phase}"))
    if services.situation_model() is not None:
        from kvpt.scenario.selectors import situation_list

        for situation in situation_list(user).filter(exercise=exercise):
            label = f"{getattr(situation, 'code', '')} {getattr(situation, 'title', situation)}"
            choices.append((f"situation:{situation.pk}", f"{_('Tình huống')} {label}"))
    # The units the exercise mobilised (its force allocations), when the forces app is there.
    try:
        allocation = apps.get_model("forces", "ForceAllocation")
    except LookupError:
        return choices
    from kvpt.organisations.selectors import unit_list

    allocated = allocation._default_manager.filter(exercise=exercise).values("unit_id")
    for unit in unit_list(user).filter(pk__in=allocated).order_by("name"):
        choices.append((f"unit:{unit.pk}", f"{_('Đơn vị')} {unit.name}"))
    return choices


def parse_target(value: str | None, exercise: Any) -> tuple[str, int]:
    kind, _sep, raw = (value or "").partition(":")
    if kind not in TargetKind.values or not raw.isdigit():
        return TargetKind.EXERCISE, exercise.pk
    return kind, int(raw)


def _levels_by_scale(criteria_sets: list[CriteriaSet]) -> dict[int, list[ScaleLevel]]:
    return {s.scale_id: list(s.scale.levels.all()) for s in criteria_sets}


# --- the page --------------------------------------------------------------------------------


def _my_rows(
    user: Any, exercise: Any, criteria_sets: list[CriteriaSet], kind: str, target_id: int
) -> list[dict[str, Any]]:
    mine = {
        e.criterion_id: e
        for e in selectors.evaluation_list(user).filter(
            exercise=exercise, evaluator=user, target_kind=kind, target_id=target_id
        )
    }
    return [
        {"criterion": c, "set": s, "levels": list(s.scale.levels.all()), "rating": mine.get(c.pk)}
        for s in criteria_sets
        for c in s.criteria.all()
    ]


@login_required
def overview_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    criteria_sets = list(selectors.criteria_set_list(user).filter(exercise=exercise))
    compared = selectors.comparison(user, exercise, criteria_sets)
    grade = selectors.grade_list(user).filter(exercise=exercise).first()
    awards = list(selectors.award_list(user).filter(exercise=exercise))
    can_evaluate = user.has_perm(services.EVALUATE, Evaluation(exercise=exercise))
    can_decide = user.has_perm(services.DECIDE, exercise)
    kind, target_id = parse_target(request.GET.get("target"), exercise)
    targets = target_choices(user, exercise) if can_evaluate else []
    all_levels = list(ScaleLevel.objects.select_related("scale").order_by("scale__name", "order"))
    levels_by_scale = _levels_by_scale(criteria_sets)
    for row in compared.rows:
        row.level_choices = (
            levels_by_scale.get(row.scale_id, all_levels) if row.scale_id else all_levels
        )
    ratings = [r for row in compared.rows for r in row.ratings]
    log_classified_reads(user, ratings)
    return render_page(
        request,
        "evaluation/overview.html",
        {
            "exercise": exercise,
            "criteria_sets": criteria_sets,
            "comparison": compared,
            "grade": grade,
            "awards": awards,
            "can_evaluate": can_evaluate,
            "can_decide": can_decide,
            "can_manage_criteria": user.has_perm(
                services.MANAGE_CRITERIA, CriteriaSet(exercise=exercise)
            ),
            "can_manage_awards": user.has_perm(services.MANAGE_AWARDS, Award(exercise=exercise)),
            "targets": targets,
            "target": f"{kind}:{target_id}",
            "my_rows": _my_rows(user, exercise, criteria_sets, kind, target_id)
            if can_evaluate
            else [],
            "breadcrumbs": [*_crumbs(exercise)[:-1], (_("Đánh giá"), None)],
            "page_classification": marking_of(
                [exercise.classification, *(r.classification for r in ratings)]
            ),
        },
    )


# --- the evaluator's quick form (htmx: one row saved at a time) ------------------------------


@login_required
@require_POST
def rate_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    _require(
        user,
        services.EVALUATE,
        Evaluation(exercise=exercise),
        _("Bạn không có quyền đánh giá cuộc diễn tập này."),
    )
    criterion = get_visible_or_404(
        selectors.criterion_list(user).filter(exercise=exercise),
        pk=request.POST.get("criterion"),
    )
    kind, target_id = parse_target(request.POST.get("target"), exercise)
    level = ScaleLevel.objects.filter(pk=request.POST.get("level") or 0).first()
    version = request.POST.get("version")
    error, status = "", 200
    try:
        if level is None:
            raise ValidationError({"level": _("Hãy chọn một mức đánh giá.")})
        rating: Evaluation | None = services.evaluation_save(
            exercise=exercise,
            criterion=criterion,
            level=level,
            comment=request.POST.get("comment", ""),
            target_kind=kind,
            target_id=target_id,
            expected_version=int(version) if version and version.isdigit() else None,
            actor=user,
        )
    except ConcurrentEditError as exc:
        error, status, rating = exc.messages[0], 409, None
    except ValidationError as exc:
        error, status, rating = " ".join(exc.messages), 422, None
    if rating is None:
        rating = Evaluation.objects.filter(
            exercise=exercise,
            evaluator_id=user.pk,
            criterion=criterion,
            target_kind=kind,
            target_id=target_id if kind != TargetKind.EXERCISE else exercise.pk,
        ).first()
    row = {
        "criterion": criterion,
        "set": criterion.criteria_set,
        "levels": list(criterion.criteria_set.scale.levels.order_by("order")),
        "rating": rating,
    }
    context = {
        "exercise": exercise,
        "row": row,
        "target": f"{kind}:{target_id}",
        "error": error,
        "saved": not error,
    }
    if not getattr(request, "htmx", False):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Đã lưu đánh giá."))
        return redirect(f"{_overview_url(exercise.pk)}?target={kind}:{target_id}#mine")
    return render_page(request, "evaluation/partials/my_row.html", context, status=status)


# --- the chief evaluator's official result and the grade -------------------------------------


@login_required
@require_POST
def decide_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    _require(
        user,
        services.DECIDE,
        exercise,
        _("Chỉ trưởng đoàn đánh giá (cấp trên) mới quyết định kết quả chính thức."),
    )
    criterion = None
    if request.POST.get("criterion"):
        criterion = get_visible_or_404(
            selectors.criterion_list(user).filter(exercise=exercise),
            pk=request.POST.get("criterion"),
        )
    kind, target_id = parse_target(request.POST.get("target"), exercise)
    level = ScaleLevel.objects.filter(pk=request.POST.get("level") or 0).first()
    version = request.POST.get("version")
    try:
        if level is None:
            raise ValidationError({"level": _("Hãy chọn một mức đánh giá.")})
        services.official_result_set(
            exercise=exercise,
            criterion=criterion,
            level=level,
            rationale=request.POST.get("rationale", ""),
            target_kind=kind,
            target_id=target_id,
            expected_version=int(version) if version and version.isdigit() else None,
            actor=user,
        )
    except ConcurrentEditError as exc:
        return _refused(request, exercise_pk, exc.messages[0], 409)
    except ValidationError as exc:
        return _refused(request, exercise_pk, " ".join(exc.messages), 422)
    messages.success(request, _("Đã ghi kết quả chính thức."))
    return redirect(_overview_url(exercise.pk, "comparison"))


def _refused(request: HttpRequest, exercise_pk: int, message: str, status: int) -> HttpResponse:
    """The page again, with why the decision was not recorded (409 stale, 422 refused)."""
    messages.error(request, message)
    response = overview_view(request, exercise_pk)
    response.status_code = status
    return response


@login_required
@require_http_methods(["GET", "POST"])
def grade_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    _require(
        user,
        services.DECIDE,
        exercise,
        _("Chỉ trưởng đoàn đánh giá (cấp trên) mới xếp loại cuộc diễn tập."),
    )
    current = ExerciseGrade.objects.filter(exercise=exercise).first()
    instance = copy.copy(current) if current else ExerciseGrade(exercise=exercise)
    form = GradeForm(request.POST or None, instance=instance, user=user)
    return crud.form_page(
        request,
        form,
        save=lambda: services.grade_set(
            exercise=exercise,
            **form.service_data(),
            expected_version=form.expected_version,
            actor=user,
        ),
        saved=_("Đã ghi xếp loại “%(obj)s”."),
        title=_("Xếp loại cuộc diễn tập %(code)s") % {"code": exercise.code},
        breadcrumbs=[*_crumbs(exercise), (_("Xếp loại"), None)],
        cancel_url=_overview_url(exercise.pk),
        classification=exercise.classification,
        success_url=lambda obj: _overview_url(exercise.pk, "grade"),
    )


# --- criteria sets and criteria --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def criteria_set_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    _require(
        user,
        services.MANAGE_CRITERIA,
        CriteriaSet(exercise=exercise),
        _("Bạn không có quyền lập bộ tiêu chí của cuộc diễn tập này."),
    )
    form = CriteriaSetForm(request.POST or None, instance=CriteriaSet(exercise=exercise), user=user)
    return crud.form_page(
        request,
        form,
        save=lambda: services.criteria_set_create(
            exercise=exercise, **form.service_data(), actor=user
        ),
        saved=_("Đã thêm bộ tiêu chí “%(obj)s”."),
        title=_("Thêm bộ tiêu chí"),
        breadcrumbs=[*_crumbs(exercise), (_("Thêm bộ tiêu chí"), None)],
        cancel_url=_overview_url(exercise.pk),
        classification=exercise.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def criteria_set_edit_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    obj = _for_change(CRITERIA_SET, request.user, exercise_pk, pk)
    form = CriteriaSetForm(request.POST or None, instance=copy.copy(obj), user=request.user)
    return crud.form_page(
        request,
        form,
        save=lambda: CRITERIA_SET.change(
            obj, form.service_data(), expected_version=form.expected_version, actor=request.user
        ),
        saved=_("Đã lưu bộ tiêu chí “%(obj)s”."),
        title=_("Sửa bộ tiêu chí “%(obj)s”") % {"obj": obj},
        breadcrumbs=[*_crumbs(obj.exercise), (_("Sửa"), None)],
        cancel_url=_overview_url(exercise_pk),
        classification=obj.exercise.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def criteria_set_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    obj = _for_change(CRITERIA_SET, request.user, exercise_pk, pk)
    return crud.delete_page(
        request,
        CRITERIA_SET,
        obj,
        what=_("bộ tiêu chí"),
        breadcrumbs=_crumbs(obj.exercise),
        success_url=_overview_url(exercise_pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_create_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    criteria_set = _for_change(CRITERIA_SET, request.user, exercise_pk, pk)
    instance = Criterion(exercise=criteria_set.exercise, criteria_set=criteria_set)
    form = CriterionForm(request.POST or None, instance=instance, user=request.user)
    return crud.form_page(
        request,
        form,
        save=lambda: services.criterion_create(
            criteria_set=criteria_set, **form.service_data(), actor=request.user
        ),
        saved=_("Đã thêm tiêu chí “%(obj)s”."),
        title=_("Thêm tiêu chí vào “%(set)s”") % {"set": criteria_set},
        breadcrumbs=[*_crumbs(criteria_set.exercise), (_("Thêm tiêu chí"), None)],
        cancel_url=_overview_url(exercise_pk),
        classification=criteria_set.exercise.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    obj = _for_change(CRITERION, request.user, exercise_pk, pk)
    form = CriterionForm(request.POST or None, instance=copy.copy(obj), user=request.user)
    return crud.form_page(
        request,
        form,
        save=lambda: CRITERION.change(
            obj, form.service_data(), expected_version=form.expected_version, actor=request.user
        ),
        saved=_("Đã lưu tiêu chí “%(obj)s”."),
        title=_("Sửa tiêu chí “%(obj)s”") % {"obj": obj.code},
        breadcrumbs=[*_crumbs(obj.exercise), (_("Sửa tiêu chí"), None)],
        cancel_url=_overview_url(exercise_pk),
        classification=obj.exercise.classification,
        success_url=lambda saved: _overview_url(exercise_pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    obj = _for_change(CRITERION, request.user, exercise_pk, pk)
    return crud.delete_page(
        request,
        CRITERION,
        obj,
        what=_("tiêu chí"),
        breadcrumbs=_crumbs(obj.exercise),
        success_url=_overview_url(exercise_pk),
    )


# --- awards ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def award_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    _require(
        user,
        services.MANAGE_AWARDS,
        Award(exercise=exercise),
        _("Bạn không có quyền ghi khen thưởng của cuộc diễn tập này."),
    )
    form = AwardForm(request.POST or None, instance=Award(exercise=exercise), user=user)
    return crud.form_page(
        request,
        form,
        save=lambda: services.award_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm khen thưởng “%(obj)s”."),
        title=_("Thêm khen thưởng"),
        breadcrumbs=[*_crumbs(exercise), (_("Thêm khen thưởng"), None)],
        cancel_url=_overview_url(exercise.pk, "awards"),
        classification=exercise.classification,
        success_url=lambda obj: _overview_url(exercise.pk, "awards"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_edit_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    obj = _for_change(AWARD, request.user, exercise_pk, pk)
    form = AwardForm(request.POST or None, instance=copy.copy(obj), user=request.user)
    return crud.form_page(
        request,
        form,
        save=lambda: AWARD.change(
            obj, form.service_data(), expected_version=form.expected_version, actor=request.user
        ),
        saved=_("Đã lưu khen thưởng “%(obj)s”."),
        title=_("Sửa khen thưởng “%(obj)s”") % {"obj": obj.code},
        breadcrumbs=[*_crumbs(obj.exercise), (_("Sửa khen thưởng"), None)],
        cancel_url=_overview_url(exercise_pk, "awards"),
        classification=obj.exercise.classification,
        success_url=lambda saved: _overview_url(exercise_pk, "awards"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    obj = _for_change(AWARD, request.user, exercise_pk, pk)
    return crud.delete_page(
        request,
        AWARD,
        obj,
        what=_("khen thưởng"),
        breadcrumbs=_crumbs(obj.exercise),
        success_url=_overview_url(exercise_pk, "awards"),
    )


P = "<int:exercise_pk>/evaluation/"
urlpatterns = [
    path(P, overview_view, name="overview"),
    path(f"{P}rate/", rate_view, name="rate"),
    path(f"{P}decide/", decide_view, name="decide"),
    path(f"{P}grade/", grade_view, name="grade"),
    path(f"{P}criteria/add/", criteria_set_create_view, name="criteria_set_create"),
    path(f"{P}criteria/<int:pk>/edit/", criteria_set_edit_view, name="criteria_set_edit"),
    path(f"{P}criteria/<int:pk>/delete/", criteria_set_delete_view, name="criteria_set_delete"),
    path(f"{P}criteria/<int:pk>/add/", criterion_create_view, name="criterion_create"),
    path(f"{P}criterion/<int:pk>/edit/", criterion_edit_view, name="criterion_edit"),
    path(f"{P}criterion/<int:pk>/delete/", criterion_delete_view, name="criterion_delete"),
    path(f"{P}awards/add/", award_create_view, name="award_create"),
    path(f"{P}awards/<int:pk>/edit/", award_edit_view, name="award_edit"),
    path(f"{P}awards/<int:pk>/delete/", award_delete_view, name="award_delete"),
]
