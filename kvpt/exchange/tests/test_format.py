"""The exchange format: what it covers, what it carries, how a file round-trips."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied

from kvpt.core.models import AccessLog, Classification, ExerciseOwned
from kvpt.core.testing.world import World
from kvpt.exchange import services
from kvpt.exchange.schema import render
from kvpt.exchange.spec import BY_LABEL, EXCLUDED, EXERCISE, MODELS
from kvpt.exchange.tests.helpers import FAST, FILE_BYTES, populate, renamed, to_bytes

pytestmark = pytest.mark.django_db


def _fields_of(model: Any) -> set[str]:
    return {
        f.name
        for f in model._meta.get_fields()
        if not (f.auto_created and not f.concrete) and not f.name.startswith("_")
    }


def test_every_model_of_an_exercise_is_carried_or_excluded_with_a_reason() -> None:
    owned = {
        m._meta.label
        for m in apps.get_models()
        if issubclass(m, ExerciseOwned) and not m._meta.label.split(".")[1].startswith("Historical")
    }
    # Models that hang off an exercise through a foreign key without being ExerciseOwned.
    linked = {
        m._meta.label
        for m in apps.get_models()
        if not m.__name__.startswith("Historical")
        and m._meta.app_label in {s.app for s in MODELS}
        and any(
            f.is_relation
            and f.many_to_one
            and f.related_model is not None
            and getattr(f.related_model, "_meta", None) is not None
            and f.related_model._meta.label in {*BY_LABEL, EXERCISE.label}  # type: ignore[union-attr]
            for f in m._meta.get_fields()
        )
    }
    covered = {EXERCISE.label, *BY_LABEL, *EXCLUDED}
    missing = sorted((owned | linked) - covered)
    assert not missing, f"models of an exercise the exchange format does not cover: {missing}"


@pytest.mark.parametrize("spec", [EXERCISE, *MODELS], ids=lambda s: s.label)
def test_every_field_is_exported_or_declared_local(spec: Any) -> None:
    declared = set(spec.fields) | set(spec.local)
    link = {spec.exercise_path} if spec.exercise_path == "exercise" else set()
    assert _fields_of(spec.model) - link == declared, (
        f"{spec.label}: fields not declared in kvpt/exchange/spec.py: "
        f"{sorted(_fields_of(spec.model) - link - declared)}; declared but gone: "
        f"{sorted(declared - _fields_of(spec.model))}"
    )


def test_the_committed_schema_matches_the_models() -> None:
    assert services.SCHEMA_PATH.read_text(encoding="utf-8") == render(), (
        "regenerate: uv run python -m kvpt.exchange.schema"
    )


def test_export_carries_every_record_with_codes_and_positions(world: World) -> None:
    exercise = populate(world)
    document, _files = services.build_document(exercise)
    assert document["format"] == "kvpt-exercise"
    assert document["version"] == 1
    # The most classified record decides the marking (a confidential task).
    assert document["classification"] == {"level": 1, "label": "Mật"}
    assert document["exercise"]["code"] == "DT-KVPT-2023"
    assert document["exercise"]["area"] == "388"
    tasks = document["records"]["preparation"]["Task"]
    assert [t["code"] for t in tasks] == ["NV-01", "NV-02"]
    assert tasks[0]["depends_on"] == [1]
    assert tasks[1]["owner"] == "BCHQS-388"
    assert tasks[1]["assignee"] == "CB-001"
    allocation = document["records"]["forces"]["ForceAllocation"][0]
    assert allocation["unit"] == "DBDV-C1"
    assert allocation["forces"] == [0, 1]
    evaluation = document["records"]["evaluation"]["Evaluation"][0]
    assert evaluation["target_kind"] == "phase"
    assert evaluation["target_id"] == 0
    assert evaluation["evaluator"] == world.dave.username
    assert isinstance(evaluation["level"], list)
    assert "id" not in tasks[0]
    assert "version" not in tasks[0]
    work = document["records"]["preparation"]["Work"][0]
    assert work["quantity"] == "12.50"
    assert work["budget_line"] == 0


def test_import_then_export_gives_the_same_document(world: World) -> None:
    exercise = populate(world)
    document, _files = services.build_document(exercise)
    report = services.import_exercise(to_bytes(renamed(document, "DT-COPY")), actor=world.alice)
    assert report.ok
    assert report.exercise_id
    copy = type(exercise).objects.get(pk=report.exercise_id)
    again, _files = services.build_document(copy)
    assert services.comparable(again) == services.comparable(renamed(document, "DT-COPY"))
    # Recorded: every new row has a history entry naming the importer.
    history = copy.history.first()
    assert history is not None
    assert history.history_user == world.alice


def test_a_dry_run_writes_nothing_and_counts_what_it_would_create(world: World) -> None:
    exercise = populate(world)
    document, _files = services.build_document(exercise)
    before = type(exercise).objects.count()
    report = services.import_exercise(
        to_bytes(renamed(document, "DT-COPY")), actor=world.alice, dry_run=True
    )
    assert report.ok
    assert report.exercise_id is None
    assert report.counts["preparation.Task"] == 2
    assert type(exercise).objects.count() == before


def test_a_zip_carries_the_document_files_and_import_stores_them(world: World) -> None:
    exercise = populate(world)
    result = services.export_exercise(exercise, actor=world.alice, with_files=True)
    assert result.filename.endswith(".zip")
    assert result.files == 1
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        document = json.loads(archive.read("exercise.json"))
        names = archive.namelist()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("exercise.json", json.dumps(renamed(document, "DT-COPY")))
        for name in names:
            if name.startswith("files/"):
                archive.writestr(name, FILE_BYTES)
    report = services.import_exercise(buffer.getvalue(), actor=world.alice)
    assert report.files_included == 1
    assert report.files_missing == 0
    from kvpt.preparation.models import DocumentVersion

    copied = DocumentVersion.objects.get(document__exercise_id=int(report.exercise_id or 0))
    with copied.file.open("rb") as handle:
        assert handle.read() == FILE_BYTES


def test_export_is_logged_and_refused_above_the_users_clearance(world: World) -> None:
    exercise = populate(world)
    world.alice.clearance = Classification.UNCLASSIFIED
    world.alice.save()
    with pytest.raises(PermissionDenied):
        services.export_exercise(exercise, actor=world.alice)
    world.alice.clearance = Classification.SECRET
    world.alice.save()
    services.export_exercise(exercise, actor=world.alice)
    assert AccessLog.objects.filter(
        user=world.alice, action="export", object_id=str(exercise.pk)
    ).exists()


def test_an_encrypted_export_carries_its_marking_in_clear_and_imports_back(world: World) -> None:
    from kvpt.exchange import crypto

    exercise = populate(world)
    result = services.export_exercise(
        exercise, actor=world.alice, passphrase="mật khẩu dài", log2_n=FAST
    )
    assert crypto.is_protected(result.content)
    assert crypto.read_marking(result.content) == 1
    assert b"NV-01" not in result.content
    report = services.import_exercise(
        result.content, actor=world.alice, passphrase="mật khẩu dài", dry_run=True
    )
    # Same installation: the code is taken, which is the only problem.
    assert [p.place for p in report.errors] == ["exercise.code"]


def _tasks_with_assignees(world: World, first: int, count: int) -> None:
    from kvpt.core.testing.factories import PersonFactory
    from kvpt.preparation.models import Task

    for n in range(first, first + count):
        person = PersonFactory.create(area=world.district)
        Task.objects.create(
            exercise=world.exercise, code=f"QC-{n:03}", title=f"Việc {n}", assignee=person
        )


def test_export_reads_outside_records_per_model_not_per_row(world: World) -> None:
    """Each distinct person, unit or area a row names costs no query of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    populate(world)
    _tasks_with_assignees(world, 0, 2)
    with CaptureQueriesContext(connection) as few:
        small, _files = services.build_document(world.exercise)
    _tasks_with_assignees(world, 2, 30)
    with CaptureQueriesContext(connection) as many:
        large, _files = services.build_document(world.exercise)
    assert (
        len(large["records"]["preparation"]["Task"])
        == len(small["records"]["preparation"]["Task"]) + 30
    )
    assert len(many) == len(few)
