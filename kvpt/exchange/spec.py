"""What the exchange format carries: every model of an exercise, in the order they are written.

Each model lists the fields it exports and the fields that stay local to an installation (ids,
timestamps, edit counters, derived search text, storage paths). A test fails when a model of an
exercise, or a field of one, appears that this file does not name: nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class ModelSpec:
    """One model of the format: where its rows hang off the exercise and what they carry."""

    label: str
    exercise_path: str
    fields: tuple[str, ...]
    local: tuple[str, ...]
    file_field: str = ""

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def app(self) -> str:
        return self.label.split(".")[0]

    @property
    def name(self) -> str:
        return self.label.split(".")[1]


# The exercise itself: `copied_from` names another exercise of this installation only; `revision`
# counts local writes; `search_text` is derived from code and name.
EXERCISE = ModelSpec(
    "exercises.Exercise",
    exercise_path="",
    fields=(
        "classification",
        "is_illustrative",
        "code",
        "name",
        "area",
        "level",
        "year",
        "status",
        "code_name",
        "kind",
        "organisation",
        "directing_organisation",
        "scale",
        "purposes",
        "requirements",
        "start_date",
        "end_date",
        "leadership_mechanism",
        "cancel_reason",
    ),
    local=("id", "created_at", "updated_at", "version", "copied_from", "revision", "search_text"),
)

# In dependency order: a row refers only to rows of models listed before it (or to its own model
# through a many-to-many field, set once every row exists).
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        "exercises.ExerciseTransition",
        exercise_path="exercise",
        fields=("from_status", "to_status", "at", "by", "reason"),
        local=("id",),
    ),
    ModelSpec(
        "exercises.Phase",
        exercise_path="exercise",
        fields=(
            "is_illustrative",
            "order",
            "name",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "exercises.Content",
        exercise_path="phase__exercise",
        fields=(
            "is_illustrative",
            "phase",
            "order",
            "name",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "exercises.Milestone",
        exercise_path="exercise",
        fields=(
            "is_illustrative",
            "kind",
            "sequence",
            "title",
            "starts_on",
            "ends_on",
            "location",
            "done",
            "notes",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "exercises.Committee",
        exercise_path="exercise",
        fields=("kind", "code", "name", "order", "duties"),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "exercises.CommitteeMember",
        exercise_path="committee__exercise",
        fields=("committee", "person", "position", "role", "exercise_role", "order"),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "preparation.BudgetLine",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "code",
            "subcommittee",
            "description",
            "category",
            "source",
            "is_site_clearance",
            "estimate",
            "actual",
            "additional",
            "settled_amount",
            "settled_on",
            "notes",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "preparation.Task",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "code",
            "subcommittee",
            "title",
            "category",
            "owner",
            "assignee",
            "start",
            "due",
            "status",
            "progress",
            "completed_on",
            "notes",
            "depends_on",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "preparation.Document",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "code",
            "subcommittee",
            "kind",
            "number",
            "title",
            "status",
            "custodian",
            "issued_on",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "preparation.DocumentVersion",
        exercise_path="document__exercise",
        fields=(
            "document",
            "number",
            "filename",
            "content_type",
            "size",
            "sha256",
            "note",
            "uploaded_at",
            "uploaded_by",
        ),
        local=("file", "id"),
        file_field="file",
    ),
    ModelSpec(
        "preparation.Work",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "code",
            "subcommittee",
            "name",
            "kind",
            "construction",
            "quantity",
            "quantity_unit",
            "location",
            "status",
            "owner",
            "custodian",
            "budget_line",
            "handed_over_to",
            "handed_over_on",
            "handover_record",
            "notes",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "forces.Force",
        exercise_path="exercise",
        fields=("code", "name", "situations", "order", "notes"),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "forces.ForceAllocation",
        exercise_path="exercise",
        fields=(
            "is_illustrative",
            "unit",
            "planned_personnel",
            "actual_personnel",
            "size_label",
            "notes",
            "forces",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "forces.VehicleAllocation",
        exercise_path="allocation__exercise",
        fields=("allocation", "kind", "planned", "actual"),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "forces.EquipmentAllocation",
        exercise_path="allocation__exercise",
        fields=("allocation", "item", "quantity"),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "forces.RosterEntry",
        exercise_path="exercise",
        fields=(
            "unit",
            "person_code",
            "full_name",
            "rank",
            "role",
            "reserve_status",
            "phone",
            "date_of_birth",
            "attended",
            "checked_in_at",
        ),
        local=("id", "created_at", "updated_at", "version", "search_text"),
    ),
    ModelSpec(
        "forces.WeaponIssue",
        exercise_path="exercise",
        fields=(
            "is_illustrative",
            "unit",
            "item",
            "serial",
            "quantity_issued",
            "quantity_returned",
            "quantity_lost",
            "quantity_damaged",
            "issued_on",
            "returned_on",
            "notes",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "scenario.Situation",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "code",
            "title",
            "kind",
            "phase",
            "lead_agency",
            "location",
            "location_classification",
            "forces_text",
            "notes",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "scenario.Inject",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "serial",
            "phase",
            "content_item",
            "situation",
            "scenario_time",
            "scenario_offset",
            "scheduled_at",
            "delivered_at",
            "completed_at",
            "from_org",
            "to_agency",
            "to_unit",
            "to_text",
            "method",
            "content",
            "expected_action",
            "objective",
            "controller",
            "status",
            "notes",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "scenario.InjectTransition",
        exercise_path="inject__exercise",
        fields=("inject", "from_status", "to_status", "at", "by", "note"),
        local=("id",),
    ),
    ModelSpec(
        "scenario.ConductClock",
        exercise_path="exercise",
        fields=("state", "started_at", "paused_at", "stopped_at", "paused_seconds"),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "scenario.ConductLogEntry",
        exercise_path="exercise",
        fields=("classification", "is_illustrative", "at", "kind", "author", "text", "inject"),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "scenario.SafetyIncident",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "at",
            "category",
            "severity",
            "injured_count",
            "killed_count",
            "description",
            "resolution",
            "resolved_at",
            "reported_by",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "evaluation.CriteriaSet",
        exercise_path="exercise",
        fields=("is_illustrative", "code", "name", "scale"),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "evaluation.Criterion",
        exercise_path="exercise",
        fields=("criteria_set", "code", "text", "order", "link_kind", "link_index"),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "evaluation.Evaluation",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "target_kind",
            "target_id",
            "target_label",
            "evaluator",
            "evaluator_person",
            "evaluator_agency",
            "criterion",
            "level",
            "comment",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "evaluation.OfficialResult",
        exercise_path="exercise",
        fields=(
            "target_kind",
            "target_id",
            "target_label",
            "criterion",
            "level",
            "decided_by",
            "decided_by_person",
            "decided_at",
            "rationale",
            "is_illustrative",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "evaluation.ExerciseGrade",
        exercise_path="exercise",
        fields=(
            "is_illustrative",
            "level",
            "decided_by_agency",
            "decided_by",
            "decided_on",
            "basis",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "evaluation.Award",
        exercise_path="exercise",
        fields=(
            "is_illustrative",
            "code",
            "kind",
            "issuer_agency",
            "issuer_text",
            "recipient_agency",
            "recipient_unit",
            "recipient_person",
            "reason",
            "decision_number",
            "decision_date",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "review.Conference",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "code",
            "title",
            "held_on",
            "place",
            "attendees",
            "agenda",
            "notes",
            "chairs",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "review.Observation",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "code",
            "conference",
            "kind",
            "area",
            "observation",
            "discussion",
            "conclusion",
            "recommendation",
            "raised_by_agency",
            "raised_by_unit",
            "raised_by_person",
            "tags",
            "state",
        ),
        local=("id", "created_at", "updated_at", "version", "search_text"),
    ),
    ModelSpec(
        "review.ObservationTransition",
        exercise_path="observation__exercise",
        fields=("observation", "from_state", "to_state", "reason", "at", "by"),
        local=("id",),
    ),
    ModelSpec(
        "review.Directive",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "code",
            "conference",
            "text",
            "given_by",
            "given_on",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "review.CorrectiveAction",
        exercise_path="exercise",
        fields=(
            "classification",
            "is_illustrative",
            "code",
            "observation",
            "directive",
            "title",
            "description",
            "owner",
            "responsible",
            "start",
            "due",
            "status",
            "progress_note",
            "closed_at",
            "closed_by",
        ),
        local=("id", "created_at", "updated_at", "version"),
    ),
    ModelSpec(
        "review.ActionEvidence",
        exercise_path="action__exercise",
        fields=(
            "action",
            "filename",
            "content_type",
            "size",
            "sha256",
            "note",
            "uploaded_at",
            "uploaded_by",
        ),
        local=("file", "id"),
        file_field="file",
    ),
)

# Models that hang off an exercise but are not carried, with the reason.
EXCLUDED: dict[str, str] = {
    "review.Notification": "nhắc việc gửi cho tài khoản của cài đặt này (per-user reminders)",
}

# References to records outside the exercise are matched by these natural keys on import.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "organisations.Area": ("code",),
    "organisations.AreaLevel": ("code",),
    "organisations.Agency": ("code",),
    "organisations.Unit": ("code",),
    "organisations.Person": ("code",),
    "preparation.DocumentKind": ("code",),
    "scenario.SituationKind": ("code",),
    "evaluation.RatingScale": ("code",),
    "evaluation.ScaleLevel": ("scale__code", "code"),
    "accounts.User": ("username",),
}

# Accounts differ between installations: an unmatched account is reported and replaced by the
# importing user instead of refusing the file (see docs/exchange/README.md).
SOFT_KEYS = frozenset({"accounts.User"})

# Fields holding the id of a record chosen by a kind field beside them (evaluation targets).
TARGET_FIELDS = {"evaluation.Evaluation", "evaluation.OfficialResult"}
TARGET_KINDS: dict[str, str] = {
    "phase": "exercises.Phase",
    "situation": "scenario.Situation",
    "unit": "organisations.Unit",
    "person": "organisations.Person",
}

BY_LABEL: dict[str, ModelSpec] = {spec.label: spec for spec in MODELS}
