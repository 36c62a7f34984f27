"""API shapes of the review: conferences, observations (and their moves), directives, corrective
actions (moves, evidence), notifications. References go by `<name>_id` or `<name>_code`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from kvpt.review.models import (
    ActionStatus,
    NotificationKind,
    ObservationArea,
    ObservationKind,
    ObservationState,
)

Classification = Annotated[
    int, Field(ge=0, le=3, description="0 Thường, 1 Mật, 2 Tối mật, 3 Tuyệt mật.")
]
Code = Annotated[str, Field(max_length=40)]
Ref = Annotated[int | None, Field(None, description="id")]
RefCode = Annotated[str | None, Field(None, max_length=64, description="mã")]


class ReviewPersonRef(Schema):
    id: int
    code: str
    full_name: str


class ReviewAgencyRef(Schema):
    id: int
    code: str
    name: str


# --- conferences -----------------------------------------------------------------------------


class ConferenceOut(Schema):
    id: int
    exercise_id: int
    code: str
    title: str
    held_on: dt.date
    place: str
    chairs: list[ReviewPersonRef]
    attendees: str
    agenda: list[str]
    notes: str
    classification: int
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_chairs(obj: Any) -> list[Any]:
        return list(obj.chairs.all())


class ConferenceIn(Schema):
    code: Code = ""
    title: str = Field(..., min_length=1, max_length=400)
    held_on: dt.date
    place: str = Field("", max_length=400)
    chair_ids: list[int] = Field(default_factory=list)
    chair_codes: list[str] = Field(default_factory=list)
    attendees: str = ""
    agenda: list[str] = Field(default_factory=list)
    notes: str = ""
    classification: Classification | None = None
    is_illustrative: bool = False


class ConferencePatch(Schema):
    version: int = Field(..., ge=1)
    code: Code | None = None
    title: str | None = Field(None, min_length=1, max_length=400)
    held_on: dt.date | None = None
    place: str | None = Field(None, max_length=400)
    chair_ids: list[int] | None = None
    chair_codes: list[str] | None = None
    attendees: str | None = None
    agenda: list[str] | None = None
    notes: str | None = None
    classification: Classification | None = None
    is_illustrative: bool | None = None


# --- observations ----------------------------------------------------------------------------


class ReviewTransitionOut(Schema):
    from_state: ObservationState
    to_state: ObservationState
    reason: str
    at: dt.datetime
    by: str | None = None

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return obj.by.username if obj.by_id else None


class ObservationOut(Schema):
    id: int
    exercise_id: int
    conference_id: int | None
    code: str
    kind: ObservationKind
    area: ObservationArea
    observation: str
    discussion: str
    conclusion: str
    recommendation: str
    raised_by_agency_id: int | None
    raised_by_unit_id: int | None
    raised_by_person_id: int | None
    tags: list[str]
    state: ObservationState
    state_label: str
    classification: int
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())


class ObservationIn(Schema):
    code: Code = ""
    conference_id: Ref = None
    conference_code: RefCode = None
    kind: ObservationKind
    area: ObservationArea
    observation: str = Field(..., min_length=1)
    discussion: str = ""
    conclusion: str = ""
    recommendation: str = ""
    raised_by_agency_id: Ref = None
    raised_by_agency_code: RefCode = None
    raised_by_unit_id: Ref = None
    raised_by_unit_code: RefCode = None
    raised_by_person_id: Ref = None
    raised_by_person_code: RefCode = None
    tags: list[str] = Field(default_factory=list)
    classification: Classification | None = None
    is_illustrative: bool = False


class ObservationPatch(Schema):
    version: int = Field(..., ge=1)
    code: Code | None = None
    conference_id: Ref = None
    conference_code: RefCode = None
    kind: ObservationKind | None = None
    area: ObservationArea | None = None
    observation: str | None = Field(None, min_length=1)
    discussion: str | None = None
    conclusion: str | None = None
    recommendation: str | None = None
    raised_by_agency_id: Ref = None
    raised_by_agency_code: RefCode = None
    raised_by_unit_id: Ref = None
    raised_by_unit_code: RefCode = None
    raised_by_person_id: Ref = None
    raised_by_person_code: RefCode = None
    tags: list[str] | None = None
    classification: Classification | None = None
    is_illustrative: bool | None = None


class ObservationMoveIn(Schema):
    to_state: ObservationState
    reason: str = ""
    version: int | None = Field(None, ge=1)


class ObservationFilters(Schema):
    q: str = ""
    kind: ObservationKind | None = None
    area: ObservationArea | None = None
    state: ObservationState | None = None


# --- directives ------------------------------------------------------------------------------


class DirectiveOut(Schema):
    id: int
    exercise_id: int
    conference_id: int | None
    code: str
    text: str
    given_by: ReviewPersonRef | None
    given_on: dt.date | None
    action_ids: list[int] = Field(default_factory=list)
    classification: int
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_action_ids(obj: Any, context: Any) -> list[int]:
        from kvpt.review.selectors import action_list

        prefetched = getattr(obj, "visible_actions", None)  # the list endpoint's prefetch
        if prefetched is not None:
            return [action.pk for action in prefetched]  # the same order as the query below
        user = context["request"].user if context else None
        return list(action_list(user).filter(directive=obj).values_list("pk", flat=True))


class DirectiveIn(Schema):
    code: Code = ""
    conference_id: Ref = None
    conference_code: RefCode = None
    text: str = Field(..., min_length=1)
    given_by_id: Ref = None
    given_by_code: RefCode = None
    given_on: dt.date | None = None
    classification: Classification | None = None
    is_illustrative: bool = False


class DirectivePatch(Schema):
    version: int = Field(..., ge=1)
    code: Code | None = None
    conference_id: Ref = None
    conference_code: RefCode = None
    text: str | None = Field(None, min_length=1)
    given_by_id: Ref = None
    given_by_code: RefCode = None
    given_on: dt.date | None = None
    classification: Classification | None = None
    is_illustrative: bool | None = None


# --- corrective actions ----------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    note: str
    uploaded_at: dt.datetime


class ActionOut(Schema):
    id: int
    exercise_id: int
    exercise_code: str = ""
    code: str
    title: str
    description: str
    observation_id: int | None
    directive_id: int | None
    owner: ReviewAgencyRef | None
    responsible: ReviewPersonRef | None
    start: dt.date | None
    due: dt.date | None
    status: ActionStatus
    status_label: str
    overdue: bool = Field(False, description="Hạn đã qua (theo giờ Việt Nam) mà chưa xong.")
    progress_note: str
    closed_at: dt.datetime | None
    classification: int
    is_illustrative: bool
    version: int

    @staticmethod
    def resolve_exercise_code(obj: Any) -> str:
        return str(obj.exercise.code)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        from kvpt.review.localtime import local_today

        return bool(obj.is_overdue_on(local_today()))


class ActionIn(Schema):
    code: Code = ""
    title: str = Field(..., min_length=1, max_length=400)
    description: str = ""
    observation_id: Ref = None
    observation_code: RefCode = None
    directive_id: Ref = None
    directive_code: RefCode = None
    owner_id: Ref = None
    owner_code: RefCode = None
    responsible_id: Ref = None
    responsible_code: RefCode = None
    start: dt.date | None = None
    due: dt.date | None = None
    progress_note: str = ""
    classification: Classification | None = None
    is_illustrative: bool = False


class ActionPatch(Schema):
    version: int = Field(..., ge=1)
    code: Code | None = None
    title: str | None = Field(None, min_length=1, max_length=400)
    description: str | None = None
    observation_id: Ref = None
    observation_code: RefCode = None
    directive_id: Ref = None
    directive_code: RefCode = None
    owner_id: Ref = None
    owner_code: RefCode = None
    responsible_id: Ref = None
    responsible_code: RefCode = None
    start: dt.date | None = None
    due: dt.date | None = None
    progress_note: str | None = None
    classification: Classification | None = None
    is_illustrative: bool | None = None


class ActionMoveIn(Schema):
    to_status: ActionStatus
    note: str = ""
    version: int | None = Field(None, ge=1)


class ActionFilters(Schema):
    exercise_id: str = ""
    owner_id: str = ""
    status: ActionStatus | None = None
    overdue: bool = False
    mine: bool = Field(False, description="Chỉ việc của tôi (người chịu trách nhiệm, đơn vị).")
    q: str = ""


# --- notifications ---------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    action_id: int
    action_code: str
    action_title: str
    exercise_id: int
    day: dt.date
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_action_code(obj: Any) -> str:
        return str(obj.action.code)

    @staticmethod
    def resolve_action_title(obj: Any) -> str:
        return str(obj.action.title)

    @staticmethod
    def resolve_exercise_id(obj: Any) -> int:
        return int(obj.action.exercise_id)
