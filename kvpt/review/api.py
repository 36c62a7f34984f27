"""API of the review, under /api/v1/:

    /exercises/{id}/conferences[/{pk}]     conferences (list, add, read, edit, delete)
    /exercises/{id}/observations[/{pk}]    observations; GET / POST .../{pk}/moves (state moves)
    /exercises/{id}/directives[/{pk}]      directives
    /exercises/{id}/actions[/{pk}]         corrective actions; POST .../{pk}/moves (start, report
                                           done, approve or refuse closure, cancel),
                                           GET / POST .../{pk}/evidence (multipart file)
    /actions                               the tracker across exercises (overdue first)
    /notifications, POST /notifications/{pk}/read      the caller's notifications

Reads go through the selectors (outside scope or above clearance: 404), writes through the
services (403 without the right, 409 on a stale version, 422 refused input).
"""

# No `from __future__ import annotations`: ninja reads the parameter types of paginated endpoints
# through ninja.pagination's wrapper, whose module cannot resolve string annotations.
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
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
from kvpt.core.scope import get_visible_or_404
from kvpt.exercises.selectors import exercise_list
from kvpt.review import selectors, services
from kvpt.review.models import Conference, CorrectiveAction, Directive, Notification, Observation
from kvpt.review.schemas import (
    ActionFilters,
    ActionIn,
    ActionMoveIn,
    ActionOut,
    ActionPatch,
    ConferenceIn,
    ConferenceOut,
    ConferencePatch,
    DirectiveIn,
    DirectiveOut,
    DirectivePatch,
    EvidenceOut,
    NotificationOut,
    ObservationFilters,
    ObservationIn,
    ObservationMoveIn,
    ObservationOut,
    ObservationPatch,
    ReviewTransitionOut,
)

router = Router(tags=["review"])
E = "/exercises/{int:exercise_id}"


def _exercise(user: Any, exercise_id: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_id)


def _of(selector: Any, user: Any, exercise_id: int) -> Any:
    return selector(user).filter(exercise_id=exercise_id)


def _plain(data: dict[str, Any], names: tuple[str, ...], current: Any) -> dict[str, Any]:
    changes = {
        name: value.value if hasattr(value, "value") else value
        for name, value in pick(data, names).items()
    }
    if current is None and changes.get("classification") is None:
        changes.pop("classification", None)
    required = {"title", "text", "observation", "kind", "area", "held_on"}
    blank = [n for n, v in changes.items() if v is None and n in required | {"code"}]
    if blank:
        raise ValidationError({name: _("Trường này không được để trống.") for name in blank})
    if changes.get("code") is None:
        changes.pop("code", None)
    return changes


def _people(
    user: Any, exercise_id: int, data: dict[str, Any], ids: str, codes: str
) -> list[Any] | None:
    def person_list(u: Any) -> Any:
        return selectors.people_for(u, exercise_id)

    wanted_ids, wanted_codes = data.get(ids), data.get(codes)
    if wanted_ids is None and wanted_codes is None:
        return None
    people = list(person_list(user).filter(pk__in=wanted_ids or []))
    people += list(person_list(user).filter(code__in=wanted_codes or []))
    if len(people) != len(set(wanted_ids or [])) + len(set(wanted_codes or [])):
        raise ValidationError({ids: _("Không tìm thấy người chủ trì này trong phạm vi của bạn.")})
    return people


def _directory(
    user: Any, exercise_id: int, data: dict[str, Any], current: Any, names: dict[str, str]
) -> dict[str, Any]:
    from kvpt.organisations.selectors import unit_list

    def person_list(u: Any) -> Any:
        return selectors.people_for(u, exercise_id)

    def agency_list(u: Any) -> Any:
        return selectors.agencies_for(u, exercise_id)

    lists = {"agency": agency_list, "person": person_list, "unit": unit_list}
    changes: dict[str, Any] = {}
    for name, kind in names.items():
        changes |= reference(data, name, lists[kind](user), _("mục danh bạ"), current=current)
    return changes


def _siblings(
    user: Any, exercise_id: int, data: dict[str, Any], current: Any, names: tuple[str, ...]
) -> dict[str, Any]:
    lists = {
        "conference": (selectors.conference_list, _("hội nghị")),
        "observation": (selectors.observation_list, _("nhận xét")),
        "directive": (selectors.directive_list, _("chỉ đạo")),
    }
    changes: dict[str, Any] = {}
    for name in names:
        selector, label = lists[name]
        changes |= reference(data, name, _of(selector, user, exercise_id), label, current=current)
    return changes


# --- conferences -----------------------------------------------------------------------------

CONFERENCE_PLAIN = (
    "code",
    "title",
    "held_on",
    "place",
    "attendees",
    "agenda",
    "notes",
    "classification",
    "is_illustrative",
)


def _conference_changes(
    user: Any, exercise_id: int, data: dict[str, Any], current: Any
) -> dict[str, Any]:
    changes = _plain(data, CONFERENCE_PLAIN, current)
    chairs = _people(user, exercise_id, data, "chair_ids", "chair_codes")
    if chairs is not None:
        changes["chairs"] = chairs
    return changes


@router.get(
    E + "/conferences",
    response={200: list[ConferenceOut], **READ_ERRORS},
    summary="Hội nghị tổng kết của cuộc diễn tập",
)
@paginate(LoggedPagePagination)
def list_conferences(request: HttpRequest, exercise_id: int) -> Any:
    exercise = _exercise(request.user, exercise_id)
    return _of(selectors.conference_list, request.user, exercise.pk)


@router.post(
    E + "/conferences",
    response={201: ConferenceOut, **WRITE_ERRORS},
    summary="Thêm hội nghị tổng kết",
)
def create_conference(
    request: HttpRequest, exercise_id: int, payload: ConferenceIn
) -> Status[Conference]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _conference_changes(user, exercise.pk, payload.model_dump(), None)
    conference = services.conference_create(exercise=exercise, **changes, actor=user)
    return Status(
        201, get_visible_or_404(_of(selectors.conference_list, user, exercise.pk), pk=conference.pk)
    )


@router.get(
    E + "/conferences/{int:conference_id}",
    response={200: ConferenceOut, **READ_ERRORS},
    summary="Một hội nghị",
)
def get_conference(request: HttpRequest, exercise_id: int, conference_id: int) -> Conference:
    return get_logged(
        request, _of(selectors.conference_list, request.user, exercise_id), conference_id
    )


@router.patch(
    E + "/conferences/{int:conference_id}",
    response={200: ConferenceOut, **UPDATE_ERRORS},
    summary="Sửa hội nghị",
)
def patch_conference(
    request: HttpRequest, exercise_id: int, conference_id: int, payload: ConferencePatch
) -> Conference:
    user = request.user
    visible = _of(selectors.conference_list, user, exercise_id)
    conference = get_visible_or_404(visible, pk=conference_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.conference_update(
        conference=conference,
        changes=_conference_changes(user, exercise_id, data, conference),
        expected_version=version,
        actor=user,
    )
    return get_visible_or_404(visible, pk=conference_id)


@router.delete(
    E + "/conferences/{int:conference_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa hội nghị",
)
def delete_conference(
    request: HttpRequest, exercise_id: int, conference_id: int, version: int | None = None
) -> Status[None]:
    conference = get_visible_or_404(
        _of(selectors.conference_list, request.user, exercise_id), pk=conference_id
    )
    services.conference_delete(conference=conference, expected_version=version, actor=request.user)
    return Status(204, None)


# --- observations ----------------------------------------------------------------------------

OBSERVATION_PLAIN = (
    "code",
    "kind",
    "area",
    "observation",
    "discussion",
    "conclusion",
    "recommendation",
    "tags",
    "classification",
    "is_illustrative",
)
RAISED_BY = {"raised_by_agency": "agency", "raised_by_unit": "unit", "raised_by_person": "person"}


def _observation_changes(
    user: Any, exercise_id: int, data: dict[str, Any], current: Any
) -> dict[str, Any]:
    changes = _plain(data, OBSERVATION_PLAIN, current)
    changes |= _siblings(user, exercise_id, data, current, ("conference",))
    changes |= _directory(user, exercise_id, data, current, RAISED_BY)
    return changes


@router.get(
    E + "/observations",
    response={200: list[ObservationOut], **READ_ERRORS},
    summary="Nhận xét, bài học của cuộc diễn tập",
)
@paginate(LoggedPagePagination)
def list_observations(
    request: HttpRequest, exercise_id: int, filters: Query[ObservationFilters]
) -> Any:
    exercise = _exercise(request.user, exercise_id)
    return selectors.observation_search(
        request.user,
        exercise.pk,
        q=filters.q,
        kind=filters.kind.value if filters.kind else "",
        area=filters.area.value if filters.area else "",
        state=filters.state.value if filters.state else "",
    )


@router.post(
    E + "/observations", response={201: ObservationOut, **WRITE_ERRORS}, summary="Ghi nhận xét"
)
def create_observation(
    request: HttpRequest, exercise_id: int, payload: ObservationIn
) -> Status[Observation]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _observation_changes(user, exercise.pk, payload.model_dump(), None)
    observation = services.observation_create(exercise=exercise, **changes, actor=user)
    return Status(
        201,
        get_visible_or_404(_of(selectors.observation_list, user, exercise.pk), pk=observation.pk),
    )


@router.get(
    E + "/observations/{int:observation_id}",
    response={200: ObservationOut, **READ_ERRORS},
    summary="Một nhận xét",
)
def get_observation(request: HttpRequest, exercise_id: int, observation_id: int) -> Observation:
    return get_logged(
        request, _of(selectors.observation_list, request.user, exercise_id), observation_id
    )


@router.patch(
    E + "/observations/{int:observation_id}",
    response={200: ObservationOut, **UPDATE_ERRORS},
    summary="Sửa nhận xét",
)
def patch_observation(
    request: HttpRequest, exercise_id: int, observation_id: int, payload: ObservationPatch
) -> Observation:
    user = request.user
    visible = _of(selectors.observation_list, user, exercise_id)
    observation = get_visible_or_404(visible, pk=observation_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.observation_update(
        observation=observation,
        changes=_observation_changes(user, exercise_id, data, observation),
        expected_version=version,
        actor=user,
    )
    return get_visible_or_404(visible, pk=observation_id)


@router.delete(
    E + "/observations/{int:observation_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa nhận xét",
)
def delete_observation(
    request: HttpRequest, exercise_id: int, observation_id: int, version: int | None = None
) -> Status[None]:
    observation = get_visible_or_404(
        _of(selectors.observation_list, request.user, exercise_id), pk=observation_id
    )
    services.observation_delete(
        observation=observation, expected_version=version, actor=request.user
    )
    return Status(204, None)


@router.get(
    E + "/observations/{int:observation_id}/moves",
    response={200: list[ReviewTransitionOut], **READ_ERRORS},
    summary="Quá trình chuyển trạng thái của nhận xét",
)
def list_observation_moves(request: HttpRequest, exercise_id: int, observation_id: int) -> Any:
    observation = get_visible_or_404(
        _of(selectors.observation_list, request.user, exercise_id), pk=observation_id
    )
    return list(observation.transitions.select_related("by"))


@router.post(
    E + "/observations/{int:observation_id}/moves",
    response={200: ObservationOut, **UPDATE_ERRORS},
    summary="Chuyển trạng thái nhận xét (bài học)",
)
def move_observation(
    request: HttpRequest, exercise_id: int, observation_id: int, payload: ObservationMoveIn
) -> Observation:
    user = request.user
    visible = _of(selectors.observation_list, user, exercise_id)
    observation = get_visible_or_404(visible, pk=observation_id)
    services.observation_transition(
        observation=observation,
        to_state=payload.to_state.value,
        reason=payload.reason,
        expected_version=payload.version,
        actor=user,
    )
    return get_visible_or_404(visible, pk=observation_id)


# --- directives ------------------------------------------------------------------------------

DIRECTIVE_PLAIN = ("code", "text", "given_on", "classification", "is_illustrative")


def _directive_changes(
    user: Any, exercise_id: int, data: dict[str, Any], current: Any
) -> dict[str, Any]:
    changes = _plain(data, DIRECTIVE_PLAIN, current)
    changes |= _siblings(user, exercise_id, data, current, ("conference",))
    changes |= _directory(user, exercise_id, data, current, {"given_by": "person"})
    return changes


@router.get(
    E + "/directives",
    response={200: list[DirectiveOut], **READ_ERRORS},
    summary="Chỉ đạo, kết luận của cuộc diễn tập",
)
@paginate(LoggedPagePagination)
def list_directives(request: HttpRequest, exercise_id: int) -> Any:
    from django.db.models import Prefetch

    exercise = _exercise(request.user, exercise_id)
    # The action ids of the whole page in one query (DirectiveOut.resolve_action_ids reads them).
    visible_actions = (
        selectors.action_list(request.user).select_related(None).only("pk", "directive_id")
    )
    return _of(selectors.directive_list, request.user, exercise.pk).prefetch_related(
        Prefetch("actions", queryset=visible_actions, to_attr="visible_actions")
    )


@router.post(E + "/directives", response={201: DirectiveOut, **WRITE_ERRORS}, summary="Ghi chỉ đạo")
def create_directive(
    request: HttpRequest, exercise_id: int, payload: DirectiveIn
) -> Status[Directive]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _directive_changes(user, exercise.pk, payload.model_dump(), None)
    directive = services.directive_create(exercise=exercise, **changes, actor=user)
    return Status(
        201, get_visible_or_404(_of(selectors.directive_list, user, exercise.pk), pk=directive.pk)
    )


@router.get(
    E + "/directives/{int:directive_id}",
    response={200: DirectiveOut, **READ_ERRORS},
    summary="Một chỉ đạo",
)
def get_directive(request: HttpRequest, exercise_id: int, directive_id: int) -> Directive:
    return get_logged(
        request, _of(selectors.directive_list, request.user, exercise_id), directive_id
    )


@router.patch(
    E + "/directives/{int:directive_id}",
    response={200: DirectiveOut, **UPDATE_ERRORS},
    summary="Sửa chỉ đạo",
)
def patch_directive(
    request: HttpRequest, exercise_id: int, directive_id: int, payload: DirectivePatch
) -> Directive:
    user = request.user
    visible = _of(selectors.directive_list, user, exercise_id)
    directive = get_visible_or_404(visible, pk=directive_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.directive_update(
        directive=directive,
        changes=_directive_changes(user, exercise_id, data, directive),
        expected_version=version,
        actor=user,
    )
    return get_visible_or_404(visible, pk=directive_id)


@router.delete(
    E + "/directives/{int:directive_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa chỉ đạo",
)
def delete_directive(
    request: HttpRequest, exercise_id: int, directive_id: int, version: int | None = None
) -> Status[None]:
    directive = get_visible_or_404(
        _of(selectors.directive_list, request.user, exercise_id), pk=directive_id
    )
    services.directive_delete(directive=directive, expected_version=version, actor=request.user)
    return Status(204, None)


# --- corrective actions ----------------------------------------------------------------------

ACTION_PLAIN = (
    "code",
    "title",
    "description",
    "start",
    "due",
    "progress_note",
    "classification",
    "is_illustrative",
)


def _action_changes(
    user: Any, exercise_id: int, data: dict[str, Any], current: Any
) -> dict[str, Any]:
    changes = _plain(data, ACTION_PLAIN, current)
    changes |= _siblings(user, exercise_id, data, current, ("observation", "directive"))
    changes |= _directory(
        user, exercise_id, data, current, {"owner": "agency", "responsible": "person"}
    )
    return changes


def _tracker_filters(filters: ActionFilters) -> selectors.ActionFilters:
    return selectors.ActionFilters(
        exercise=filters.exercise_id,
        owner=filters.owner_id,
        status=filters.status.value if filters.status else "",
        overdue=filters.overdue,
        q=filters.q.strip(),
    )


@router.get(
    "/actions",
    response={200: list[ActionOut], **READ_ERRORS},
    summary="Theo dõi việc khắc phục (quá hạn trước)",
)
@paginate(LoggedPagePagination)
def action_tracker(request: HttpRequest, filters: Query[ActionFilters]) -> Any:
    found = selectors.action_tracker(request.user, _tracker_filters(filters), mine=filters.mine)
    return _as_action_out(found)


def _as_action_out(actions: QuerySet[Any]) -> QuerySet[Any]:
    """Only the joins ActionOut reads (exercise code, owner, responsible): PostgreSQL spent
    7-15 ms planning the selector's wider join for pages it ran in 4-9 ms."""
    return actions.select_related(None).select_related("exercise", "owner", "responsible")


@router.get(
    E + "/actions",
    response={200: list[ActionOut], **READ_ERRORS},
    summary="Việc khắc phục của cuộc diễn tập",
)
@paginate(LoggedPagePagination)
def list_actions(request: HttpRequest, exercise_id: int, filters: Query[ActionFilters]) -> Any:
    exercise = _exercise(request.user, exercise_id)
    chosen = _tracker_filters(filters)
    found = selectors.action_tracker(
        request.user,
        selectors.ActionFilters(
            exercise=str(exercise.pk),
            owner=chosen.owner,
            status=chosen.status,
            overdue=chosen.overdue,
            q=chosen.q,
        ),
        mine=filters.mine,
    )
    return _as_action_out(found)


@router.post(
    E + "/actions", response={201: ActionOut, **WRITE_ERRORS}, summary="Giao việc khắc phục"
)
def create_action(
    request: HttpRequest, exercise_id: int, payload: ActionIn
) -> Status[CorrectiveAction]:
    user = request.user
    exercise = _exercise(user, exercise_id)
    changes = _action_changes(user, exercise.pk, payload.model_dump(), None)
    action = services.action_create(exercise=exercise, **changes, actor=user)
    return Status(
        201, get_visible_or_404(_of(selectors.action_list, user, exercise.pk), pk=action.pk)
    )


@router.get(
    E + "/actions/{int:action_id}",
    response={200: ActionOut, **READ_ERRORS},
    summary="Một việc khắc phục",
)
def get_action(request: HttpRequest, exercise_id: int, action_id: int) -> CorrectiveAction:
    return get_logged(request, _of(selectors.action_list, request.user, exercise_id), action_id)


@router.patch(
    E + "/actions/{int:action_id}",
    response={200: ActionOut, **UPDATE_ERRORS},
    summary="Sửa việc khắc phục (người được giao: chỉ kết quả thực hiện)",
)
def patch_action(
    request: HttpRequest, exercise_id: int, action_id: int, payload: ActionPatch
) -> CorrectiveAction:
    user = request.user
    visible = _of(selectors.action_list, user, exercise_id)
    action = get_visible_or_404(visible, pk=action_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    services.action_update(
        action=action,
        changes=_action_changes(user, exercise_id, data, action),
        expected_version=version,
        actor=user,
    )
    return get_visible_or_404(visible, pk=action_id)


@router.delete(
    E + "/actions/{int:action_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa việc khắc phục",
)
def delete_action(
    request: HttpRequest, exercise_id: int, action_id: int, version: int | None = None
) -> Status[None]:
    action = get_visible_or_404(_of(selectors.action_list, request.user, exercise_id), pk=action_id)
    services.action_delete(action=action, expected_version=version, actor=request.user)
    return Status(204, None)


@router.post(
    E + "/actions/{int:action_id}/moves",
    response={200: ActionOut, **UPDATE_ERRORS},
    summary="Chuyển trạng thái việc khắc phục; duyệt hoặc trả lại đề nghị đóng",
)
def move_action(
    request: HttpRequest, exercise_id: int, action_id: int, payload: ActionMoveIn
) -> CorrectiveAction:
    user = request.user
    visible = _of(selectors.action_list, user, exercise_id)
    action = get_visible_or_404(visible, pk=action_id)
    services.action_transition(
        action=action,
        to_status=payload.to_status.value,
        note=payload.note,
        expected_version=payload.version,
        actor=user,
    )
    return get_visible_or_404(visible, pk=action_id)


@router.get(
    E + "/actions/{int:action_id}/evidence",
    response={200: list[EvidenceOut], **READ_ERRORS},
    summary="Minh chứng của việc khắc phục",
)
def list_evidence(request: HttpRequest, exercise_id: int, action_id: int) -> Any:
    action = get_visible_or_404(_of(selectors.action_list, request.user, exercise_id), pk=action_id)
    return list(action.evidence.all())


@router.post(
    E + "/actions/{int:action_id}/evidence",
    response={201: EvidenceOut, **WRITE_ERRORS},
    summary="Tải lên minh chứng",
)
def add_evidence(
    request: HttpRequest,
    exercise_id: int,
    action_id: int,
    file: File[UploadedFile],
    note: Form[str] = "",
) -> Any:
    action = get_visible_or_404(_of(selectors.action_list, request.user, exercise_id), pk=action_id)
    evidence = services.evidence_add(action=action, upload=file, note=note, actor=request.user)
    return Status(201, evidence)


# --- notifications ---------------------------------------------------------------------------


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **READ_ERRORS},
    summary="Thông báo của tôi",
)
@paginate(PagePagination)
def list_notifications(request: HttpRequest, unread: bool = False) -> Any:
    queryset = selectors.notification_list(request.user)
    return queryset.filter(read_at__isnull=True) if unread else queryset


@router.post(
    "/notifications/{int:notification_id}/read",
    response={200: NotificationOut, **READ_ERRORS},
    summary="Đánh dấu thông báo đã đọc",
)
def read_notification(request: HttpRequest, notification_id: int) -> Notification:
    notification = get_visible_or_404(selectors.notification_list(request.user), pk=notification_id)
    return services.notification_mark_read(notification=notification, actor=request.user)
