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

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

from django.db import models, transaction

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
    """Hook for the exercise DT-KVPT-2023 and everything that hangs off it: empty until then.

    "Exercise set-up and preparation" fills it in; it runs inside load_demo's transaction after the
    world exists, and should add its rows through `loader.upsert` so its counts reach the summary.
    """


def load_demo(stdout: TextIO | None = None) -> DemoResult:
    """Create or update the demo world and its users; print a short summary to `stdout` if given."""
    loader = DemoLoader()
    with transaction.atomic():
        _load_world(loader)
        load_exercise_stage(stdout, loader=loader)
    if stdout is not None:
        stdout.write(loader.result.summary() + "\n")
    return loader.result
