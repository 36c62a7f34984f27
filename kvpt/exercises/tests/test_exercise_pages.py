"""Exercise pages: CRUD by the owner, and who may not (403, 404, login)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.models import AccessLog, Classification
from kvpt.core.testing.factories import ExerciseFactory
from kvpt.core.testing.world import World
from kvpt.exercises.models import Exercise, ExerciseStatus

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], Client]


def status_of(client: Client, name: str, pk: int, data: dict[str, Any] | None = None) -> int:
    """GET (or POST when `data` is given) a named exercise page and return the status code."""
    url = reverse(f"exercises:{name}", args=[pk])
    response = client.get(url) if data is None else client.post(url, data)
    return response.status_code


def _form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "code": "DT-XA-2026",
        "name": "Diễn tập chiến đấu phòng thủ xã Trí Nang",
        "area": world.commune.pk,
        "level": "",
        "year": 2026,
        "kind": "commune_combat",
        "classification": Classification.UNCLASSIFIED,
        "standard_phases": "on",
    }
    data.update(overrides)
    return data


def _edit_data(exercise: Exercise, **overrides: Any) -> dict[str, Any]:
    data = {
        "code": exercise.code,
        "name": exercise.name,
        "area": exercise.area_id,
        "level": exercise.level_id,
        "year": exercise.year,
        "kind": exercise.kind,
        "classification": exercise.classification,
        "version": exercise.version,
    }
    data.update(overrides)
    return data


# --- the owner: create, read, edit, delete ------------------------------------------------------


def test_alice_creates_reads_edits_and_deletes_an_exercise(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)

    page = client.get(reverse("exercises:create"))
    assert page.status_code == 200
    assert "Thêm cuộc diễn tập" in page.content.decode()

    response = client.post(reverse("exercises:create"), _form_data(world))
    exercise = Exercise.objects.get(code="DT-XA-2026")
    assert response.status_code == 302
    assert response["Location"] == exercise.get_absolute_url()
    assert exercise.level == world.commune.level  # defaulted from the area

    detail = client.get(exercise.get_absolute_url())
    body = detail.content.decode()
    assert "Diễn tập chiến đấu phòng thủ xã Trí Nang" in body
    assert "Trí Nang" in body
    assert "Dự thảo" in body
    assert reverse("core:history", args=["exercises.exercise", exercise.pk]) in body
    assert 'class="breadcrumbs"' in body

    response = client.post(
        reverse("exercises:edit", args=[exercise.pk]),
        _edit_data(exercise, name="Diễn tập xã Trí Nang 2026"),
    )
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert (exercise.name, exercise.version) == ("Diễn tập xã Trí Nang 2026", 2)
    response = client.post(
        reverse("exercises:transition", args=[exercise.pk]),
        {"to_status": ExerciseStatus.PLANNED, "version": exercise.version},
    )
    exercise.refresh_from_db()
    assert (exercise.status, exercise.version) == (ExerciseStatus.PLANNED, 3)

    # A planned exercise is a record to keep: deleting it is refused with the reason.
    refused = client.post(reverse("exercises:delete", args=[exercise.pk]))
    assert refused.status_code == 422
    assert "Chỉ xóa được" in refused.content.decode()

    client.post(
        reverse("exercises:transition", args=[exercise.pk]),
        {"to_status": ExerciseStatus.CANCELLED, "reason": "Hoãn", "version": exercise.version},
    )
    confirm = client.get(reverse("exercises:delete", args=[exercise.pk]))
    assert "Bạn có chắc muốn xóa" in confirm.content.decode()
    response = client.post(reverse("exercises:delete", args=[exercise.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("exercises:list")
    assert not Exercise.objects.filter(pk=exercise.pk).exists()
    assert (
        "Đã xóa cuộc diễn tập DT-XA-2026" in client.get(reverse("exercises:list")).content.decode()
    )


def test_the_form_shows_vietnamese_errors_and_keeps_the_input(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.alice).post(
        reverse("exercises:create"), _form_data(world, code="DT-KVPT-2023", name="Tên giữ lại")
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Đã có cuộc diễn tập mang mã này" in body
    assert 'value="Tên giữ lại"' in body


def test_the_form_offers_no_classification_above_the_users_clearance(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    body = client.get(reverse("exercises:create")).content.decode()
    assert ">Mật</option>" in body
    assert ">Tối mật</option>" not in body
    response = client.post(
        reverse("exercises:create"), _form_data(world, classification=Classification.SECRET)
    )
    assert response.status_code == 422
    assert not Exercise.objects.filter(code="DT-XA-2026").exists()


def test_the_form_offers_only_areas_where_the_user_may_create(
    world: World, client_for: ClientFor
) -> None:
    body = client_for(world.alice).get(reverse("exercises:create")).content.decode()
    assert "Lang Chánh" in body
    assert "Trí Nang" in body
    assert "Bá Thước" not in body
    response = client_for(world.alice).post(
        reverse("exercises:create"), _form_data(world, area=world.sibling.pk)
    )
    assert response.status_code == 422
    assert not Exercise.objects.filter(code="DT-XA-2026").exists()


# --- concurrent edits --------------------------------------------------------------------------


def test_a_stale_edit_is_refused_with_409_and_nothing_typed_is_lost(
    world: World, client_for: ClientFor
) -> None:
    exercise = world.exercise
    url = reverse("exercises:edit", args=[exercise.pk])
    first = client_for(world.alice).post(url, _edit_data(exercise, name="Bản của Alice"))
    assert first.status_code == 302

    second = client_for(world.erin).post(url, _edit_data(exercise, name="Bản của Erin"))
    body = second.content.decode()
    assert second.status_code == 409
    assert "vừa được người khác sửa" in body
    assert 'value="Bản của Erin"' in body  # what Erin typed is still in the form
    assert "Bản của Alice" in body  # and she sees what is stored now
    exercise.refresh_from_db()
    assert exercise.name == "Bản của Alice"


# --- who may not --------------------------------------------------------------------------------


def test_bob_the_observer_sees_but_gets_403_on_every_write(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.bob)
    pk = world.exercise.pk
    detail = client.get(reverse("exercises:detail", args=[pk]))
    assert detail.status_code == 200
    assert reverse("exercises:edit", args=[pk]) not in detail.content.decode()
    assert status_of(client, "edit", pk) == 403
    assert (
        client.post(reverse("exercises:edit", args=[pk]), _edit_data(world.exercise)).status_code
        == 403
    )
    assert client.post(reverse("exercises:delete", args=[pk])).status_code == 403
    assert (
        client.post(
            reverse("exercises:transition", args=[pk]), {"to_status": "planned", "version": 1}
        ).status_code
        == 403
    )
    assert client.get(reverse("exercises:create")).status_code == 403
    assert Exercise.objects.get(pk=pk).version == 1


def test_charlie_from_the_sibling_district_gets_404_everywhere(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.charlie)
    pk = world.exercise.pk
    for name in ("detail", "edit", "delete"):
        assert client.get(reverse(f"exercises:{name}", args=[pk])).status_code == 404, name
    assert client.post(reverse("exercises:delete", args=[pk])).status_code == 404
    assert (
        client.post(
            reverse("exercises:transition", args=[pk]), {"to_status": "planned", "version": 1}
        ).status_code
        == 404
    )
    assert "DT-KVPT-2023" not in client.get(reverse("exercises:list")).content.decode()
    assert Exercise.objects.filter(pk=pk).exists()


def test_anonymous_is_sent_to_the_login_page(world: World) -> None:
    client = Client()
    pk = world.exercise.pk
    for url in (
        reverse("exercises:list"),
        reverse("exercises:create"),
        reverse("exercises:detail", args=[pk]),
        reverse("exercises:edit", args=[pk]),
        reverse("exercises:delete", args=[pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_erin_sees_and_edits_her_exercise_only(world: World, client_for: ClientFor) -> None:
    client = client_for(world.erin)
    listing = client.get(reverse("exercises:list")).content.decode()
    assert "DT-KVPT-2023" in listing
    assert "DT-MAT-2023" not in listing
    assert "DT-BT-2023" not in listing
    assert "Thêm cuộc diễn tập" not in listing
    response = client.post(
        reverse("exercises:edit", args=[world.exercise.pk]),
        _edit_data(world.exercise, name="Sửa bởi Erin"),
    )
    assert response.status_code == 302
    assert status_of(client, "detail", world.secret_exercise.pk) == 404
    assert status_of(client, "edit", world.sibling_exercise.pk) == 404


def test_dave_at_the_province_sees_every_exercise_of_the_province(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.dave)
    listing = client.get(reverse("exercises:list")).content.decode()
    for code in ("DT-KVPT-2023", "DT-MAT-2023", "DT-BT-2023"):
        assert code in listing
    assert status_of(client, "detail", world.sibling_exercise.pk) == 200
    # an evaluator reads but does not edit
    assert status_of(client, "edit", world.exercise.pk) == 403


def test_bob_cannot_see_the_exercise_above_his_clearance(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.bob)
    assert status_of(client, "detail", world.secret_exercise.pk) == 404
    assert "DT-MAT-2023" not in client.get(reverse("exercises:list")).content.decode()


# --- reading classified records ----------------------------------------------------------------


def test_reading_a_classified_exercise_is_logged_and_marked(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.alice).get(
        reverse("exercises:detail", args=[world.secret_exercise.pk])
    )
    assert response.status_code == 200
    assert ">MẬT</div>" in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.model, log.object_id) == (
        world.alice,
        AccessLog.Action.VIEW,
        "exercises.exercise",
        str(world.secret_exercise.pk),
    )
    client_for(world.alice).get(reverse("exercises:detail", args=[world.exercise.pk]))
    assert AccessLog.objects.count() == 1  # unclassified reads are not logged


def test_the_list_carries_the_marking_of_its_most_classified_row(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.alice)
    assert ">MẬT</div>" in client.get(reverse("exercises:list")).content.decode()
    filtered = client.get(reverse("exercises:list"), {"q": "DT-KVPT"}).content.decode()
    assert ">MẬT</div>" not in filtered
    assert 'id="marking-top"' in filtered  # present but hidden, for htmx to refresh


# --- the list: filters, htmx partial, empty state, pagination, query count ---------------------


def test_the_list_filters_by_year_status_area_and_folded_words(
    world: World, client_for: ClientFor
) -> None:
    ExerciseFactory(code="DT-XA-2026", name="Diễn tập xã Đồng Lương", area=world.commune, year=2026)
    client = client_for(world.dave)

    def codes(**params: Any) -> set[str]:
        response = client.get(reverse("exercises:list"), params)
        return {row.code for row in response.context["rows"]}

    assert codes(year=2026) == {"DT-XA-2026"}
    assert codes(q="dong luong") == {"DT-XA-2026"}
    assert codes(q="ĐỒNG") == {"DT-XA-2026"}
    assert codes(area=world.district.pk) == {"DT-KVPT-2023", "DT-MAT-2023", "DT-XA-2026"}
    assert codes(area=world.sibling.pk) == {"DT-BT-2023"}
    assert codes(status="planned") == set()
    assert codes(year="not-a-year") == {"DT-KVPT-2023", "DT-MAT-2023", "DT-BT-2023", "DT-XA-2026"}


def test_the_list_answers_htmx_with_the_table_only(world: World, client_for: ClientFor) -> None:
    response = client_for(world.alice).get(
        reverse("exercises:list"), {"q": "zzz"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="exercise-table"')
    assert "<html" not in body
    assert "Không có cuộc diễn tập nào khớp với bộ lọc." in body
    # The swapped-in table redraws the page's markings out of band with what it now shows.
    classified = (
        client_for(world.alice)
        .get(reverse("exercises:list"), {"q": "DT-MAT"}, headers={"HX-Request": "true"})
        .content.decode()
    )
    assert 'id="marking-top" hx-swap-oob="true"' in classified
    assert ">MẬT</div>" in classified


def test_the_empty_list_says_so(world: World, client_for: ClientFor) -> None:
    from kvpt.accounts.models import Role
    from kvpt.core.testing.factories import AreaFactory, UserFactory, grant

    lonely: Any = UserFactory()
    area: Any = AreaFactory(level=world.district.level)
    grant(lonely, Role.ORG_ADMIN, area=area)
    body = client_for(lonely).get(reverse("exercises:list")).content.decode()
    assert "Chưa có cuộc diễn tập nào trong phạm vi của bạn." in body
    assert "Thêm cuộc diễn tập" in body


def test_the_list_paginates(world: World, client_for: ClientFor) -> None:
    ExerciseFactory.create_batch(55, area=world.commune, level=world.commune.level)
    client = client_for(world.alice)
    first = client.get(reverse("exercises:list"))
    assert len(first.context["rows"]) == 50
    assert "Trang 1/2" in first.content.decode()
    second = client.get(reverse("exercises:list"), {"page": 2})
    assert len(second.context["rows"]) == 7  # 55 + the 2 of the world in alice's district


def test_the_list_query_count_does_not_grow_with_rows(world: World, client_for: ClientFor) -> None:
    client = client_for(world.dave)
    url = reverse("exercises:list")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    ExerciseFactory.create_batch(3, area=world.commune, level=world.commune.level, year=2024)
    few = count_queries()
    ExerciseFactory.create_batch(27, area=world.commune, level=world.commune.level, year=2025)
    many = count_queries()
    assert many == few
