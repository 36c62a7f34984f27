"""The evaluation page: who sees it, the quick rating form, the comparison, the chief's decision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kvpt.evaluation import services
from kvpt.evaluation.models import Evaluation, OfficialResult
from kvpt.evaluation.tests.helpers import criteria, district_evaluator, level

pytestmark = pytest.mark.django_db


def _url(world, name="evaluation:overview", *args):
    return reverse(name, args=[world.exercise.pk, *args])


def test_the_page_needs_a_login_and_hides_from_outsiders(world, client, client_for):
    response = client.get(_url(world))
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert client_for(world.charlie).get(_url(world)).status_code == 404
    assert client_for(world.bob).get(_url(world)).status_code == 200


def test_two_evaluators_ratings_appear_side_by_side_with_the_disagreement(world, client_for):
    criterion = criteria(world).criteria.get(code="TC-01")
    eva = district_evaluator(world)
    services.evaluation_save(
        exercise=world.exercise, criterion=criterion, level=level("GKDK", "GIOI"), actor=world.dave
    )
    services.evaluation_save(
        exercise=world.exercise, criterion=criterion, level=level("GKDK", "KDAT"), actor=eva
    )
    response = client_for(world.bob).get(_url(world))
    page = response.content.decode()
    assert response.context["comparison"].rows[0].disagrees
    assert "Giỏi" in page
    assert "Không đạt" in page
    assert 'class="disagree"' in page
    assert [u.username for u in response.context["comparison"].evaluators] == ["dave", "eva"]
    # The observer has no form to decide nor to rate.
    assert 'name="rationale"' not in page
    assert 'data-testid="my-evaluation"' not in page


def test_the_evaluator_rates_a_row_with_htmx(world, client_for):
    criterion = criteria(world).criteria.get(code="TC-02")
    client = client_for(world.dave)
    page = client.get(_url(world)).content.decode()
    assert 'data-testid="my-evaluation"' in page
    response = client.post(
        _url(world, "evaluation:rate"),
        {
            "criterion": criterion.pk,
            "target": f"exercise:{world.exercise.pk}",
            "level": level("GKDK", "KHA").pk,
            "comment": "Văn kiện đầy đủ",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'data-testid="rate-row"' in response.content.decode()
    rating = Evaluation.objects.get(evaluator=world.dave, criterion=criterion)
    assert rating.comment == "Văn kiện đầy đủ"
    # A second save from the stale row is refused with 409, the first rating kept.
    client.post(
        _url(world, "evaluation:rate"),
        {"criterion": criterion.pk, "level": level("GKDK", "GIOI").pk, "version": 1},
        headers={"HX-Request": "true"},
    )
    stale = client.post(
        _url(world, "evaluation:rate"),
        {"criterion": criterion.pk, "level": level("GKDK", "DAT").pk, "version": 1},
        headers={"HX-Request": "true"},
    )
    assert stale.status_code == 409
    rating.refresh_from_db()
    assert rating.level.code == "GIOI"


def test_rating_is_refused_to_an_observer_and_an_outsider(world, client_for):
    criterion = criteria(world).criteria.get(code="TC-02")
    data = {"criterion": criterion.pk, "level": level("GKDK", "KHA").pk}
    assert client_for(world.bob).post(_url(world, "evaluation:rate"), data).status_code == 403
    assert client_for(world.charlie).post(_url(world, "evaluation:rate"), data).status_code == 404
    assert not Evaluation.objects.exists()


def test_only_the_chief_evaluator_sets_the_official_result(world, client_for):
    criterion = criteria(world).criteria.get(code="TC-01")
    data = {
        "criterion": criterion.pk,
        "target": f"exercise:{world.exercise.pk}",
        "level": level("GKDK", "DAT").pk,
        "rationale": "Kết luận của BCĐ tỉnh",
    }
    eva = district_evaluator(world)
    assert client_for(eva).post(_url(world, "evaluation:decide"), data).status_code == 403
    assert client_for(world.alice).post(_url(world, "evaluation:decide"), data).status_code == 403
    assert client_for(world.charlie).post(_url(world, "evaluation:decide"), data).status_code == 404
    assert not OfficialResult.objects.exists()
    response = client_for(world.dave).post(_url(world, "evaluation:decide"), data)
    assert response.status_code == 302
    result = OfficialResult.objects.get()
    assert result.level.code == "DAT"
    assert result.decided_by == world.dave
    page = client_for(world.bob).get(_url(world)).content.decode()
    assert "Kết luận của BCĐ tỉnh" in page
    stale = client_for(world.dave).post(_url(world, "evaluation:decide"), {**data, "version": 99})
    assert stale.status_code == 409


def test_the_grade_page_is_the_chiefs(world, client_for):
    url = _url(world, "evaluation:grade")
    assert client_for(world.alice).get(url).status_code == 403
    assert client_for(world.charlie).get(url).status_code == 404
    response = client_for(world.dave).post(
        url,
        {
            "level": level("MDYC", "DAT").pk,
            "decided_on": "30/08/2023",
            "basis": "Đạt mục đích, yêu cầu đề ra",
        },
    )
    assert response.status_code == 302
    page = client_for(world.bob).get(_url(world)).content.decode()
    assert "Đạt mục đích, yêu cầu" in page
    assert "30/08/2023" in page


def test_awards_are_added_by_editors_only(world, client_for):
    url = _url(world, "evaluation:award_create")
    assert client_for(world.dave).get(url).status_code == 403
    assert client_for(world.bob).get(url).status_code == 403
    response = client_for(world.alice).post(
        url,
        {
            "kind": "giay_khen",
            "issuer_text": "Chủ tịch UBND huyện",
            "recipient_unit": world.unit.pk,
            "reason": "Hoàn thành xuất sắc nhiệm vụ diễn tập",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client_for(world.bob).get(_url(world)).content.decode()
    assert "Chủ tịch UBND huyện" in page
    assert world.unit.name in page


def test_criteria_sets_are_added_through_the_page(world, client_for):
    from kvpt.evaluation.models import RatingScale

    client = client_for(world.alice)
    response = client.post(
        _url(world, "evaluation:criteria_set_create"),
        {"name": "Thực binh", "scale": RatingScale.objects.get(code="PSMU").pk},
    )
    assert response.status_code == 302
    assert (
        client_for(world.bob).get(_url(world, "evaluation:criteria_set_create")).status_code == 403
    )


def test_the_page_query_count_does_not_grow_with_rows(
    world, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    criteria_set = criteria(world)
    client = client_for(world.dave)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(world)).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(8):
        services.criterion_create(
            criteria_set=criteria_set, text=f"Tiêu chí {i}", actor=world.alice
        )
    evaluators = [district_evaluator(world, f"eva{i}") for i in range(3)]
    for criterion in criteria_set.criteria.all():
        for user in evaluators:
            services.evaluation_save(
                exercise=world.exercise, criterion=criterion, level=level("GKDK", "DAT"), actor=user
            )
        services.official_result_set(
            exercise=world.exercise,
            criterion=criterion,
            level=level("GKDK", "KHA"),
            actor=world.dave,
        )
    services.award_create(
        exercise=world.exercise,
        kind="bang_khen",
        issuer_text="x",
        recipient_unit=world.unit,
        actor=world.alice,
    )
    large = count()
    print("queries", small, large)
    assert large <= small + 2


def test_the_quick_form_offers_phases_and_mobilised_units(world, client_for):
    from kvpt.exercises.models import Phase
    from kvpt.forces.models import ForceAllocation

    criteria(world)
    phase = Phase.objects.create(exercise=world.exercise, order=1, name="Chuyển trạng thái")
    ForceAllocation.objects.create(exercise=world.exercise, unit=world.unit)
    response = client_for(world.dave).get(_url(world) + f"?target=phase:{phase.pk}")
    targets = dict(response.context["targets"])
    assert f"phase:{phase.pk}" in targets
    assert f"unit:{world.unit.pk}" in targets
    assert response.context["target"] == f"phase:{phase.pk}"
