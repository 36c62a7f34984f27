"""Files that must be refused with the place named, and nothing written."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kvpt.core.testing.world import World
from kvpt.exchange import crypto, services
from kvpt.exchange.tests.helpers import FAST, populate, renamed, to_bytes
from kvpt.exercises.models import Exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(world: World) -> dict[str, Any]:
    exercise = populate(world)
    built, _files = services.build_document(exercise)
    return renamed(built, "DT-NHAP")


def _refused(data: bytes, actor: Any, **options: Any) -> list[services.Problem]:
    before = Exercise.objects.count()
    with pytest.raises(services.ExchangeError) as caught:
        services.import_exercise(data, actor=actor, **options)
    assert Exercise.objects.count() == before, "a refused file wrote something"
    dry = services.import_exercise(data, actor=actor, dry_run=True, **options)
    assert not dry.ok
    assert [str(p) for p in dry.problems] == [str(p) for p in caught.value.problems]
    return caught.value.problems


def test_a_newer_format_version_is_refused(world: World, document: dict[str, Any]) -> None:
    document["version"] = 2
    problems = _refused(to_bytes(document), world.alice)
    assert problems[0].place == "version"
    assert "mới hơn" in problems[0].message


def test_a_truncated_file_is_refused_with_line_and_column(
    world: World, document: dict[str, Any]
) -> None:
    data = to_bytes(document)
    problems = _refused(data[: len(data) // 2], world.alice)
    assert problems[0].place.startswith("dòng 1, cột")
    assert "cắt cụt" in problems[0].message


def test_a_schema_violation_names_the_field(world: World, document: dict[str, Any]) -> None:
    document["records"]["preparation"]["Task"][1]["progress"] = "nhiều"
    del document["records"]["forces"]["ForceAllocation"][0]["unit"]
    problems = _refused(to_bytes(document), world.alice)
    places = [p.place for p in problems]
    assert "records.preparation.Task[1].progress" in places
    assert "records.forces.ForceAllocation[0]" in places  # the missing required field
    assert all("lược đồ" in p.message for p in problems)


def test_every_unmatched_reference_is_listed_with_its_place(
    world: World, document: dict[str, Any]
) -> None:
    document["records"]["forces"]["ForceAllocation"][0]["unit"] = "KHONG-CO"
    document["records"]["preparation"]["Task"][1]["assignee"] = "CB-999"
    document["records"]["review"]["Observation"][0]["raised_by_unit"] = "KHONG-CO"
    problems = _refused(to_bytes(document), world.alice)
    assert {(p.place, "KHONG-CO" in p.message or "CB-999" in p.message) for p in problems} == {
        ("records.forces.ForceAllocation[0].unit", True),
        ("records.preparation.Task[1].assignee", True),
        ("records.review.Observation[0].raised_by_unit", True),
    }


def test_a_position_outside_the_file_is_refused(world: World, document: dict[str, Any]) -> None:
    document["records"]["preparation"]["Task"][0]["depends_on"] = [7]
    problems = _refused(to_bytes(document), world.alice)
    assert [p.place for p in problems] == ["records.preparation.Task[0].depends_on[0]"]


def test_an_existing_exercise_code_is_refused(world: World, document: dict[str, Any]) -> None:
    document["exercise"]["code"] = world.exercise.code
    problems = _refused(to_bytes(document), world.alice)
    assert [p.place for p in problems] == ["exercise.code"]
    assert world.exercise.code in problems[0].message


def test_an_unknown_account_is_reported_and_given_to_the_importer(
    world: World, document: dict[str, Any]
) -> None:
    document["records"]["evaluation"]["Evaluation"][0]["evaluator"] = "nguoi-la"
    report = services.import_exercise(to_bytes(document), actor=world.alice)
    assert [w.place for w in report.warnings] == ["records.evaluation.Evaluation[0].evaluator"]
    from kvpt.evaluation.models import Evaluation

    assert Evaluation.objects.get(exercise_id=int(report.exercise_id or 0)).evaluator == world.alice


def test_a_wrong_passphrase_is_refused(world: World, document: dict[str, Any]) -> None:
    data = crypto.protect(
        to_bytes(document), "đúng mật khẩu", purpose=crypto.PURPOSE_EXERCISE, log2_n=FAST
    )
    problems = _refused(data, world.alice, passphrase="sai mật khẩu")
    assert "Sai cụm mật khẩu" in problems[0].message
    problems = _refused(data, world.alice)
    assert "hãy nhập cụm mật khẩu" in problems[0].message


@pytest.mark.parametrize("where", ["ciphertext", "marking", "tail"])
def test_an_altered_encrypted_file_is_refused(
    world: World, document: dict[str, Any], where: str
) -> None:
    data = bytearray(crypto.protect(to_bytes(document), "đúng mật khẩu", purpose=1, log2_n=FAST))
    if where == "ciphertext":
        data[crypto.HEADER.size + 40] ^= 0x01
    elif where == "marking":
        data[10] = 3  # claim another marking
    else:
        del data[-5:]
    problems = _refused(bytes(data), world.alice, passphrase="đúng mật khẩu")
    assert "sửa đổi" in problems[0].message


def test_a_backup_is_not_taken_for_an_exchange_file(world: World) -> None:
    data = crypto.protect(b"{}", "đúng mật khẩu", purpose=crypto.PURPOSE_BACKUP, log2_n=FAST)
    problems = _refused(data, world.alice, passphrase="đúng mật khẩu")
    assert "sao lưu" in problems[0].message


def test_a_short_passphrase_is_refused_on_export() -> None:
    with pytest.raises(crypto.ProtectionError):
        crypto.protect(b"x", "ngắn", purpose=1, log2_n=FAST)


def test_a_user_without_the_role_or_outside_the_area_cannot_import(
    world: World, document: dict[str, Any]
) -> None:
    for user in (world.bob, world.charlie):  # observer in the area; admin of a sibling area
        problems = _refused(to_bytes(copy.deepcopy(document)), user)
        assert "exercise.area" in [p.place for p in problems]


def test_an_import_above_the_users_clearance_is_refused(
    world: World, document: dict[str, Any]
) -> None:
    world.alice.clearance = 0
    world.alice.save()
    problems = _refused(to_bytes(document), world.alice)
    assert [p.place for p in problems] == ["classification"]


def test_the_database_refusing_a_row_rolls_everything_back(
    world: World, document: dict[str, Any]
) -> None:
    # Two tasks with one code pass the schema and the references but not the database.
    document["records"]["preparation"]["Task"][1]["code"] = "NV-01"
    with pytest.raises(services.ExchangeError) as caught:
        services.import_exercise(to_bytes(document), actor=world.alice)
    assert caught.value.problems[0].place == "records.preparation.Task[1]"
    assert not Exercise.objects.filter(code="DT-NHAP").exists()
