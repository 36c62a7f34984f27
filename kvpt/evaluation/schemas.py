"""API schemas of the evaluation (kvpt/evaluation/api.py)."""

# No `from __future__ import annotations`: ninja's paginate wrapper cannot resolve string types.
import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

TargetKindIn = Literal["exercise", "phase", "situation", "unit", "person"]
VERSION = Field(description="Gửi lại khi sửa để phát hiện sửa đồng thời (409 nếu đã cũ).")


class LevelOut(Schema):
    id: int
    scale_id: int
    code: str
    label: str
    order: int
    is_passing: bool


class ScaleOut(Schema):
    id: int
    code: str
    name: str
    description: str
    levels: list[LevelOut]

    @staticmethod
    def resolve_levels(obj: Any) -> list[Any]:
        return list(obj.levels.all())


class CriterionOut(Schema):
    id: int
    criteria_set_id: int
    code: str
    text: str
    order: int
    link_kind: str
    link_index: int | None
    linked_text: str
    version: int = VERSION


class CriteriaSetOut(Schema):
    id: int
    exercise_id: int
    code: str
    name: str
    scale_id: int
    scale_code: str
    is_illustrative: bool
    version: int = VERSION
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_scale_code(obj: Any) -> str:
        return str(obj.scale.code)

    @staticmethod
    def resolve_criteria(obj: Any) -> list[Any]:
        return list(obj.criteria.all())


class CriteriaSetIn(Schema):
    name: str = Field(min_length=1, max_length=255)
    code: str | None = Field(None, max_length=40, description="Bỏ trống để tự đánh mã.")
    scale_id: int | None = None
    scale_code: str | None = None
    is_illustrative: bool = False


class CriteriaSetPatch(Schema):
    version: int
    name: str | None = Field(None, min_length=1, max_length=255)
    code: str | None = Field(None, min_length=1, max_length=40)
    scale_id: int | None = None
    scale_code: str | None = None
    is_illustrative: bool | None = None


class CriterionIn(Schema):
    text: str = Field(min_length=1)
    code: str | None = Field(None, max_length=40)
    order: int | None = Field(None, ge=0)
    link_kind: Literal["", "purpose", "requirement"] = ""
    link_index: int | None = Field(None, ge=1, description="Số thứ tự mục đích / yêu cầu, từ 1.")


class CriterionPatch(Schema):
    version: int
    text: str | None = Field(None, min_length=1)
    code: str | None = Field(None, min_length=1, max_length=40)
    order: int | None = Field(None, ge=0)
    link_kind: Literal["", "purpose", "requirement"] | None = None
    link_index: int | None = Field(None, ge=1)


class EvaluationOut(Schema):
    id: int
    exercise_id: int
    evaluator_id: int
    evaluator_username: str
    evaluator_person_id: int | None
    evaluator_agency_id: int | None
    target_kind: str
    target_id: int
    target_label: str
    criterion_id: int | None
    level_id: int
    level_code: str
    level_label: str
    comment: str
    classification: int
    is_illustrative: bool
    version: int = VERSION
    updated_at: dt.datetime

    @staticmethod
    def resolve_evaluator_username(obj: Any) -> str:
        return str(obj.evaluator.username)

    @staticmethod
    def resolve_level_code(obj: Any) -> str:
        return str(obj.level.code)

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(obj.level.label)


class EvaluationIn(Schema):
    level_id: int
    target_kind: TargetKindIn = "exercise"
    target_id: int | None = Field(None, description="Bỏ trống khi đối tượng là cuộc diễn tập.")
    criterion_id: int | None = None
    comment: str = ""
    classification: int | None = Field(None, ge=0, le=3)
    evaluator_agency_id: int | None = None
    is_illustrative: bool = False


class EvaluationPatch(Schema):
    version: int
    level_id: int | None = None
    comment: str | None = None
    classification: int | None = Field(None, ge=0, le=3)
    is_illustrative: bool | None = None


class EvaluationQuery(Schema):
    target_kind: TargetKindIn | None = None
    target_id: int | None = None
    criterion_id: int | None = None
    evaluator_id: int | None = None


class OfficialResultOut(Schema):
    id: int
    exercise_id: int
    target_kind: str
    target_id: int
    target_label: str
    criterion_id: int | None
    level_id: int
    level_code: str
    level_label: str
    decided_by_id: int | None
    decided_by_person_id: int | None
    decided_at: dt.datetime
    rationale: str
    is_illustrative: bool
    version: int = VERSION

    @staticmethod
    def resolve_level_code(obj: Any) -> str:
        return str(obj.level.code)

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(obj.level.label)


class OfficialResultIn(Schema):
    level_id: int
    target_kind: TargetKindIn = "exercise"
    target_id: int | None = None
    criterion_id: int | None = None
    rationale: str = ""
    version: int | None = Field(
        None, description="Phiên bản của quyết định đang có (bắt buộc khi quyết định lại)."
    )
    is_illustrative: bool = False


class ComparisonCellOut(Schema):
    evaluator_id: int
    evaluation_id: int | None
    level_id: int | None
    level_label: str | None
    comment: str | None


class ComparisonRowOut(Schema):
    target_kind: str
    target_id: int
    target_label: str
    criterion_id: int | None
    disagrees: bool
    ratings: list[ComparisonCellOut]
    official: OfficialResultOut | None


class EvaluatorOut(Schema):
    id: int
    username: str
    full_name: str


class ComparisonOut(Schema):
    evaluators: list[EvaluatorOut]
    rows: list[ComparisonRowOut]


class GradeOut(Schema):
    id: int
    exercise_id: int
    level_id: int
    level_code: str
    level_label: str
    scale_code: str
    decided_by_agency_id: int | None
    decided_by_id: int | None
    decided_on: dt.date | None
    basis: str
    is_illustrative: bool
    version: int = VERSION

    @staticmethod
    def resolve_level_code(obj: Any) -> str:
        return str(obj.level.code)

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(obj.level.label)

    @staticmethod
    def resolve_scale_code(obj: Any) -> str:
        return str(obj.level.scale.code)


class GradeIn(Schema):
    level_id: int
    decided_by_agency_id: int | None = None
    decided_on: dt.date | None = None
    basis: str = ""
    version: int | None = Field(None, description="Bắt buộc khi sửa xếp loại đã có.")
    is_illustrative: bool = False


class AwardOut(Schema):
    id: int
    exercise_id: int
    code: str
    kind: str
    kind_label: str
    issuer_agency_id: int | None
    issuer_text: str
    issuer_name: str
    recipient_agency_id: int | None
    recipient_unit_id: int | None
    recipient_person_id: int | None
    recipient_name: str
    is_collective: bool
    reason: str
    decision_number: str
    decision_date: dt.date | None
    is_illustrative: bool
    version: int = VERSION

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class AwardIn(Schema):
    kind: Literal["bang_khen", "giay_khen"]
    code: str | None = Field(None, max_length=40)
    issuer_agency_id: int | None = None
    issuer_text: str = Field("", max_length=255)
    recipient_agency_id: int | None = None
    recipient_unit_id: int | None = None
    recipient_person_id: int | None = None
    reason: str = ""
    decision_number: str = Field("", max_length=80)
    decision_date: dt.date | None = None
    is_illustrative: bool = False


class AwardPatch(Schema):
    version: int
    kind: Literal["bang_khen", "giay_khen"] | None = None
    code: str | None = Field(None, min_length=1, max_length=40)
    issuer_agency_id: int | None = None
    issuer_text: str | None = Field(None, max_length=255)
    recipient_agency_id: int | None = None
    recipient_unit_id: int | None = None
    recipient_person_id: int | None = None
    reason: str | None = None
    decision_number: str | None = Field(None, max_length=80)
    decision_date: dt.date | None = None
    is_illustrative: bool | None = None
