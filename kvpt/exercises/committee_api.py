"""API of an exercise's committees and their members (mounted at /api/v1/exercises).

    /{exercise_id}/committees[?kind=subcommittee]            list, create
    /{exercise_id}/committees/standard                        add the catalogue's missing ones
    /{exercise_id}/committees/{committee_id}                  read (members nested), update, delete
    /{exercise_id}/committees/{committee_id}/members[/{id}]   members
    /committees/{committee_id}, /committee-members/{id}       the same records by id alone

Reads go through the selectors (outside scope 404), writes through committee_services (403
without "exercises.change_structure", 409 on a stale `version`, 422 with the field named).
"""

# No `from __future__ import annotations`: ninja reads paginated endpoints' parameter types
# through ninja.pagination's wrapper, whose module cannot resolve string annotations.
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kvpt.core import api_crud
from kvpt.core.api import PagePagination
from kvpt.core.api_crud import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, pick, reference
from kvpt.core.models import AccessLog
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read
from kvpt.exercises.committee_schemas import (
    CommitteeFilters,
    CommitteeIn,
    CommitteeMemberIn,
    CommitteeMemberOut,
    CommitteeMemberPatch,
    CommitteeOut,
    CommitteePatch,
    StandardCommitteesIn,
)
from kvpt.exercises.committee_services import (
    COMMITTEE,
    COMMITTEE_MEMBER,
    PERM,
    committee_add_standard,
    committee_member_add,
)
from kvpt.exercises.models import Committee, CommitteeMember, Exercise
from kvpt.exercises.selectors import (
    committee_list,
    committee_member_visible_list,
    committee_person_choices,
    committee_with_members_list,
    exercise_list,
)

router = Router(tags=["committees"])

COMMITTEES = "/{int:exercise_id}/committees"
ONE_COMMITTEE = COMMITTEES + "/{int:committee_id}"
MEMBERS = ONE_COMMITTEE + "/members"
ONE_MEMBER = MEMBERS + "/{int:member_id}"


# --- lookups -----------------------------------------------------------------------------------


def _exercise(request: HttpRequest, exercise_id: int) -> Exercise:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    log_classified_read(request.user, exercise, AccessLog.Action.API)
    return exercise


def _committee(request: HttpRequest, exercise_id: int | None, committee_id: int) -> Committee:
    """The committee (of that exercise, when named); 404 when hidden or elsewhere."""
    queryset = committee_list(request.user)
    if exercise_id is not None:
        queryset = queryset.filter(exercise_id=exercise_id)
    committee = get_visible_or_404(queryset, pk=committee_id)
    log_classified_read(request.user, committee.exercise, AccessLog.Action.API)
    return committee


def _member(
    request: HttpRequest, exercise_id: int | None, committee_id: int | None, member_id: int
) -> CommitteeMember:
    queryset = committee_member_visible_list(request.user)
    if committee_id is not None:
        committee = _committee(request, exercise_id, committee_id)
        queryset = queryset.filter(committee=committee)
    return get_visible_or_404(queryset, pk=member_id)


def _no_nulls(changes: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    nulls = [name for name in names if name in changes and changes[name] is None]
    if nulls:
        raise ValidationError({name: _("Trường này không được để trống.") for name in nulls})
    return changes


def _committee_changes(user: Any, data: dict[str, Any], current: Any) -> dict[str, Any]:
    changes = pick(data, ("kind", "code", "name", "order", "duties"))
    return _no_nulls(changes, ("kind", "code", "name", "order", "duties"))


def _member_changes(user: Any, data: dict[str, Any], current: Any) -> dict[str, Any]:
    changes = _no_nulls(
        pick(data, ("position", "role", "exercise_role", "order")), ("role", "order")
    )
    for text in ("position", "exercise_role"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    people = committee_person_choices(user, current.committee.exercise_id)
    changes |= reference(data, "person", people, _("người"), current=current)
    return changes


# --- committees --------------------------------------------------------------------------------


@router.get(COMMITTEES, response=list[CommitteeOut], summary="Các ban, tiểu ban của cuộc diễn tập")
@paginate(PagePagination)
def list_committees(
    request: HttpRequest, exercise_id: int, filters: Query[CommitteeFilters]
) -> QuerySet[Committee]:
    exercise = _exercise(request, exercise_id)
    kind = filters.kind.value if filters.kind else None
    return committee_with_members_list(request.user, kind=kind).filter(exercise=exercise)


@router.post(COMMITTEES, response={201: CommitteeOut, **WRITE_ERRORS}, summary="Thêm ban, tiểu ban")
def create_committee(
    request: HttpRequest, exercise_id: int, payload: CommitteeIn
) -> Status[Committee]:
    exercise = _exercise(request, exercise_id)
    require_perm(request.user, PERM, exercise)
    data = payload.model_dump(exclude_none=True)  # no order: after the others
    changes = {"exercise": exercise, **_committee_changes(request.user, data, None)}
    return api_crud.create(
        request, COMMITTEE, changes, under="exercise", out=committee_with_members_list
    )


@router.post(
    COMMITTEES + "/standard",
    response={201: list[CommitteeOut], **WRITE_ERRORS},
    summary="Thêm các ban, tiểu ban thường dùng còn thiếu",
)
def add_standard_committees(
    request: HttpRequest, exercise_id: int, payload: StandardCommitteesIn
) -> Status[list[Committee]]:
    user = request.user
    exercise = _exercise(request, exercise_id)
    require_perm(user, PERM, exercise)
    added = committee_add_standard(exercise=exercise, catalogue=payload.catalogue, actor=user)
    rows = committee_with_members_list(user).filter(pk__in=[c.pk for c in added])
    return Status(201, list(rows))


def _read(request: HttpRequest, exercise_id: int | None, committee_id: int) -> Committee:
    committee = _committee(request, exercise_id, committee_id)
    return get_visible_or_404(committee_with_members_list(request.user), pk=committee.pk)


def _patch(
    request: HttpRequest, exercise_id: int | None, committee_id: int, payload: CommitteePatch
) -> Committee:
    committee = _committee(request, exercise_id, committee_id)
    data = payload.model_dump(exclude_unset=True)
    return api_crud.update(
        request,
        COMMITTEE,
        committee.pk,
        data,
        changes=_committee_changes,
        out=committee_with_members_list,
    )


def _delete(
    request: HttpRequest, exercise_id: int | None, committee_id: int, version: int | None
) -> Status[None]:
    committee = _committee(request, exercise_id, committee_id)
    return api_crud.delete(request, COMMITTEE, committee.pk, version)


@router.get(ONE_COMMITTEE, response={200: CommitteeOut, **READ_ERRORS}, summary="Một ban")
def get_committee(request: HttpRequest, exercise_id: int, committee_id: int) -> Committee:
    return _read(request, exercise_id, committee_id)


@router.patch(ONE_COMMITTEE, response={200: CommitteeOut, **UPDATE_ERRORS}, summary="Sửa ban")
def patch_committee(
    request: HttpRequest, exercise_id: int, committee_id: int, payload: CommitteePatch
) -> Committee:
    return _patch(request, exercise_id, committee_id, payload)


@router.delete(
    ONE_COMMITTEE,
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa ban (không được khi còn công việc, công trình, kinh phí, văn kiện gắn với ban)",
)
def delete_committee(
    request: HttpRequest, exercise_id: int, committee_id: int, version: int | None = None
) -> Status[None]:
    return _delete(request, exercise_id, committee_id, version)


@router.get(
    "/committees/{int:committee_id}",
    response={200: CommitteeOut, **READ_ERRORS},
    summary="Một ban (theo id)",
)
def get_committee_by_id(request: HttpRequest, committee_id: int) -> Committee:
    return _read(request, None, committee_id)


@router.patch(
    "/committees/{int:committee_id}",
    response={200: CommitteeOut, **UPDATE_ERRORS},
    summary="Sửa ban (theo id)",
)
def patch_committee_by_id(
    request: HttpRequest, committee_id: int, payload: CommitteePatch
) -> Committee:
    return _patch(request, None, committee_id, payload)


@router.delete(
    "/committees/{int:committee_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Xóa ban (theo id)",
)
def delete_committee_by_id(
    request: HttpRequest, committee_id: int, version: int | None = None
) -> Status[None]:
    return _delete(request, None, committee_id, version)


# --- members -----------------------------------------------------------------------------------


@router.get(MEMBERS, response=list[CommitteeMemberOut], summary="Thành viên của một ban")
@paginate(PagePagination)
def list_committee_members(
    request: HttpRequest, exercise_id: int, committee_id: int
) -> QuerySet[CommitteeMember]:
    committee = _committee(request, exercise_id, committee_id)
    return committee_member_visible_list(request.user).filter(committee=committee)


@router.post(
    MEMBERS, response={201: CommitteeMemberOut, **WRITE_ERRORS}, summary="Thêm thành viên vào ban"
)
def add_committee_member(
    request: HttpRequest, exercise_id: int, committee_id: int, payload: CommitteeMemberIn
) -> Status[CommitteeMember]:
    user = request.user
    committee = _committee(request, exercise_id, committee_id)
    require_perm(user, PERM, committee)
    data = payload.model_dump()
    people = committee_person_choices(user, committee.exercise_id)
    person = api_crud.resolve_ref(people, data, "person", _("người"), required=True)
    member = committee_member_add(
        committee=committee,
        person=person,
        position=payload.position,
        role=payload.role.value,
        exercise_role=payload.exercise_role,
        order=payload.order,
        actor=user,
    )
    return Status(201, get_visible_or_404(committee_member_visible_list(user), pk=member.pk))


def _member_patch(request: HttpRequest, member: CommitteeMember, payload: Any) -> CommitteeMember:
    data = payload.model_dump(exclude_unset=True)
    return api_crud.update(
        request,
        COMMITTEE_MEMBER,
        member.pk,
        data,
        changes=_member_changes,
    )


@router.get(ONE_MEMBER, response={200: CommitteeMemberOut, **READ_ERRORS}, summary="Một thành viên")
def get_committee_member(
    request: HttpRequest, exercise_id: int, committee_id: int, member_id: int
) -> CommitteeMember:
    return _member(request, exercise_id, committee_id, member_id)


@router.patch(
    ONE_MEMBER, response={200: CommitteeMemberOut, **UPDATE_ERRORS}, summary="Sửa thành viên"
)
def patch_committee_member(
    request: HttpRequest,
    exercise_id: int,
    committee_id: int,
    member_id: int,
    payload: CommitteeMemberPatch,
) -> CommitteeMember:
    member = _member(request, exercise_id, committee_id, member_id)
    return _member_patch(request, member, payload)


@router.delete(
    ONE_MEMBER, response={204: None, **UPDATE_ERRORS}, summary="Bỏ một thành viên khỏi ban"
)
def remove_committee_member(
    request: HttpRequest,
    exercise_id: int,
    committee_id: int,
    member_id: int,
    version: int | None = None,
) -> Status[None]:
    member = _member(request, exercise_id, committee_id, member_id)
    return api_crud.delete(request, COMMITTEE_MEMBER, member.pk, version)


@router.get(
    "/committee-members/{int:member_id}",
    response={200: CommitteeMemberOut, **READ_ERRORS},
    summary="Một thành viên (theo id)",
)
def get_committee_member_by_id(request: HttpRequest, member_id: int) -> CommitteeMember:
    return _member(request, None, None, member_id)


@router.patch(
    "/committee-members/{int:member_id}",
    response={200: CommitteeMemberOut, **UPDATE_ERRORS},
    summary="Sửa thành viên (theo id)",
)
def patch_committee_member_by_id(
    request: HttpRequest, member_id: int, payload: CommitteeMemberPatch
) -> CommitteeMember:
    return _member_patch(request, _member(request, None, None, member_id), payload)


@router.delete(
    "/committee-members/{int:member_id}",
    response={204: None, **UPDATE_ERRORS},
    summary="Bỏ một thành viên (theo id)",
)
def remove_committee_member_by_id(
    request: HttpRequest, member_id: int, version: int | None = None
) -> Status[None]:
    member = _member(request, None, None, member_id)
    return api_crud.delete(request, COMMITTEE_MEMBER, member.pk, version)
