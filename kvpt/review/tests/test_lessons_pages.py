"""The lessons library's pages and API: what a user sees, 403 / 404, the similar-lessons panel,
turning a lesson into a task; and the demo's 2026 commune exercise showing 2023 lessons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from kvpt.core.testing.factories import AreaFactory, ExerciseFactory
from kvpt.core.testing.world import World
from kvpt.organisations.models import AreaSuccession
from kvpt.review.models import Observation

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add(exercise: Any, text: str, **values: Any) -> Observation:
    values.setdefault("kind", "shortcoming")
    values.setdefault("area", "logistics")
    values.setdefault("state", "lesson_identified")
    n = Observation.objects.filter(exercise=exercise).count() + 1
    return Observation.objects.create(
        exercise=exercise, code=f"NX-{n:03d}", observation=text, **values
    )


def new_exercise(world: World) -> Any:
    commune = AreaFactory.create(
        code="XA-2026", name="Xã Linh Sơn", level=world.commune.level, parent=world.province
    )
    AreaSuccession.objects.create(
        predecessor=world.district, successor=commune, effective_on=dt.date(2025, 7, 1)
    )
    return ExerciseFactory.create(
        code="DT-XA-2026", area=commune, level=commune.level, year=2026, status="preparing"
    )


def test_the_library_page_finds_unaccented_words_and_the_outsider_sees_none(world: World) -> None:
    lesson = add(world.exercise, "Bảo đảm hậu cần chưa kịp thời")
    page = client_for(world.alice).get("/lessons/", {"q": "hau can"})
    assert page.status_code == 200
    assert "Thư viện bài học" in page.content.decode()
    assert lesson.code in page.content.decode()
    assert "1 kết quả" in page.content.decode()
    outsider = client_for(world.charlie).get("/lessons/", {"q": "hau can"})
    assert lesson.code not in outsider.content.decode()
    assert "Không tìm thấy bài học nào." in outsider.content.decode()


def test_the_htmx_search_returns_the_results_only(world: World) -> None:
    add(world.exercise, "Bảo đảm hậu cần chưa kịp thời")
    response = client_for(world.alice).get(
        "/lessons/", {"q": "hau"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="results"')


def test_the_navigation_names_the_library(world: World) -> None:
    assert 'href="/lessons/"' in client_for(world.bob).get("/").content.decode()


def test_a_lesson_page_404s_for_an_outsider_and_anonymous_goes_to_login(world: World) -> None:
    lesson = add(world.exercise, "Hậu cần")
    assert client_for(world.alice).get(f"/lessons/{lesson.pk}/").status_code == 200
    assert client_for(world.charlie).get(f"/lessons/{lesson.pk}/").status_code == 404
    assert Client().get(f"/lessons/{lesson.pk}/").status_code == 302


def test_turning_a_lesson_into_a_task_by_page_403_without_the_right(world: World) -> None:
    from kvpt.preparation.models import Task

    target = ExerciseFactory.create(
        code="DT-2026",
        area=world.district,
        level=world.district.level,
        year=2026,
        status="preparing",
    )
    lesson = add(world.exercise, "Hậu cần chậm", recommendation="Lập kế hoạch hậu cần sớm")
    detail = client_for(world.alice).get(f"/lessons/{lesson.pk}/").content.decode()
    assert "Tạo công việc từ bài học" in detail
    assert "DT-2026" in detail
    assert (
        "Tạo công việc từ bài học"
        not in client_for(world.bob).get(f"/lessons/{lesson.pk}/").content.decode()
    )
    denied = client_for(world.bob).post(f"/lessons/{lesson.pk}/task/", {"exercise": target.pk})
    assert denied.status_code == 403
    hidden = client_for(world.charlie).post(f"/lessons/{lesson.pk}/task/", {"exercise": target.pk})
    assert hidden.status_code == 404
    done = client_for(world.alice).post(f"/lessons/{lesson.pk}/task/", {"exercise": target.pk})
    task = Task.objects.get(exercise=target)
    assert done.status_code == 302
    assert done["Location"] == task.get_absolute_url()
    again = client_for(world.alice).post(
        f"/lessons/{lesson.pk}/task/", {"exercise": target.pk}, follow=True
    )
    assert "đã được chuyển thành công việc" in again.content.decode()
    assert Task.objects.filter(exercise=target).count() == 1


def test_the_similar_lessons_panel_of_a_new_exercise_and_of_typed_text(world: World) -> None:
    exercise = new_exercise(world)
    lesson = add(world.exercise, "Bảo đảm hậu cần chưa kịp thời")
    other = add(world.exercise, "Văn kiện hoàn thành chậm", area="documents")
    detail = client_for(world.admin).get(exercise.get_absolute_url()).content.decode()
    assert f"/exercises/{exercise.pk}/similar-lessons/" in detail
    panel = client_for(world.admin).get(
        f"/exercises/{exercise.pk}/similar-lessons/", {"observation": "văn kiện chậm"}
    )
    body = panel.content.decode()
    assert panel.status_code == 200
    assert body.index(other.code) < body.index(lesson.code)
    assert "Từ chung" in body
    assert (
        client_for(world.charlie).get(f"/exercises/{exercise.pk}/similar-lessons/").status_code
        == 404
    )


def test_api_search_filters_and_scope(world: World) -> None:
    lesson = add(world.exercise, "Bảo đảm hậu cần chưa kịp thời")
    add(world.exercise, "Văn kiện chậm", area="documents")
    data = client_for(world.alice).get("/api/v1/lessons", {"q": "hau can"}).json()
    assert [item["id"] for item in data["items"]] == [lesson.pk]
    assert data["count"] == 1
    assert data["count_capped"] is False
    assert data["words"] == ["hau", "can"]
    assert data["items"][0]["exercise_code"] == world.exercise.code
    filtered = client_for(world.alice).get("/api/v1/lessons", {"area": "documents"}).json()
    assert filtered["count"] == 1
    assert client_for(world.charlie).get("/api/v1/lessons", {"q": "hau"}).json()["count"] == 0
    assert client_for(world.charlie).get(f"/api/v1/lessons/{lesson.pk}").status_code == 404
    assert client_for(world.alice).get(f"/api/v1/lessons/{lesson.pk}").status_code == 200
    assert Client().get("/api/v1/lessons").status_code == 401
    too_big = client_for(world.alice).get("/api/v1/lessons", {"page_size": 1000})
    assert too_big.status_code == 422


def test_api_similar_lessons_and_lesson_to_task(world: World) -> None:
    exercise = new_exercise(world)
    lesson = add(world.exercise, "Bảo đảm hậu cần chưa kịp thời", recommendation="Lập kế hoạch")
    similar = client_for(world.admin).get(
        f"/api/v1/exercises/{exercise.pk}/similar-lessons", {"text": "hậu cần"}
    )
    assert similar.status_code == 200
    assert similar.json()[0]["lesson"]["id"] == lesson.pk
    assert "hau" in similar.json()[0]["shared_words"]
    assert (
        client_for(world.charlie)
        .get(f"/api/v1/exercises/{exercise.pk}/similar-lessons")
        .status_code
        == 404
    )
    url = f"/api/v1/lessons/{lesson.pk}/task"
    target = ExerciseFactory.create(
        code="DT-2026",
        area=world.district,
        level=world.district.level,
        year=2026,
        status="preparing",
    )
    body = {"exercise_id": target.pk}
    assert client_for(world.bob).post(url, body, content_type="application/json").status_code == 403
    assert (
        client_for(world.charlie).post(url, body, content_type="application/json").status_code
        == 404
    )
    made = client_for(world.alice).post(url, body, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["title"] == "Lập kế hoạch"
    again = client_for(world.alice).post(url, body, content_type="application/json")
    assert again.status_code == 422


def test_the_demo_commune_exercise_of_2026_shows_lessons_of_2023(transactional_db: None) -> None:
    import io

    from kvpt.accounts.models import User
    from kvpt.demo.load import load_demo
    from kvpt.exercises.models import Exercise

    load_demo(io.StringIO())
    exercise = Exercise.objects.get(code="DT-XA-LINHSON-2026")
    client = client_for(User.objects.get(username="tinh.quantri"))
    panel = client.get(f"/exercises/{exercise.pk}/similar-lessons/").content.decode()
    assert "DT-KVPT-2023" in panel
    assert panel.count('data-testid="similar-lesson"') == 5
    typed = client.get(
        f"/exercises/{exercise.pk}/similar-lessons/", {"observation": "hậu cần đường cơ động"}
    ).content.decode()
    assert "NX-06" in typed


def organising(world: World) -> None:
    world.exercise.organisation = world.agency
    world.exercise.save()
    world.sibling_exercise.organisation = world.sibling_agency
    world.sibling_exercise.save()


def test_the_organisation_filter_is_searched_as_one_types_within_the_users_exercises(
    world: World,
) -> None:
    organising(world)
    alice, charlie = client_for(world.alice), client_for(world.charlie)
    found = alice.get("/lessons/organisations/", {"organisation_q": "lang chanh"}).content.decode()
    assert f'value="{world.agency.pk}"' in found
    assert "Ban CHQS huyện Lang Chánh" in found
    # Another branch's organisation is neither offered to alice nor is alice's to charlie.
    assert (
        "Bá Thước"
        not in alice.get("/lessons/organisations/", {"organisation_q": "ba thuoc"}).content.decode()
    )
    assert (
        "Lang Chánh"
        not in charlie.get("/lessons/organisations/", {"organisation_q": "lang"}).content.decode()
    )
    nothing = alice.get("/lessons/organisations/", {"organisation_q": "khong co"}).content.decode()
    assert nothing.count("<option") == 1  # "Tất cả" only
    assert Client().get("/lessons/organisations/").status_code == 302


def test_the_library_page_lists_only_the_chosen_organisation_and_keeps_it_selected(
    world: World,
) -> None:
    organising(world)
    alice = client_for(world.alice)
    plain = alice.get("/lessons/").content.decode()
    assert 'data-testid="lesson-organisation-q"' in plain
    chosen = alice.get("/lessons/", {"organisation": world.agency.pk}).content.decode()
    assert f'value="{world.agency.pk}" selected' in chosen


def test_the_organisation_options_are_capped(world: World) -> None:
    from kvpt.core.testing.factories import AgencyFactory
    from kvpt.review.lessons_views import ORGANISATION_OPTIONS

    for n in range(ORGANISATION_OPTIONS + 5):
        agency = AgencyFactory.create(
            code=f"CQ-{n:03d}", name=f"Cơ quan {n:03d}", area=world.district
        )
        ExerciseFactory.create(
            code=f"DT-CQ-{n:03d}",
            area=world.district,
            level=world.district.level,
            organisation=agency,
        )
    options = client_for(world.alice).get("/lessons/organisations/", {"organisation_q": "co quan"})
    assert options.content.decode().count("<option") == ORGANISATION_OPTIONS + 1


def test_odd_page_numbers_and_queries_give_a_page_to_every_reader(
    world: World, monkeypatch: Any
) -> None:
    """Every way search_page can go (a few-exercise reader's rows, the newest windows, the index)
    answers a page number that is not one, below 1 or past the end: the page shows the first or
    the last page, the API refuses what is not a page number (422) and gives the last page past
    the end; a query of punctuation only has no words."""
    from kvpt.core.testing.factories import UserFactory
    from kvpt.review import lessons

    monkeypatch.setattr(lessons, "COUNT_CAP", 5)
    for name in ("FIRST_WINDOW", "FIRST_WINDOW_POSTGRES"):
        monkeypatch.setattr(lessons, name, 3)
    monkeypatch.setattr(lessons, "MIN_WINDOW_MATCHES", 1)
    for i in range(9):
        add(world.exercise, f"Đường cơ động số {i}")
    root = UserFactory.create(username="root-p", is_superuser=True, clearance=3)
    for reader in (world.alice, root):
        client = client_for(reader)
        for page, shown in (("abc", "1"), ("-3", "1"), ("99999", "3"), ("", "1")):
            asked: dict[str, str | int] = {"q": "duong", "page": page, "page_size": 2}
            api = client.get("/api/v1/lessons", asked)
            html = client.get("/lessons/", {"q": "đường", "page": page})
            if page in ("abc", "-3", ""):  # the API's schema refuses what is not a page number
                assert api.status_code == 422, (reader, page)
            else:
                assert api.status_code == 200, (reader, page)
                body = api.json()
                assert (body["count"], body["count_capped"]) == (5, True), reader
                assert str(body["page"]) == shown, (reader, page)
                assert len(body["items"]) == (1 if shown == "3" else 2), (reader, page)
            assert html.status_code == 200, (reader, page)
            assert "Hơn 5 kết quả" in html.content.decode(), (reader, page)
        nothing = client.get("/api/v1/lessons", {"q": "?!…"}).json()
        assert nothing["words"] == []
