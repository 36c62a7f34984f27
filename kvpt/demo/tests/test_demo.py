"""The demo world: the seed's facts are there, a second load changes nothing, every login works."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.db import models
from django.test import Client, RequestFactory

from kvpt.accounts.models import Membership, Role, User
from kvpt.core.models import Classification
from kvpt.demo import data
from kvpt.demo.load import DEMO_LOGINS, DemoResult, load_demo
from kvpt.organisations.models import (
    Agency,
    AgencyKind,
    Area,
    AreaLevel,
    AreaSuccession,
    Person,
    Position,
    Unit,
)

pytestmark = pytest.mark.django_db


def _exercise_models() -> list[type[models.Model]]:
    from kvpt.exercises.models import Committee, CommitteeMember, Content, Exercise, Phase
    from kvpt.preparation.models import BudgetLine, Document, Task, Work

    return [Exercise, Phase, Content, Committee, CommitteeMember, Task, Document, Work, BudgetLine]


DEMO_MODELS: list[type[models.Model]] = [
    AreaLevel,
    Area,
    AreaSuccession,
    Agency,
    Unit,
    Person,
    Position,
    User,
    Membership,
    *_exercise_models(),
]


@pytest.fixture
def loaded() -> DemoResult:
    return load_demo(io.StringIO())


def _row_counts() -> dict[str, int]:
    counts = {m.__name__: m._default_manager.count() for m in DEMO_MODELS}
    # History rows too: an idempotent run must not even write "changed nothing" history.
    for model in DEMO_MODELS:
        history = getattr(model, "history", None)
        if history is not None:
            counts[f"{model.__name__}.history"] = history.count()
    return counts


def test_a_second_load_creates_and_changes_nothing(loaded: DemoResult) -> None:
    before = _row_counts()
    versions = dict(Agency.objects.values_list("code", "version"))

    again = load_demo(io.StringIO())

    assert loaded.total_created > 50
    assert (again.total_created, again.total_updated) == (0, 0)
    # Catalogue rows a migration seeded (situation kinds) may already be "unchanged" the first time.
    assert again.total_unchanged == loaded.total_created + loaded.total_unchanged
    assert _row_counts() == before
    assert dict(Agency.objects.values_list("code", "version")) == versions


def test_a_second_load_restores_an_edited_fact_and_records_no_actor(loaded: DemoResult) -> None:
    Unit.objects.filter(code="388-DBDV-C1").update(strength=90)
    Agency.objects.get(code="38-PTKV-DEMO").covered_areas.clear()

    again = load_demo(io.StringIO())

    assert again.updated["đơn vị, lực lượng"] == 1
    assert again.updated["cơ quan, tổ chức"] == 1
    assert again.total_created == 0
    company = Unit.objects.get(code="388-DBDV-C1")
    assert company.strength == 110
    assert company.version == 2
    assert company.history.first().history_user is None
    assert Agency.objects.get(code="38-PTKV-DEMO").covered_areas.count() == 4


def test_a_second_load_keeps_a_password_the_user_changed(loaded: DemoResult) -> None:
    user = User.objects.get(username="quansat")
    user.set_password("mat-khau-rieng-2024")
    user.save()

    load_demo(io.StringIO())

    user.refresh_from_db()
    assert user.check_password("mat-khau-rieng-2024")


def test_it_prints_a_vietnamese_summary() -> None:
    out = io.StringIO()
    load_demo(out)
    text = out.getvalue()
    assert "Dữ liệu mẫu" in text
    assert "Tạo mới" in text
    assert data.DEMO_PASSWORD in text


def test_lang_chanh_is_a_district_of_thanh_hoa_until_the_two_tier_reform(
    loaded: DemoResult,
) -> None:
    province = Area.objects.get(code=data.THANH_HOA)
    district = Area.objects.get(code=data.LANG_CHANH)
    commune = Area.objects.get(code=data.TRI_NANG)
    assert (province.name, province.level.code) == ("Thanh Hóa", "tinh")
    assert (district.name, district.level.code, district.parent) == (
        "Lang Chánh",
        "huyen",
        province,
    )
    assert (commune.name, commune.level.code, commune.parent) == ("Trí Nang", "xa", district)
    assert str(district.valid_to) == "2025-06-30"
    assert commune.path.startswith(district.path)
    assert district.path.startswith(province.path)
    assert list(AreaLevel.objects.values_list("code", "name")) == [
        ("tinh", "Tỉnh"),
        ("huyen", "Huyện"),
        ("xa", "Xã"),
    ]
    assert not Area.objects.filter(require_two_factor=True).exists()


def test_the_head_of_the_steering_committee_holds_both_positions(loaded: DemoResult) -> None:
    head = User.objects.get(username="bcd.truongban").person
    assert head is not None
    assert head.positions_label == "Bí thư Huyện ủy, Chủ tịch HĐND huyện"
    assert {p.agency.short_name for p in head.positions.all()} == {"Huyện ủy", "HĐND huyện"}
    btc = Person.objects.get(positions__title="Chủ tịch UBND huyện")
    assert btc.positions_label == "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện"
    commander = Person.objects.get(
        positions__title="Chỉ huy trưởng Ban CHQS huyện", area__code=data.LANG_CHANH
    )
    assert commander.rank == "Thượng tá"
    assert Person.objects.filter(positions__title="Trưởng Công an huyện").exists()


def test_the_units_of_the_seed_exist_with_their_strength_or_size(loaded: DemoResult) -> None:
    company = Unit.objects.get(code="388-DBDV-C1")
    assert company.strength == 110
    assert company.agency.code == "388-BCHQS"
    mobile = Unit.objects.filter(kind="mobile_militia")
    # The directory's two communes' platoons; the forces stage adds the town's (DEMO- code).
    assert mobile.exclude(code__startswith="DEMO-").count() == 2
    assert all(u.size_label == "1 trung đội" and u.strength is None for u in mobile)
    assert mobile.filter(name="Trung đội dân quân cơ động xã Trí Nang").exists()
    platoon = Unit.objects.get(code="388-TDBB-B1")
    assert (platoon.size_label, platoon.parent and platoon.parent.code) == (
        "1 trung đội",
        "388-TDBB",
    )
    assert Unit.objects.filter(kind="police", agency__code="388-CA").exists()


def test_the_district_passed_to_new_communes_covered_by_a_regional_command(
    loaded: DemoResult,
) -> None:
    district = Area.objects.get(code=data.LANG_CHANH)
    successors = Area.objects.filter(successions_in__predecessor=district)
    assert successors.count() >= 2
    assert all(
        a.level.code == "xa" and a.parent and a.parent.code == data.THANH_HOA for a in successors
    )
    assert all(str(a.valid_from) == "2025-07-01" and "DEMO-" in a.note for a in successors)
    old_commune = AreaSuccession.objects.get(predecessor__code=data.TRI_NANG)
    assert old_commune.successor.code == data.LINH_SON
    assert str(old_commune.effective_on) == "2025-07-01"
    assert not AreaSuccession.objects.exclude(effective_on="2025-07-01").exists()

    command = Agency.objects.get(kind=AgencyKind.REGIONAL_DEFENCE)
    assert command.parent is not None
    assert command.parent.name == "Bộ Chỉ huy Quân sự tỉnh Thanh Hóa"
    assert command.covered_areas.count() >= 2
    assert set(command.covered_areas.all()) <= set(successors)
    assert Agency.objects.filter(kind=AgencyKind.STEERING_COMMITTEE, area__code="38").exists()


@pytest.mark.parametrize(("username", "password", "description"), DEMO_LOGINS)
def test_every_demo_login_works(
    loaded: DemoResult, username: str, password: str, description: str
) -> None:
    client = Client()
    # AxesStandaloneBackend wants the request; Client.login passes credentials through.
    assert client.login(
        request=RequestFactory().post("/accounts/login/"), username=username, password=password
    )
    assert description
    response = client.get("/")
    assert response.status_code == 200


def test_every_role_has_a_demo_user_and_every_user_a_role(loaded: DemoResult) -> None:
    usernames = [u for u, _, _ in DEMO_LOGINS]
    roles = set(
        Membership.objects.filter(user__username__in=usernames).values_list("role", flat=True)
    )
    assert roles == set(Role.values)
    assert set(
        User.objects.filter(memberships__isnull=False).values_list("username", flat=True)
    ) == set(usernames)


def test_demo_users_are_linked_to_people_and_hold_the_stated_clearance(loaded: DemoResult) -> None:
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.clearance == Classification.TOP_SECRET
    assert User.objects.get(username="tinh.quantri").clearance == Classification.SECRET
    for name in ("bcd.truongban", "thammuu", "daodien", "danhgia"):
        assert User.objects.get(username=name).clearance == Classification.CONFIDENTIAL
    assert User.objects.get(username="quansat").clearance == Classification.UNCLASSIFIED
    assert User.objects.exclude(username="admin").filter(person__isnull=True).count() == 0
    head = User.objects.get(username="bcd.truongban")
    assert head.get_full_name() == head.person.full_name  # type: ignore[union-attr]
    sibling = Membership.objects.get(user__username="bathuoc")
    assert (sibling.role, sibling.area and sibling.area.code) == (Role.ORG_ADMIN, data.BA_THUOC)
    assert Membership.objects.get(user__username="xa.trinang").area == Area.objects.get(
        code=data.TRI_NANG
    )


def test_the_seed_exercise_has_its_committees_and_heads(loaded: DemoResult) -> None:
    from kvpt.exercises.models import Exercise

    exercise = Exercise.objects.get(code="DT-KVPT-2023")
    assert exercise.area.code == data.LANG_CHANH
    assert exercise.committees.filter(kind="subcommittee").count() == 7  # "7 tiểu ban"
    heads = {
        c.code: c.members.get(role="head")
        for c in exercise.committees.filter(code__in=["BCD", "BTC"])
    }
    assert heads["BCD"].position == "Bí thư Huyện ủy, Chủ tịch HĐND huyện"
    assert heads["BTC"].position == "Phó Bí thư Huyện ủy, Chủ tịch UBND huyện"
    assert exercise.phases.count() == 3
    conference = exercise.milestones.get(kind="conference")
    assert (conference.starts_on.isoformat(), conference.is_illustrative) == ("2023-08-31", False)
    assert "quân sự, công an làm nòng cốt" in exercise.leadership_mechanism


def test_the_seed_exercise_has_every_work_the_report_names(loaded: DemoResult) -> None:
    from kvpt.preparation.models import Work

    works = {w.name: w for w in Work.objects.filter(exercise__code="DT-KVPT-2023")}
    new = {n for n, w in works.items() if w.construction == "new"}
    renovated = {n for n, w in works.items() if w.construction == "renovated"}
    assert {"Hầm họp", "Sa bàn Ban CHQS huyện", "Hầm Huyện ủy"} <= new
    assert {"Hầm họp UBND huyện", "Hầm Công an huyện", "Hầm Ban Chỉ đạo diễn tập tỉnh"} <= (
        renovated
    )
    assert "Công trình trận địa khu vực Sở chỉ huy diễn tập" in new
    road = next(w for w in works.values() if w.kind == "road")
    # "hơn 2 km" in the report: the exact figure is made up and flagged as such.
    assert road.quantity is not None
    assert road.quantity > 2
    assert (road.quantity_unit, road.is_illustrative) == ("km", True)


def test_figures_the_seed_does_not_give_are_flagged_illustrative(loaded: DemoResult) -> None:
    from kvpt.preparation.models import BudgetLine, Task

    lines = BudgetLine.objects.filter(exercise__code="DT-KVPT-2023")
    assert lines.exists()
    assert not lines.filter(is_illustrative=False).exists()
    assert lines.filter(is_site_clearance=True).exists()
    assert not Task.objects.filter(exercise__code="DT-KVPT-2023", is_illustrative=False).exists()


def test_every_stored_text_is_nfc(loaded: DemoResult) -> None:
    checked = 0
    for model in DEMO_MODELS:
        text_fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and f.attname != "password"
        ]
        for row in model._default_manager.values_list(*text_fields):
            for value in row:
                if value:
                    assert unicodedata.is_normalized("NFC", value), value
                    checked += 1
    assert checked > 200


def test_the_data_itself_is_nfc() -> None:
    """The loader normalises, but a decomposed literal would make the second run see a change."""
    for module_value in (data.AREAS, data.AGENCIES, data.UNITS, data.PEOPLE, data.USERS):
        assert unicodedata.is_normalized("NFC", repr(module_value))


def test_the_2026_commune_exercise_is_copied_from_2023_and_in_preparation(
    loaded: DemoResult,
) -> None:
    from kvpt.exercises.models import Exercise
    from kvpt.preparation.models import Task

    copy = Exercise.objects.get(code="DT-XA-LINHSON-2026")
    assert copy.copied_from is not None
    assert copy.copied_from.code == "DT-KVPT-2023"
    assert copy.area.code == data.LINH_SON
    assert copy.status == "preparing"
    tasks = Task.objects.filter(exercise=copy)
    assert tasks.count() == Task.objects.filter(exercise__code="DT-KVPT-2023").count()
    assert set(tasks.values_list("status", flat=True)) == {"done", "in_progress", "blocked"}
    assert copy.committees.filter(kind="subcommittee").count() == 7
