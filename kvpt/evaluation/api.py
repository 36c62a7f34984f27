"""API of the evaluation (mounted by config/api.py at /api/v1/).

/evaluation/scales; /exercises/{exercise_id}/criteria-sets[/{criteria_set_id}[/criteria]],
/exercises/{exercise_id}/criteria/{criterion_id}, /exercises/{exercise_id}/evaluations[/{id}],
/exercises/{exercise_id}/official-results (PUT records the chief evaluator's decision),
/exercises/{exercise_id}/comparison, /exercises/{exercise_id}/grade,
/exercises/{exercise_id}/awards[/{award_id}]. Scoped like the pages: an exercise outside the
caller's scope is 404, a write without the role 403, anonymous 401, a stale `version` 409.
"""

# No `from __future__ import annotations`: ninja's paginate wrapper cannot resolve string types.
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kvpt.core.api import PagePagination
from kvpt.core.api_crud import (
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    LoggedPagePagination,
    get_logged,
    pick,
    reference,
)
from kvpt.core.models import AccessLog
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, log_classified_reads
from kvpt.evaluation import selectors, services
from kvpt.evaluation.models import (
    Award,
    CriteriaSet,
    Evaluation,
    ExerciseGrade,
    OfficialResult,
    RatingScale,
)
from kvpt.evaluation.schemas import (
    AwardIn,
    AwardOut,
    AwardPatch,
    ComparisonOut,
    CriteriaSetIn,
    CriteriaSetOut,
    CriteriaSetPatch,
    CriterionIn,
    CriterionOut,
    CriterionPatch,
    EvaluationIn,
    EvaluationOut,
    EvaluationPatch,
    EvaluationQuery,
    GradeIn,
    GradeOut,
    OfficialResultIn,
    OfficialResultOut,
    ScaleOut,
)
from kvpt.exercises.models import Exercise
from kvpt.exercises.selectors import exercise_list

router = Router(tags=["evaluation"])


# --- lookups -----------------------------------------------------------------------------------


def _exercise(request: HttpRequest, exercise_id: int) -> Exercise:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    log_classified_read(request.user, exercise, AccessLog.Action.API)
    return exercise


def _one(request: HttpRequest, queryset: QuerySet[Any], exercise_id: int, pk: int) -> Any:
    _exercise(request, exercise_id)
    return get_logged(request, queryset.filter(exercise_id=exercise_id), pk)


def _for_change(
    request: HttpRequest, queryset: QuerySet[Any], exercise_id: int, pk: int, perm: str
) -> Any:
    obj = _one(request, queryset, exercise_id, pk)
    require_perm(request.user, perm, obj)
    return obj


def _scale(
    user: Any, data: dict[str, Any], *, required: bool, current: Any = None
) -> dict[str, Any]:
    return reference(
        data,
        "scale",
        selectors.scale_list(user),
        _("thang đánh giá"),
        current=current,
        required=required,
    )


def _level(user: Any, data: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return reference(
        data,
        "level",
        selectors.level_list(user),
        _("mức đánh giá"),
        current=None,
        required=required,
    )


def _criterion(user: Any, data: dict[str, Any], exercise: Exercise) -> Any:
    found = reference(
        data,
        "criterion",
        selectors.criterion_list(user).filter(exercise=exercise),
        _("tiêu chí"),
        current=None,
    )
    return found.get("criterion")


def _directory(
    user: Any, data: dict[str, Any], names: tuple[str, ...], current: Any
) -> dict[str, Any]:
    from kvpt.organisations.selectors import agency_list, person_list, unit_list

    lists = {
        "agency": (agency_list, _("cơ quan")),
        "unit": (unit_list, _("đơn vị")),
        "person": (person_list, _("cá nhân")),
    }
    changes: dict[str, Any] = {}
    for name in names:
        selector, label = lists[name.rsplit("_", 1)[-1]]
        changes |= reference(data, name, selector(user), label, current=current)
    return changes


# --- scales ------------------------------------------------------------------------------------


@router.get(
    "/evaluation/scales",
    response={200: list[ScaleOut], **READ_ERRORS},
    summary="Các thang đánh giá và mức của chúng",
)
@paginate(PagePagination)
def list_scales(request: HttpRequest) -> QuerySet[RatingScale]:
    return selectors.scale_list(request.user)


# --- criteria sets and criteria ----------------------------------------------------------------


@router.get(
    "/exercises/{int:exercise_id}/criteria-sets",
    response={200: list[CriteriaSetOut], **READ_ERRORS},
    summary="Các bộ tiêu chí của cuộc diễn tập",
)
@paginate(PagePagination)
def list_criteria_sets(request: HttpRequest, exercise_id: int) -> QuerySet[CriteriaSet]:
    exercise = _exercise(request, exercise_id)
    return selectors.criteria_set_list(request.user).filter(exercise=exercise)


@router.post(
    "/exercises/{int:exercise_id}/criteria-sets",
    response={201: CriteriaSetOut, **WRITE_ERRORS},
    summary="Thêm bộ tiêu chí",
)
def create_criteria_set(request: HttpRequest, exercise_id: int, payload: CriteriaSetIn) -> Any:
    user = request.user
    exercise = _exercise(request, exercise_id)
    require_perm(user, services.MANAGE_CRITERIA, CriteriaSet(exercise=exercise))
    data = payload.model_dump(exclude_none=True)
    record = services.criteria_set_create(
        exercise=exercise,
        name=payload.name,
        code=payload.code,
        is_illustrative=payload.is_illustrative,
        actor=user,
        **_scale(user, data, required=True),
    )
    return Status(201, get_visible_or_404(selectors.criteria_set_list(user), pk=record.pk))


@router.get(
    "/exercises/{int:exercise_id}/criteria-sets/{int:criteria_set_id}",
    response={200: CriteriaSetOut, **READ_ERRORS},
    summary="Một bộ tiêu chí",
)
def get_criteria_set(request: HttpRequest, exercise_id: int, criteria_set_id: int) -> Any:
    return _one(request, selectors.criteria_set_list(request.user), exercise_id, criteria_set_id)


@router.patch(
    "/exercises/{int:exercise_id}/criteria-sets/{int:criteria_set_id}",
    response={200: CriteriaSetOut, **UPDATE_ERRORS},
    summary="Sửa bộ tiêu chí",
)
def patch_criteria_set(
    request: HttpRequest, exercise_id: int, criteria_set_id: int, payload: CriteriaSetPatch
) -> Any:
    user = request.user
    obj = _for_change(
        request,
        selectors.criteria_set_list(user),
        exercise_id,
        criteria_set_id,
        services.MANAGE_CRITERIA,
    )
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = pick(data, ("name", "code", "is_illustrative")) | _scale(
        user, data, required=False, current=obj
    )
    services.criteria_set_update(
        criteria_set=obj, changes=changes, expected_version=version, actor=user
    )
    return get_visible_or_404(selectors.criteria_set_list(user), pk=obj.pk)


@router.delete(
    "/exercises/{int:exercise_id}/criteria-sets/{int:criteria_set_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa bộ tiêu chí",
)
def delete_criteria_set(
    request: HttpRequest, exercise_id: int, criteria_set_id: int, version: int | None = None
) -> Status[None]:
    obj = _for_change(
        request,
        selectors.criteria_set_list(request.user),
        exercise_id,
        criteria_set_id,
        services.MANAGE_CRITERIA,
    )
    services.criteria_set_delete(criteria_set=obj, expected_version=version, actor=request.user)
    return Status(204, None)


@router.post(
    "/exercises/{int:exercise_id}/criteria-sets/{int:criteria_set_id}/criteria",
    response={201: CriterionOut, **WRITE_ERRORS},
    summary="Thêm tiêu chí vào bộ",
)
def create_criterion(
    request: HttpRequest, exercise_id: int, criteria_set_id: int, payload: CriterionIn
) -> Any:
    user = request.user
    criteria_set = _for_change(
        request,
        selectors.criteria_set_list(user),
        exercise_id,
        criteria_set_id,
        services.MANAGE_CRITERIA,
    )
    record = services.criterion_create(
        criteria_set=criteria_set, **payload.model_dump(), actor=user
    )
    return Status(201, get_visible_or_404(selectors.criterion_list(user), pk=record.pk))


@router.patch(
    "/exercises/{int:exercise_id}/criteria/{int:criterion_id}",
    response={200: CriterionOut, **UPDATE_ERRORS},
    summary="Sửa tiêu chí",
)
def patch_criterion(
    request: HttpRequest, exercise_id: int, criterion_id: int, payload: CriterionPatch
) -> Any:
    user = request.user
    obj = _for_change(
        request,
        selectors.criterion_list(user),
        exercise_id,
        criterion_id,
        services.MANAGE_CRITERIA,
    )
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = pick(data, services.CRITERION_FIELDS)
    if changes.get("link_kind") is None and "link_kind" in changes:
        changes["link_kind"] = ""
    services.criterion_update(criterion=obj, changes=changes, expected_version=version, actor=user)
    return get_visible_or_404(selectors.criterion_list(user), pk=obj.pk)


@router.delete(
    "/exercises/{int:exercise_id}/criteria/{int:criterion_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa tiêu chí",
)
def delete_criterion(
    request: HttpRequest, exercise_id: int, criterion_id: int, version: int | None = None
) -> Status[None]:
    obj = _for_change(
        request,
        selectors.criterion_list(request.user),
        exercise_id,
        criterion_id,
        services.MANAGE_CRITERIA,
    )
    services.criterion_delete(criterion=obj, expected_version=version, actor=request.user)
    return Status(204, None)


# --- evaluations -------------------------------------------------------------------------------


@router.get(
    "/exercises/{int:exercise_id}/evaluations",
    response={200: list[EvaluationOut], **READ_ERRORS},
    summary="Các kết quả đánh giá của cuộc diễn tập (mọi người đánh giá)",
)
@paginate(LoggedPagePagination)
def list_evaluations(
    request: HttpRequest, exercise_id: int, filters: Query[EvaluationQuery]
) -> QuerySet[Evaluation]:
    exercise = _exercise(request, exercise_id)
    queryset = selectors.evaluation_list(request.user).filter(exercise=exercise)
    for name, value in filters.model_dump(exclude_none=True).items():
        queryset = queryset.filter(**{name: value})
    return queryset


@router.post(
    "/exercises/{int:exercise_id}/evaluations",
    response={201: EvaluationOut, **WRITE_ERRORS},
    summary="Ghi kết quả đánh giá của mình",
)
def create_evaluation(request: HttpRequest, exercise_id: int, payload: EvaluationIn) -> Any:
    user = request.user
    exercise = _exercise(request, exercise_id)
    require_perm(user, services.EVALUATE, Evaluation(exercise=exercise))
    data = payload.model_dump()
    record = services.evaluation_create(
        exercise=exercise,
        target_kind=payload.target_kind,
        target_id=payload.target_id,
        criterion=_criterion(user, data, exercise),
        comment=payload.comment,
        classification=payload.classification,
        is_illustrative=payload.is_illustrative,
        actor=user,
        **_level(user, data),
        **_directory(user, data, ("evaluator_agency",), None),
    )
    return Status(201, get_visible_or_404(selectors.evaluation_list(user), pk=record.pk))


@router.get(
    "/exercises/{int:exercise_id}/evaluations/{int:evaluation_id}",
    response={200: EvaluationOut, **READ_ERRORS},
    summary="Một kết quả đánh giá",
)
def get_evaluation(request: HttpRequest, exercise_id: int, evaluation_id: int) -> Any:
    return _one(request, selectors.evaluation_list(request.user), exercise_id, evaluation_id)


@router.patch(
    "/exercises/{int:exercise_id}/evaluations/{int:evaluation_id}",
    response={200: EvaluationOut, **UPDATE_ERRORS},
    summary="Sửa kết quả đánh giá của mình",
)
def patch_evaluation(
    request: HttpRequest, exercise_id: int, evaluation_id: int, payload: EvaluationPatch
) -> Any:
    user = request.user
    obj = _one(request, selectors.evaluation_list(user), exercise_id, evaluation_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = pick(data, ("comment", "classification", "is_illustrative"))
    if "level_id" in data:
        changes |= _level(user, data)
    services.evaluation_update(
        evaluation=obj, changes=changes, expected_version=version, actor=user
    )
    return get_visible_or_404(selectors.evaluation_list(user), pk=obj.pk)


@router.delete(
    "/exercises/{int:exercise_id}/evaluations/{int:evaluation_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa kết quả đánh giá của mình",
)
def delete_evaluation(
    request: HttpRequest, exercise_id: int, evaluation_id: int, version: int | None = None
) -> Status[None]:
    obj = _one(request, selectors.evaluation_list(request.user), exercise_id, evaluation_id)
    services.evaluation_delete(evaluation=obj, expected_version=version, actor=request.user)
    return Status(204, None)


# --- official results and the comparison -------------------------------------------------------


@router.get(
    "/exercises/{int:exercise_id}/official-results",
    response={200: list[OfficialResultOut], **READ_ERRORS},
    summary="Các kết quả chính thức (quyết định của trưởng đoàn đánh giá)",
)
@paginate(PagePagination)
def list_official_results(request: HttpRequest, exercise_id: int) -> QuerySet[OfficialResult]:
    exercise = _exercise(request, exercise_id)
    return selectors.official_result_list(request.user).filter(exercise=exercise)


@router.put(
    "/exercises/{int:exercise_id}/official-results",
    response={200: OfficialResultOut, **UPDATE_ERRORS},
    summary="Ghi quyết định kết quả chính thức (chỉ trưởng đoàn đánh giá)",
)
def set_official_result(request: HttpRequest, exercise_id: int, payload: OfficialResultIn) -> Any:
    user = request.user
    exercise = _exercise(request, exercise_id)
    require_perm(user, services.DECIDE, exercise)
    data = payload.model_dump()
    record = services.official_result_set(
        exercise=exercise,
        target_kind=payload.target_kind,
        target_id=payload.target_id,
        criterion=_criterion(user, data, exercise),
        rationale=payload.rationale,
        expected_version=payload.version,
        is_illustrative=payload.is_illustrative,
        actor=user,
        **_level(user, data),
    )
    return get_visible_or_404(selectors.official_result_list(user), pk=record.pk)


@router.get(
    "/exercises/{int:exercise_id}/comparison",
    response={200: ComparisonOut, **READ_ERRORS},
    summary="So sánh kết quả giữa các người đánh giá, kèm kết quả chính thức",
)
def get_comparison(request: HttpRequest, exercise_id: int) -> Any:
    user = request.user
    exercise = _exercise(request, exercise_id)
    criteria_sets = list(selectors.criteria_set_list(user).filter(exercise=exercise))
    compared = selectors.comparison(user, exercise, criteria_sets)
    log_classified_reads(
        user, [r for row in compared.rows for r in row.ratings], AccessLog.Action.API
    )
    return {
        "evaluators": [
            {"id": u.pk, "username": u.username, "full_name": u.get_full_name()}
            for u in compared.evaluators
        ],
        "rows": [
            {
                "target_kind": row.target_kind,
                "target_id": row.target_id,
                "target_label": row.target_label,
                "criterion_id": row.criterion.pk if row.criterion else None,
                "disagrees": row.disagrees,
                "ratings": [
                    {
                        "evaluator_id": evaluator.pk,
                        "evaluation_id": cell.pk if cell else None,
                        "level_id": cell.level_id if cell else None,
                        "level_label": cell.level.label if cell else None,
                        "comment": cell.comment if cell else None,
                    }
                    for evaluator, cell in zip(compared.evaluators, row.cells, strict=True)
                ],
                "official": row.official,
            }
            for row in compared.rows
        ],
    }


# --- the overall grade -------------------------------------------------------------------------


@router.get(
    "/exercises/{int:exercise_id}/grade",
    response={200: GradeOut, **READ_ERRORS},
    summary="Xếp loại cuộc diễn tập (404 khi chưa xếp loại)",
)
def get_grade(request: HttpRequest, exercise_id: int) -> Any:
    exercise = _exercise(request, exercise_id)
    grade = selectors.grade_list(request.user).filter(exercise=exercise).first()
    if grade is None:
        raise Http404
    return grade


@router.put(
    "/exercises/{int:exercise_id}/grade",
    response={200: GradeOut, **UPDATE_ERRORS},
    summary="Ghi xếp loại cuộc diễn tập (chỉ trưởng đoàn đánh giá)",
)
def set_grade(request: HttpRequest, exercise_id: int, payload: GradeIn) -> Any:
    user = request.user
    exercise = _exercise(request, exercise_id)
    require_perm(user, services.DECIDE, exercise)
    data = payload.model_dump()
    grade: ExerciseGrade = services.grade_set(
        exercise=exercise,
        decided_on=payload.decided_on,
        basis=payload.basis,
        expected_version=payload.version,
        is_illustrative=payload.is_illustrative,
        actor=user,
        **_level(user, data),
        decided_by_agency=_directory(user, data, ("decided_by_agency",), None).get(
            "decided_by_agency"
        ),
    )
    return get_visible_or_404(selectors.grade_list(user), pk=grade.pk)


# --- awards ------------------------------------------------------------------------------------

AWARD_REFS = ("issuer_agency", "recipient_agency", "recipient_unit", "recipient_person")
AWARD_PLAIN = (
    "code",
    "kind",
    "issuer_text",
    "reason",
    "decision_number",
    "decision_date",
    "is_illustrative",
)


@router.get(
    "/exercises/{int:exercise_id}/awards",
    response={200: list[AwardOut], **READ_ERRORS},
    summary="Khen thưởng của cuộc diễn tập",
)
@paginate(PagePagination)
def list_awards(request: HttpRequest, exercise_id: int) -> QuerySet[Award]:
    exercise = _exercise(request, exercise_id)
    return selectors.award_list(request.user).filter(exercise=exercise)


@router.post(
    "/exercises/{int:exercise_id}/awards",
    response={201: AwardOut, **WRITE_ERRORS},
    summary="Thêm khen thưởng",
)
def create_award(request: HttpRequest, exercise_id: int, payload: AwardIn) -> Any:
    user = request.user
    exercise = _exercise(request, exercise_id)
    require_perm(user, services.MANAGE_AWARDS, Award(exercise=exercise))
    data = payload.model_dump()
    values = pick(data, AWARD_PLAIN) | _directory(user, data, AWARD_REFS, None)
    record = services.award_create(exercise=exercise, actor=user, **values)
    return Status(201, get_visible_or_404(selectors.award_list(user), pk=record.pk))


@router.get(
    "/exercises/{int:exercise_id}/awards/{int:award_id}",
    response={200: AwardOut, **READ_ERRORS},
    summary="Một khen thưởng",
)
def get_award(request: HttpRequest, exercise_id: int, award_id: int) -> Any:
    return _one(request, selectors.award_list(request.user), exercise_id, award_id)


@router.patch(
    "/exercises/{int:exercise_id}/awards/{int:award_id}",
    response={200: AwardOut, **UPDATE_ERRORS},
    summary="Sửa khen thưởng",
)
def patch_award(request: HttpRequest, exercise_id: int, award_id: int, payload: AwardPatch) -> Any:
    user = request.user
    obj = _for_change(
        request, selectors.award_list(user), exercise_id, award_id, services.MANAGE_AWARDS
    )
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = pick(data, AWARD_PLAIN)
    for name in ("issuer_text", "reason", "decision_number"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    for name in AWARD_REFS:
        if f"{name}_id" in data:
            changes |= _directory(user, data, (name,), obj)
    services.award_update(award=obj, changes=changes, expected_version=version, actor=user)
    return get_visible_or_404(selectors.award_list(user), pk=obj.pk)


@router.delete(
    "/exercises/{int:exercise_id}/awards/{int:award_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa khen thưởng",
)
def delete_award(
    request: HttpRequest, exercise_id: int, award_id: int, version: int | None = None
) -> Status[None]:
    obj = _for_change(
        request, selectors.award_list(request.user), exercise_id, award_id, services.MANAGE_AWARDS
    )
    services.award_delete(award=obj, expected_version=version, actor=request.user)
    return Status(204, None)
