"""The bench measures every page and API operation by construction, not from a hand-kept list."""

from __future__ import annotations

import io

import pytest
from django.db import transaction
from django.test import override_settings

from config.api import api
from kvpt.bench import endpoints as ep
from kvpt.bench import seed as seeding
from kvpt.bench.runner import SqlTimer, percentile
from kvpt.exercises.models import Exercise


def test_every_get_operation_of_the_openapi_document_is_enumerated() -> None:
    schema = api.get_openapi_schema()
    gets = {path for path, ops in schema["paths"].items() if "get" in ops}
    found, _, _ = ep.api_endpoints()
    assert {e.template for e in found} == gets
    kinds = {e.template: e.kind for e in found}
    assert kinds["/api/v1/exercises"] == "api-list"
    assert kinds["/api/v1/exercises/{exercise_id}"] == "api-detail"


def test_every_named_page_is_enumerated_except_admin_api_and_logout() -> None:
    pages, _ = ep.page_endpoints()
    names = {p.template for p in pages}
    assert {"core:home", "exercises:list", "exercises:detail"} <= names
    assert "accounts:logout" not in names
    assert not any(n.startswith(("admin:", "api:")) for n in names)


@override_settings(ROOT_URLCONF="kvpt.bench.tests.urls_extra")
def test_a_page_added_later_is_measured_without_editing_the_bench() -> None:
    pages, _ = ep.page_endpoints()
    new = [p for p in pages if p.template == "bench_new_feature"]
    assert len(new) == 1
    assert ep.model_for(new[0].url_kwargs_order[0]) is Exercise


def test_path_words_name_their_models() -> None:
    assert ep.model_for("exercises")._meta.label == "exercises.Exercise"  # type: ignore[union-attr]
    assert ep.model_for("people")._meta.label == "organisations.Person"  # type: ignore[union-attr]
    assert ep.model_for("line")._meta.label == "preparation.BudgetLine"  # type: ignore[union-attr]
    assert ep.model_for("budget")._meta.label == "preparation.BudgetLine"  # type: ignore[union-attr]
    assert ep.model_for("number") is None


def test_missing_key_pages_are_reported_as_missing() -> None:
    pages = [ep.Endpoint(name="page x", kind="page", template="preparation:task_list")]
    found = ep.key_pages(pages)
    assert found["task list"] == "preparation:task_list"
    assert found["force table"] is None


@pytest.mark.django_db
def test_parameters_are_filled_from_the_seeded_exercise() -> None:
    with transaction.atomic():
        manifest = seeding.seed("tiny", out=io.StringIO())
        exercise = Exercise.objects.select_related("area").get(pk=manifest["exercise"]["id"])
        subjects = ep.Subjects(exercise=exercise, user=None, area=exercise.area)
        found, _, _ = ep.api_endpoints()
        phases = next(e for e in found if e.template == "/api/v1/exercises/{exercise_id}/phases")
        assert ep.fill(phases, subjects) == f"/api/v1/exercises/{exercise.pk}/phases"
        assert phases.exercise_scoped
        content = next(
            e
            for e in found
            if e.template
            == "/api/v1/exercises/{exercise_id}/phases/{phase_id}/contents/{content_id}"
        )
        url = ep.fill(content, subjects)
        phase = exercise.phases.order_by("pk").first()
        assert phase is not None
        assert url.startswith(f"/api/v1/exercises/{exercise.pk}/phases/{phase.pk}/contents/")
        pages, _ = ep.page_endpoints()
        detail = next(p for p in pages if p.template == "exercises:detail")
        assert ep.fill(detail, subjects) == f"/exercises/{exercise.pk}/"
        nothing = ep.Endpoint(name="x", kind="api-list", template="/x/{number}", params=["number"])
        nothing.url_kwargs_order = ["number"]
        with pytest.raises(ep.UnfillableError, match="number"):
            ep.fill(nothing, subjects)
        transaction.set_rollback(True)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 0.95) == 19.0
    assert percentile(values, 0.50) == 10.0
    assert percentile([], 0.95) == 0.0


@pytest.mark.django_db
def test_the_sql_timer_counts_queries() -> None:
    from django.db import connection

    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        list(Exercise.objects.all())
        list(Exercise.objects.all())
    assert timer.queries == 2
    assert timer.seconds > 0


def test_load_reads_leave_out_file_downloads() -> None:
    """`make load` simulates people browsing: the seconds-long file downloads are measured apart."""
    from kvpt.bench.load import is_download

    assert is_download("/api/v1/exercises/{exercise_id}/tasks.xlsx")
    assert is_download("/api/v1/exercises/{exercise_id}/export")
    assert not is_download("/api/v1/exercises/{exercise_id}/tasks")
    assert not is_download("/api/v1/exercises/{exercise_id}/exports-log")
