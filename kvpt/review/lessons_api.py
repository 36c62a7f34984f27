"""API of the lessons library, under /api/v1/:

    GET  /lessons?q=&area=&kind=&state=&level=&year=&organisation=&page=&page_size=
         the library (kvpt.review.lessons: every folded word must occur), newest first; `count`
         is capped at 1,000 (`count_capped` says so)
    GET  /lessons/{observation_id}                     one lesson of the library
    POST /lessons/{observation_id}/task  {"exercise_id": ...}   the lesson as a preparation task
    GET  /exercises/{exercise_id}/similar-lessons?text=           the five most similar lessons

Scoped like the pages: outside the library -> 404; without the right to add tasks -> 403.
"""

# No `from __future__ import annotations`: ninja reads the endpoint annotations at import.
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kvpt.core.api_crud import READ_ERRORS, WRITE_ERRORS
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, log_classified_reads
from kvpt.exercises.selectors import exercise_list
from kvpt.review import lessons
from kvpt.review.models import ObservationArea, ObservationKind, ObservationState

router = Router(tags=["lessons"])


class LessonOut(Schema):
    id: int
    code: str
    exercise_id: int
    exercise_code: str
    exercise_year: int
    area_name: str
    kind: ObservationKind
    area: ObservationArea
    state: ObservationState
    state_label: str
    observation: str
    discussion: str
    conclusion: str
    recommendation: str
    tags: list[str]
    classification: int
    is_illustrative: bool

    @staticmethod
    def resolve_exercise_code(obj: Any) -> str:
        return str(obj.exercise.code)

    @staticmethod
    def resolve_exercise_year(obj: Any) -> int:
        return int(obj.exercise.year)

    @staticmethod
    def resolve_area_name(obj: Any) -> str:
        return str(obj.exercise.area.name)

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())


class LessonPageOut(Schema):
    items: list[LessonOut]
    count: int
    count_capped: bool
    page: int
    page_size: int
    words: list[str] = Field(description="các từ đã gập dấu phải cùng có mặt")


class LessonQuery(Schema):
    q: str = Field("", max_length=500)
    area: str = Field("", max_length=20)
    kind: str = Field("", max_length=20)
    state: str = Field("", max_length=20)
    level: str = Field("", max_length=32)
    year: str = Field("", max_length=8)
    organisation: str = Field("", max_length=20)
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(lessons.PAGE_SIZE, ge=1, le=lessons.MAX_PAGE_SIZE)


class SimilarLessonOut(Schema):
    score: float
    shared_words: list[str]
    lesson: LessonOut


class LessonTaskIn(Schema):
    exercise_id: int = Field(..., ge=1, le=2**63 - 1)


class LessonTaskOut(Schema):
    id: int
    exercise_id: int
    code: str
    title: str
    category: str
    notes: str
    version: int


@router.get(
    "/lessons",
    response={200: LessonPageOut, 401: READ_ERRORS[401]},
    summary="Thư viện bài học: tìm nhận xét, bài học (không dấu, mọi từ phải có)",
)
def search_lessons(request: HttpRequest, filters: Query[LessonQuery]) -> dict[str, Any]:
    data = filters.model_dump()
    names = ("q", "area", "kind", "state", "level", "year", "organisation")
    page = lessons.search_page(
        request.user,
        lessons.LessonFilters(**{name: data[name] for name in names}),
        data["page"],
        data["page_size"],
    )
    log_classified_reads(request.user, page.items)
    return {
        "items": page.items,
        "count": page.count,
        "count_capped": page.capped,
        "page": page.number,
        "page_size": page.size,
        "words": lessons.query_words(data["q"]),
    }


@router.get(
    "/lessons/{int:observation_id}",
    response={200: LessonOut, **READ_ERRORS},
    summary="Một bài học của thư viện",
)
def get_lesson(request: HttpRequest, observation_id: int) -> Any:
    observation = get_visible_or_404(lessons.library(request.user), pk=observation_id)
    log_classified_read(request.user, observation)
    return observation


@router.post(
    "/lessons/{int:observation_id}/task",
    response={201: LessonTaskOut, **WRITE_ERRORS},
    summary="Chuyển bài học thành công việc chuẩn bị của cuộc diễn tập mới",
)
def lesson_to_task(request: HttpRequest, observation_id: int, payload: LessonTaskIn) -> Status[Any]:
    user = request.user
    observation = get_visible_or_404(lessons.library(user), pk=observation_id)
    exercise = get_visible_or_404(exercise_list(user), pk=payload.exercise_id)
    task = lessons.lesson_to_task(observation=observation, exercise=exercise, actor=user)
    return Status(201, task)


@router.get(
    "/exercises/{int:exercise_id}/similar-lessons",
    response={200: list[SimilarLessonOut], **READ_ERRORS},
    summary="Năm bài học trước giống nhất (địa bàn, cấp trên, địa bàn cũ)",
)
def similar_lessons(
    request: HttpRequest, exercise_id: int, text: Query[str] = ""
) -> list[dict[str, Any]]:
    exercise = get_visible_or_404(exercise_list(request.user), pk=exercise_id)
    found = lessons.similar_lessons(
        request.user, exercise, text[:4000] or lessons.exercise_text(exercise)
    )
    log_classified_reads(request.user, [s.observation for s in found])
    return [{"score": s.score, "shared_words": s.shared, "lesson": s.observation} for s in found]
