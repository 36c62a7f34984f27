"""The evaluation API: scoped like the pages, the chief's decisions, 409 on stale versions."""

from __future__ import annotations

import pytest

from kvpt.evaluation import services
from kvpt.evaluation.models import Award, Evaluation, OfficialResult
from kvpt.evaluation.tests.helpers import criteria, district_evaluator, level

pytestmark = pytest.mark.django_db

BASE = "/api/v1/exercises/{}/"


def _url(world, tail: str) -> str:
    return BASE.format(world.exercise.pk) + tail


def test_anonymous_gets_401(world, client):
    for tail in ("criteria-sets", "evaluations", "comparison", "awards", "official-results"):
        assert client.get(_url(world, tail)).status_code == 401
    assert client.get("/api/v1/evaluation/scales").status_code == 401


def test_scales_list_with_levels(world, api_client_for):
    body = api_client_for(world.bob).get("/api/v1/evaluation/scales?page_size=50").json()
    scales = {s["code"]: s for s in body["items"]}
    assert [lv["code"] for lv in scales["PSMU"]["levels"]] == ["P", "S", "M", "U"]


def test_outsider_gets_404_everywhere(world, api_client_for):
    criteria_set = criteria(world)
    rating = services.evaluation_save(
        exercise=world.exercise,
        criterion=criteria_set.criteria.first(),
        level=level("GKDK", "DAT"),
        actor=world.dave,
    )
    api = api_client_for(world.charlie)
    assert api.get(_url(world, "evaluations")).status_code == 404
    assert api.get(_url(world, f"evaluations/{rating.pk}")).status_code == 404
    assert api.get(_url(world, f"criteria-sets/{criteria_set.pk}")).status_code == 404
    response = api.put(
        _url(world, "official-results"),
        {"level_id": level("MDYC", "DAT").pk},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_evaluators_rate_and_the_comparison_shows_both(world, api_client_for):
    criterion = criteria(world).criteria.get(code="TC-01")
    eva = district_evaluator(world)
    for user, code in ((world.dave, "GIOI"), (eva, "KHA")):
        response = api_client_for(user).post(
            _url(world, "evaluations"),
            {"criterion_id": criterion.pk, "level_id": level("GKDK", code).pk, "comment": code},
            content_type="application/json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["target_kind"] == "exercise"
    body = api_client_for(world.bob).get(_url(world, "comparison")).json()
    assert [e["username"] for e in body["evaluators"]] == ["dave", "eva"]
    row = next(r for r in body["rows"] if r["criterion_id"] == criterion.pk)
    assert row["disagrees"] is True
    assert [c["level_label"] for c in row["ratings"]] == ["Giỏi", "Khá"]
    assert row["official"] is None
    listed = api_client_for(world.bob).get(_url(world, "evaluations")).json()
    assert listed["count"] == 2


def test_an_observer_cannot_rate_and_nobody_edits_anothers_rating(world, api_client_for):
    criterion = criteria(world).criteria.get(code="TC-01")
    payload = {"criterion_id": criterion.pk, "level_id": level("GKDK", "DAT").pk}
    response = api_client_for(world.bob).post(
        _url(world, "evaluations"), payload, content_type="application/json"
    )
    assert response.status_code == 403
    rating = services.evaluation_save(
        exercise=world.exercise, criterion=criterion, level=level("GKDK", "DAT"), actor=world.dave
    )
    eva = district_evaluator(world)
    response = api_client_for(eva).patch(
        _url(world, f"evaluations/{rating.pk}"),
        {"version": 1, "comment": "sửa hộ"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_stale_rating_edit_gets_409(world, api_client_for):
    criterion = criteria(world).criteria.get(code="TC-01")
    rating = services.evaluation_save(
        exercise=world.exercise, criterion=criterion, level=level("GKDK", "DAT"), actor=world.dave
    )
    api = api_client_for(world.dave)
    ok = api.patch(
        _url(world, f"evaluations/{rating.pk}"),
        {"version": 1, "level_id": level("GKDK", "KHA").pk},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = api.patch(
        _url(world, f"evaluations/{rating.pk}"),
        {"version": 1, "level_id": level("GKDK", "GIOI").pk},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert Evaluation.objects.get().level.code == "KHA"


def test_the_official_result_is_decided_by_the_chief_only(world, api_client_for):
    criterion = criteria(world).criteria.get(code="TC-01")
    payload = {
        "criterion_id": criterion.pk,
        "level_id": level("GKDK", "DAT").pk,
        "rationale": "Quyết định của trưởng đoàn",
    }
    for user in (district_evaluator(world), world.alice, world.bob, world.erin):
        response = api_client_for(user).put(
            _url(world, "official-results"), payload, content_type="application/json"
        )
        assert response.status_code == 403, user.username
    chief = api_client_for(world.dave)
    response = chief.put(_url(world, "official-results"), payload, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["level_code"] == "DAT"
    assert body["decided_by_id"] == world.dave.pk
    again = chief.put(
        _url(world, "official-results"),
        {**payload, "level_id": level("GKDK", "KHA").pk, "version": body["version"]},
        content_type="application/json",
    )
    assert again.status_code == 200
    stale = chief.put(
        _url(world, "official-results"),
        {**payload, "version": body["version"]},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert OfficialResult.objects.get().level.code == "KHA"


def test_the_grade_round_trips(world, api_client_for):
    assert api_client_for(world.bob).get(_url(world, "grade")).status_code == 404
    payload = {
        "level_id": level("MDYC", "DAT").pk,
        "decided_on": "2023-08-30",
        "basis": "Ban Chỉ đạo diễn tập tỉnh đánh giá đạt mục đích, yêu cầu đề ra",
    }
    assert (
        api_client_for(world.alice)
        .put(_url(world, "grade"), payload, content_type="application/json")
        .status_code
        == 403
    )
    response = api_client_for(world.dave).put(
        _url(world, "grade"), payload, content_type="application/json"
    )
    assert response.status_code == 200
    body = api_client_for(world.bob).get(_url(world, "grade")).json()
    assert body["level_label"] == "Đạt mục đích, yêu cầu"
    assert body["scale_code"] == "MDYC"
    stale = api_client_for(world.dave).put(
        _url(world, "grade"), {**payload, "version": 99}, content_type="application/json"
    )
    assert stale.status_code == 409


def test_awards_crud_by_an_editor(world, api_client_for):
    api = api_client_for(world.alice)
    response = api.post(
        _url(world, "awards"),
        {
            "kind": "bang_khen",
            "issuer_text": "Chủ tịch UBND tỉnh",
            "recipient_unit_id": world.unit.pk,
            "reason": "Thành tích xuất sắc",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    award = response.json()
    assert award["is_collective"] is True
    assert award["recipient_name"] == world.unit.name
    switched = api.patch(
        _url(world, f"awards/{award['id']}"),
        {"version": 1, "recipient_unit_id": None, "recipient_person_id": world.person.pk},
        content_type="application/json",
    )
    assert switched.status_code == 200, switched.json()
    assert switched.json()["is_collective"] is False
    stale = api.patch(
        _url(world, f"awards/{award['id']}"),
        {"version": 1, "reason": "x"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    forbidden = api_client_for(world.dave).delete(_url(world, f"awards/{award['id']}"))
    assert forbidden.status_code == 403
    hidden = api_client_for(world.charlie).get(_url(world, f"awards/{award['id']}"))
    assert hidden.status_code == 404
    assert api.delete(_url(world, f"awards/{award['id']}?version=2")).status_code == 204
    assert not Award.objects.exists()


def test_criteria_sets_through_the_api(world, api_client_for):
    api = api_client_for(world.alice)
    response = api.post(
        _url(world, "criteria-sets"),
        {"name": "Thực binh", "scale_code": "PSMU"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    set_id = response.json()["id"]
    response = api.post(
        _url(world, f"criteria-sets/{set_id}/criteria"),
        {"text": "Cơ động lực lượng đúng thời gian"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "TC-01"
    listed = api_client_for(world.bob).get(_url(world, "criteria-sets")).json()
    assert listed["items"][0]["criteria"][0]["text"] == "Cơ động lực lượng đúng thời gian"
    forbidden = api_client_for(world.bob).post(
        _url(world, "criteria-sets"),
        {"name": "x", "scale_code": "PSMU"},
        content_type="application/json",
    )
    assert forbidden.status_code == 403


def test_a_classified_rating_is_hidden_below_its_clearance_and_its_reads_logged(
    world, api_client_for
):
    from kvpt.core.models import AccessLog

    criterion = criteria(world).criteria.get(code="TC-01")
    rating = services.evaluation_create(
        exercise=world.exercise,
        criterion=criterion,
        level=level("GKDK", "KHA"),
        comment="Vị trí hầm chỉ huy",
        classification=1,
        actor=world.dave,
    )
    bob = api_client_for(world.bob)
    assert bob.get(_url(world, f"evaluations/{rating.pk}")).status_code == 404
    assert bob.get(_url(world, "evaluations")).json()["count"] == 0
    assert "Vị trí hầm chỉ huy" not in bob.get(_url(world, "comparison")).content.decode()
    alice = api_client_for(world.alice)
    assert alice.get(_url(world, f"evaluations/{rating.pk}")).status_code == 200
    assert AccessLog.objects.filter(
        user=world.alice, model="evaluation.evaluation", object_id=str(rating.pk)
    ).exists()
