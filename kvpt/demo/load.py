"""Load the demo world (kvpt/demo/data.py) into the database: idempotent, in one transaction.

Every row is matched by its stable code (users by username, positions by person + agency + title,
memberships by user + role + area); a row that exists and already says what the data says is left
alone, so a second run writes nothing, not even history. History records the actor as nobody
("Hệ thống"), since no person made these changes.

Accounts are the exception to "the data wins": a demo user's password and active flag are set
when the account is created and never reset afterwards, so running `kvpt demo` again cannot undo
an administrator who changed a password or locked an account.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

from django.db import models, transaction
from django.utils import timezone

from kvpt.accounts.models import Membership, User
from kvpt.core.models import VersionedModel
from kvpt.core.services import create_versioned, normalise_fields, save_versioned, set_actor
from kvpt.core.text import clean_text, nfc
from kvpt.demo import data
from kvpt.organisations.models import (
    Agency,
    Area,
    AreaLevel,
    AreaSuccession,
    Person,
    Position,
    Unit,
)

V = TypeVar("V", bound=VersionedModel)

DEMO_PASSWORD = data.DEMO_PASSWORD

# (username, password, what the account is for): `kvpt demo --print-logins` and `make run` print it.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    (row.username, data.DEMO_PASSWORD, row.description) for row in data.USERS
]


@dataclass
class DemoResult:
    """What one run did, counted per model (verbose names, in Vietnamese)."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    @property
    def total_unchanged(self) -> int:
        return sum(self.unchanged.values())

    def summary(self) -> str:
        lines = [
            "Dữ liệu mẫu: tỉnh Thanh Hóa, huyện Lang Chánh (diễn tập KVPT năm 2023) và các xã "
            "kế thừa từ 01/07/2025.",
            f"Tạo mới {self.total_created}, cập nhật {self.total_updated}, "
            f"giữ nguyên {self.total_unchanged} bản ghi.",
        ]
        details = []
        for label in sorted(set(self.created) | set(self.updated)):
            parts = [
                f"{n} {word}"
                for n, word in ((self.created[label], "mới"), (self.updated[label], "cập nhật"))
                if n
            ]
            if parts:
                details.append(f"{label}: {', '.join(parts)}")
        if details:
            lines.append("Chi tiết: " + "; ".join(details) + ".")
        lines.append(
            f"Tài khoản mẫu: {len(DEMO_LOGINS)}, mật khẩu chung “{data.DEMO_PASSWORD}” "
            "(xem danh sách: kvpt demo --print-logins)."
        )
        return "\n".join(lines)


def _wanted(model_field: models.Field[Any, Any], value: Any) -> Any:
    """The value as it will be stored: the comparison must see what normalise_fields would write."""
    if isinstance(value, str):
        return nfc(value) if isinstance(model_field, models.TextField) else clean_text(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


class DemoLoader:
    """Upserts rows by a lookup and counts what changed; later demo stages reuse it."""

    def __init__(self) -> None:
        self.result = DemoResult()

    def _label(self, model: type[models.Model]) -> str:
        return str(model._meta.verbose_name)

    def _differences(self, obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
        changed = {}
        for name, value in values.items():
            model_field = obj._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            if getattr(obj, model_field.attname) != _wanted(model_field, value):
                changed[name] = value
        return changed

    def upsert(
        self,
        model: type[V],
        lookup: dict[str, Any],
        values: dict[str, Any],
        m2m: dict[str, list[Any]] | None = None,
    ) -> V:
        """Create the row, or bring an existing one in line with `values` (only if it differs)."""
        label = self._label(model)
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            create_versioned(obj, actor=None)
            self._set_m2m(obj, m2m or {})
            self.result.created[label] += 1
            return obj
        changed = self._differences(obj, values)
        m2m_changed = {
            name: targets
            for name, targets in (m2m or {}).items()
            if {t.pk for t in targets} != set(getattr(obj, name).values_list("pk", flat=True))
        }
        if not changed and not m2m_changed:
            self.result.unchanged[label] += 1
            return obj
        if changed:
            for name, value in changed.items():
                setattr(obj, name, value)
            save_versioned(obj, expected_version=None, actor=None)
        self._set_m2m(obj, m2m_changed)
        self.result.updated[label] += 1
        return obj

    def _set_m2m(self, obj: models.Model, m2m: dict[str, list[Any]]) -> None:
        for name, targets in m2m.items():
            set_actor(obj, None)  # simple-history records the m2m change with this actor
            getattr(obj, name).set(targets)

    def user(self, row: data.UserRow, person: Person | None) -> User:
        """A demo login: facts follow the data; password and active flag only on creation."""
        values: dict[str, Any] = {
            "first_name": person.full_name if person else "Quản trị hệ thống",
            # Vietnamese names read family name first; the whole name sits in first_name so that
            # get_full_name() does not turn "Nguyễn Văn Hùng" into "Văn Hùng Nguyễn".
            "last_name": "",
            "person": person,
            "clearance": row.clearance,
            "is_superuser": row.is_superuser,
            "is_staff": row.is_superuser,
        }
        label = self._label(User)
        user = User.objects.filter(username=row.username).first()
        if user is None:
            user = User(username=row.username, is_active=True, **values)
            user.set_password(data.DEMO_PASSWORD)
            normalise_fields(user)
            user.full_clean()
            set_actor(user, None)
            user.save()
            self.result.created[label] += 1
            return user
        changed = self._differences(user, values)
        if not changed:
            self.result.unchanged[label] += 1
            return user
        for name, value in changed.items():
            setattr(user, name, value)
        normalise_fields(user)
        user.full_clean()
        set_actor(user, None)
        user.save()
        self.result.updated[label] += 1
        return user


def _load_world(loader: DemoLoader) -> None:
    levels = {
        row.code: loader.upsert(AreaLevel, {"code": row.code}, {"name": row.name, "rank": row.rank})
        for row in data.LEVELS
    }

    areas: dict[str, Area] = {}
    for area_row in data.AREAS:  # parents come first in the data
        areas[area_row.code] = loader.upsert(
            Area,
            {"code": area_row.code},
            {
                "name": area_row.name,
                "level": levels[area_row.level],
                "parent": areas[area_row.parent] if area_row.parent else None,
                "valid_from": area_row.valid_from,
                "valid_to": area_row.valid_to,
                "note": area_row.note,
            },
        )

    for succession in data.SUCCESSIONS:
        loader.upsert(
            AreaSuccession,
            {
                "predecessor": areas[succession.predecessor],
                "successor": areas[succession.successor],
            },
            {"effective_on": succession.effective_on, "note": succession.note},
        )

    agencies: dict[str, Agency] = {}
    for agency_row in data.AGENCIES:
        agency = loader.upsert(
            Agency,
            {"code": agency_row.code},
            {
                "name": agency_row.name,
                "short_name": agency_row.short_name,
                "kind": agency_row.kind,
                "area": areas[agency_row.area],
                "parent": agencies[agency_row.parent] if agency_row.parent else None,
                "valid_from": agency_row.valid_from,
                "valid_to": agency_row.valid_to,
            },
            m2m={"covered_areas": [areas[c] for c in agency_row.covered_areas]},
        )
        agencies[agency_row.code] = agency

    units: dict[str, Unit] = {}
    for unit_row in data.UNITS:
        units[unit_row.code] = loader.upsert(
            Unit,
            {"code": unit_row.code},
            {
                "name": unit_row.name,
                "kind": unit_row.kind,
                "agency": agencies[unit_row.agency],
                "parent": units[unit_row.parent] if unit_row.parent else None,
                "size_label": unit_row.size_label,
                "strength": unit_row.strength,
            },
        )

    people: dict[str, Person] = {}
    for person_row in data.PEOPLE:
        person = loader.upsert(
            Person,
            {"code": person_row.code},
            {
                "full_name": person_row.full_name,
                "rank": person_row.rank,
                "area": areas[person_row.area],
            },
        )
        people[person_row.code] = person
        for order, position in enumerate(person_row.positions):
            loader.upsert(
                Position,
                {"person": person, "agency": agencies[position.agency], "title": position.title},
                {"order": order, "start": position.start},
            )

    for user_row in data.USERS:
        user = loader.user(user_row, people[user_row.person] if user_row.person else None)
        loader.upsert(
            Membership,
            {"user": user, "role": user_row.role, "area": areas[user_row.area]},
            {"exercise": None},
        )


def load_exercise_stage(stdout: TextIO | None = None, *, loader: DemoLoader | None = None) -> None:
    """The seed's exercise DT-KVPT-2023 and everything that hangs off it (kvpt/demo/exercise_data).

    Runs inside load_demo's transaction after the world exists; every row goes through
    `loader.upsert`, keyed by its code, so a second run changes nothing.
    """
    loader = loader or DemoLoader()
    from kvpt.demo import exercise_data as xd
    from kvpt.exercises.models import Exercise

    facts = xd.ExerciseFacts()
    agencies = {a.code: a for a in Agency.objects.filter(code__startswith="38")}
    people = {p.code: p for p in Person.objects.all()}
    exercise = loader.upsert(
        Exercise,
        {"code": facts.code},
        {
            "name": facts.name,
            "code_name": facts.code_name,
            "kind": "kvpt_district",
            "area": Area.objects.get(code=data.LANG_CHANH),
            "level": AreaLevel.objects.get(code="huyen"),
            "year": 2023,
            "scale": facts.scale,
            "organisation": agencies[facts.organisation],
            "directing_organisation": agencies[facts.directing_organisation],
            "purposes": list(facts.purposes),
            "requirements": list(facts.requirements),
            "start_date": facts.start_date,
            "end_date": facts.end_date,
            "leadership_mechanism": facts.leadership_mechanism,
            # The summary conference (31/8/2023) has been held; its follow-up is still open.
            "status": "reviewing",
            # Its dates and code name are not in the seed.
            "is_illustrative": True,
        },
    )
    _load_structure(loader, exercise, xd)
    committees = _load_committees(loader, exercise, xd, people)
    _load_preparation(loader, exercise, xd, committees, agencies, people)
    _load_transitions(exercise, xd)
    _load_document_files(exercise, xd)
    _load_other_apps(loader, exercise)
    _load_successor_exercise(exercise, xd)


# Each domain app brings its own part of the seed's exercise (forces, scenario, evaluation, review).
OTHER_APP_STAGES = (
    "kvpt.forces.demo.load_forces_demo",
    "kvpt.scenario.demo.load_scenario_demo",
    "kvpt.evaluation.demo.load_evaluation_demo",
    "kvpt.review.demo.load_review_demo",
)


def _load_other_apps(loader: DemoLoader, exercise: Any) -> None:
    from importlib import import_module

    for dotted in OTHER_APP_STAGES:
        module_name, function_name = dotted.rsplit(".", 1)
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # that app does not bring demo data (yet)
        getattr(module, function_name)(loader, exercise)


def _load_successor_exercise(source: Any, xd: Any) -> None:
    """The 2026 commune exercise, copied once from the 2023 one and set in preparation.

    Created only when missing (a copy is an action, not data to keep in line), by the demo
    administrator through the same services a planner uses.
    """
    from kvpt.exercises.models import Exercise
    from kvpt.exercises.services import exercise_copy_structure, exercise_transition
    from kvpt.preparation.models import Task, TaskStatus

    plan = xd.SUCCESSOR
    if Exercise.objects.filter(code=plan.code).exists():
        return
    admin = User.objects.get(username="admin")
    copy = exercise_copy_structure(
        source=source,
        code=plan.code,
        name=plan.name,
        year=plan.start.year,
        area=Area.objects.get(code=data.LINH_SON),
        level=AreaLevel.objects.get(code="xa"),
        shift_days=(plan.start - source.start_date).days,
        # The district's office holders did not move to the commune: seats are filled anew.
        copy_members=False,
        actor=admin,
    )
    for status in ("planned", "preparing"):
        copy.refresh_from_db()
        copy = exercise_transition(
            exercise=copy, to_status=status, expected_version=copy.version, actor=admin
        )
    tasks = Task.objects.filter(exercise=copy)
    tasks.filter(due__lte=plan.done_until).update(
        status=TaskStatus.DONE, progress=100, completed_on=models.F("due")
    )
    tasks.filter(due__gt=plan.done_until).update(status=TaskStatus.IN_PROGRESS, progress=40)
    tasks.filter(code=plan.blocked_task).update(status=TaskStatus.BLOCKED, progress=20)
    tasks.update(is_illustrative=True)


def _load_transitions(exercise: Any, xd: Any) -> None:
    """The status history, written once: the moves happened, a second load must not repeat them."""
    from kvpt.exercises.models import ExerciseTransition

    if exercise.transitions.exists():
        return
    tz = timezone.get_current_timezone()
    previous = "draft"
    for row in xd.TRANSITIONS:
        move = ExerciseTransition.objects.create(
            exercise=exercise,
            from_status=previous,
            to_status=row.to_status,
            by=User.objects.get(username=row.by),
            reason=row.reason,
        )
        # `at` is set on creation; the demo's history is dated when it happened.
        ExerciseTransition.objects.filter(pk=move.pk).update(at=row.on.replace(tzinfo=tz))
        previous = row.to_status


def _load_document_files(exercise: Any, xd: Any) -> None:
    """Version 1 of a few documents, so downloads (and their log) can be tried."""
    from django.core.files.base import ContentFile

    from kvpt.preparation.models import Document, DocumentVersion

    for code, (filename, text) in xd.DOCUMENT_FILES.items():
        document = Document.objects.get(exercise=exercise, code=code)
        if document.versions.exists():
            continue
        body = text.encode("utf-8")
        version = DocumentVersion(
            document=document,
            number=1,
            filename=filename,
            content_type="text/plain; charset=utf-8",
            size=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
            note="Tệp minh họa",
        )
        version.file.save(filename, ContentFile(body), save=False)
        version.save()


def _load_structure(loader: DemoLoader, exercise: Any, xd: Any) -> None:
    from kvpt.exercises.models import Content, Milestone, Phase

    tz = timezone.get_current_timezone()
    for row in xd.PHASES:
        phase = loader.upsert(
            Phase,
            {"exercise": exercise, "order": row.order},
            {
                "name": row.name,
                "planned_start": row.start.replace(tzinfo=tz),
                "planned_end": row.end.replace(tzinfo=tz),
                "actual_start": row.start.replace(tzinfo=tz),
                "actual_end": row.end.replace(tzinfo=tz),
                "is_illustrative": True,
            },
        )
        for order, name in enumerate(row.contents, start=1):
            loader.upsert(
                Content,
                {"phase": phase, "order": order},
                {"name": name, "is_illustrative": True},
            )
    for m in xd.MILESTONES:
        loader.upsert(
            Milestone,
            {"exercise": exercise, "title": m.title},
            {
                "kind": m.kind,
                "sequence": m.sequence,
                "starts_on": m.starts_on,
                "ends_on": m.ends_on,
                "location": m.location,
                "done": True,
                "is_illustrative": m.illustrative,
            },
        )


def _load_committees(
    loader: DemoLoader, exercise: Any, xd: Any, people: dict[str, Person]
) -> dict[str, Any]:
    from kvpt.exercises.models import Committee, CommitteeMember

    committees = {}
    for order, row in enumerate(xd.COMMITTEES, start=1):
        committee = loader.upsert(
            Committee,
            {"exercise": exercise, "code": row.code},
            {"kind": row.kind, "name": row.name, "order": order, "duties": row.duties},
        )
        committees[row.code] = committee
        for seat, member in enumerate(row.members, start=1):
            loader.upsert(
                CommitteeMember,
                {"committee": committee, "person": people[member.person]},
                {
                    "role": member.role,
                    "position": member.position,
                    "exercise_role": member.exercise_role,
                    "order": seat,
                },
            )
    return committees


def _load_preparation(
    loader: DemoLoader,
    exercise: Any,
    xd: Any,
    committees: dict[str, Any],
    agencies: dict[str, Agency],
    people: dict[str, Person],
) -> None:
    from kvpt.preparation.models import BudgetLine, Document, DocumentKind, Task, Work

    budget = {}
    for b in xd.BUDGET:
        budget[b.code] = loader.upsert(
            BudgetLine,
            {"exercise": exercise, "code": b.code},
            {
                "description": b.description,
                "category": b.category,
                "source": b.source,
                "subcommittee": committees[b.subcommittee],
                "estimate": b.estimate,
                "actual": b.actual,
                "additional": b.additional,
                "settled_amount": b.settled,
                "settled_on": b.settled_on,
                "is_site_clearance": b.site_clearance,
                "is_illustrative": True,
            },
        )
    for w in xd.WORKS:
        loader.upsert(
            Work,
            {"exercise": exercise, "code": w.code},
            {
                "name": w.name,
                "kind": w.kind,
                "construction": w.construction,
                "quantity": w.quantity,
                "quantity_unit": w.unit,
                "location": w.location,
                "classification": w.classification,
                "status": "done",
                "owner": agencies["388-UBND"],
                "subcommittee": committees["TB-CONGTRINH"],
                "budget_line": budget[w.budget_line],
                "notes": w.notes,
                "is_illustrative": w.illustrative,
            },
        )
    kinds = {
        code: DocumentKind.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in xd.DOCUMENT_KINDS.items()
    }
    for d in xd.DOCUMENTS:
        loader.upsert(
            Document,
            {"exercise": exercise, "code": d.code},
            {
                "kind": kinds[d.kind],
                "title": d.title,
                "number": d.number,
                "classification": d.classification,
                "status": "approved",
                "custodian": agencies["388-BCHQS"],
                "subcommittee": committees["TB-VANKIEN"],
                "is_illustrative": True,
            },
        )
    tasks: dict[str, Task] = {}
    for t in xd.TASKS:
        tasks[t.code] = loader.upsert(
            Task,
            {"exercise": exercise, "code": t.code},
            {
                "title": t.title,
                "category": t.category,
                "subcommittee": committees[t.subcommittee],
                "owner": agencies[t.owner],
                "assignee": people[t.assignee] if t.assignee else None,
                "start": t.start,
                "due": t.due,
                "status": "done",
                "progress": 100,
                "completed_on": t.due,
                "is_illustrative": True,
            },
            m2m={"depends_on": [tasks[code] for code in t.depends_on]},
        )


def load_demo(stdout: TextIO | None = None) -> DemoResult:
    """Create or update the demo world and its users; print a short summary to `stdout` if given."""
    loader = DemoLoader()
    with transaction.atomic():
        _load_world(loader)
        load_exercise_stage(stdout, loader=loader)
    if stdout is not None:
        stdout.write(loader.result.summary() + "\n")
    return loader.result
