"""Committee pages: "Tổ chức chỉ đạo, điều hành", committee detail, add/edit/delete, members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django import urls
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.models import AccessLog, Classification
from kvpt.core.testing.factories import PersonFactory
from kvpt.core.testing.world import World
from kvpt.exercises.committee_services import STANDARD_SUBCOMMITTEES
from kvpt.exercises.models import Committee, CommitteeMember, CommitteeRole
from kvpt.organisations.models import Position
from kvpt.preparation.models import BudgetLine, Task

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], Client]


def _url(name: str, pk: int) -> str:
    return reverse(f"exercises:{name}", args=[pk])


def _committee(world: World, code: str = "TB-VANKIEN", **extra: Any) -> Committee:
    defaults = {"kind": "subcommittee", "name": "Tiểu ban Văn kiện"}
    return Committee.objects.create(exercise=world.exercise, code=code, **(defaults | extra))


# --- the page of all committees ----------------------------------------------------------------


def test_the_page_shows_the_mechanism_then_each_committee_with_its_members_heads_first(
    world: World, client_for: ClientFor
) -> None:
    world.exercise.leadership_mechanism = "Cấp ủy lãnh đạo, chính quyền điều hành"
    world.exercise.save()
    bcd = _committee(world, "BCD", kind="steering", name="Ban Chỉ đạo", order=1)
    deputy = PersonFactory.create(full_name="Phạm Thị Phó", area=world.district)
    CommitteeMember.objects.create(
        committee=bcd, person=deputy, role=CommitteeRole.DEPUTY, position="Chủ tịch UBND huyện"
    )
    CommitteeMember.objects.create(
        committee=bcd,
        person=world.person,
        role=CommitteeRole.HEAD,
        position="Bí thư Huyện ủy",
        exercise_role="Bí thư Huyện ủy",
        order=5,
    )
    _committee(world, order=11)

    response = client_for(world.bob).get(_url("committees", world.exercise.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cấp ủy lãnh đạo, chính quyền điều hành" in body
    assert body.index("Ban Chỉ đạo") < body.index("Tiểu ban Văn kiện")
    assert body.index("Lê Văn Đông") < body.index("Phạm Thị Phó")  # the head first
    assert "Trưởng ban" in body
    assert "Bí thư Huyện ủy" in body
    # bob observes: no editing buttons, no link to edit the mechanism.
    assert _url("committee_create", world.exercise.pk) not in body
    assert _url("edit", world.exercise.pk) not in body
    assert "Thêm các tiểu ban thường dùng" not in body


def test_an_editor_sees_the_buttons_and_the_catalogue(world: World, client_for: ClientFor) -> None:
    tb = _committee(world)
    member = CommitteeMember.objects.create(committee=tb, person=world.person)
    body = client_for(world.erin).get(_url("committees", world.exercise.pk)).content.decode()
    assert _url("committee_create", world.exercise.pk) in body
    assert _url("committee_member_add", tb.pk) in body
    assert _url("committee_member_edit", member.pk) in body
    assert _url("committee_member_delete", member.pk) in body
    assert "Thêm các tiểu ban thường dùng" in body
    assert "Tiểu ban Lễ tân" in body  # named beside the button: what it would add


def test_one_click_adds_the_missing_standard_subcommittees(
    world: World, client_for: ClientFor
) -> None:
    _committee(world)
    client = client_for(world.alice)
    response = client.post(
        _url("committee_add_standard", world.exercise.pk), {"catalogue": "subcommittees"}
    )
    assert response.status_code == 302
    assert world.exercise.committees.filter(kind="subcommittee").count() == len(
        STANDARD_SUBCOMMITTEES
    )
    page = client.get(response["Location"]).content.decode()
    assert "Đã thêm 7 ban" in page
    assert "Thêm các tiểu ban thường dùng" not in page  # nothing left to add
    assert (
        client.post(
            _url("committee_add_standard", world.exercise.pk), {"catalogue": "leading"}
        ).status_code
        == 302
    )
    assert world.exercise.committees.count() == len(STANDARD_SUBCOMMITTEES) + 4
    bob = client_for(world.bob).post(
        _url("committee_add_standard", world.exercise.pk), {"catalogue": "subcommittees"}
    )
    assert bob.status_code == 403


def test_my_subcommittee_is_marked(world: World, client_for: ClientFor) -> None:
    tb = _committee(world)
    CommitteeMember.objects.create(committee=tb, person=world.person)
    world.bob.person = world.person
    world.bob.save()
    body = client_for(world.bob).get(_url("committees", world.exercise.pk)).content.decode()
    assert "Tiểu ban của tôi" in body
    assert (
        "Tiểu ban của tôi"
        not in client_for(world.alice).get(_url("committees", world.exercise.pk)).content.decode()
    )


def test_the_page_s_query_count_stays_flat_as_members_grow(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.erin)
    url = _url("committees", world.exercise.pk)

    def grow(n: int) -> None:
        for i in range(n):
            tb = _committee(world, f"TB-{Committee.objects.count()}", name=f"Tiểu ban {i} {n}")
            for _ in range(3):
                CommitteeMember.objects.create(
                    committee=tb, person=PersonFactory.create(area=world.district)
                )

    grow(1)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(6)
    with CaptureQueriesContext(connection) as large:
        body = client.get(url).content.decode()
    assert body.count('data-testid="member"') == 21
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_page_s_work_per_member_stays_flat_no_url_reversed_or_role_translated_per_row(
    world: World, client_for: ClientFor
) -> None:
    """The rows get their links and role labels worked out once for the list: {% url %} and
    get_role_display row by row made the large exercise's page (80 members) slow."""
    client = client_for(world.erin)
    url = _url("committees", world.exercise.pk)
    tb = _committee(world)

    def seat(n: int) -> list[CommitteeMember]:
        return [
            CommitteeMember.objects.create(
                committee=tb,
                person=PersonFactory.create(area=world.district),
                role=CommitteeRole.MEMBER,
            )
            for _ in range(n)
        ]

    def reverses() -> tuple[int, str]:
        with (
            mock.patch("django.urls.reverse", wraps=urls.reverse) as counted,
            mock.patch.object(
                CommitteeMember, "get_role_display", side_effect=AssertionError("per row")
            ),
        ):
            response = client.get(url)
        assert response.status_code == 200
        return counted.call_count, response.content.decode()

    seat(1)
    client.get(url)  # warm the session and caches
    few, _ = reverses()
    members = seat(12)
    many, body = reverses()
    assert many == few
    assert body.count('data-testid="member"') == 13
    assert body.count(str(CommitteeRole.MEMBER.label)) >= 13
    for member in members:
        assert _url("committee_member_edit", member.pk) in body
        assert _url("committee_member_delete", member.pk) in body
    detail = client.get(_url("committee_detail", tb.pk)).content.decode()
    assert _url("committee_member_edit", members[0].pk) in detail
    assert _url("committee_member_delete", members[-1].pk) in detail


def test_the_outsider_gets_404_and_anonymous_the_login_page(
    world: World, client_for: ClientFor
) -> None:
    tb = _committee(world)
    member = CommitteeMember.objects.create(committee=tb, person=world.person)
    urls = [
        _url("committees", world.exercise.pk),
        _url("committee_create", world.exercise.pk),
        _url("committee_detail", tb.pk),
        _url("committee_edit", tb.pk),
        _url("committee_delete", tb.pk),
        _url("committee_member_add", tb.pk),
        _url("committee_people", tb.pk),
        _url("committee_person_position", tb.pk),
        _url("committee_member_edit", member.pk),
        _url("committee_member_delete", member.pk),
    ]
    charlie = client_for(world.charlie)
    for url in urls:
        assert charlie.get(url).status_code == 404, url
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
    # bob sees the pages but may change nothing.
    bob = client_for(world.bob)
    assert bob.get(urls[0]).status_code == 200
    assert bob.get(urls[2]).status_code == 200
    for url in urls[1:2] + urls[3:]:
        assert bob.get(url).status_code == 403, url


def test_a_classified_exercise_s_committees_are_hidden_below_its_level_and_reads_are_logged(
    world: World, client_for: ClientFor
) -> None:
    tb = Committee.objects.create(
        exercise=world.secret_exercise, kind="subcommittee", code="TB-M", name="Tiểu ban mật"
    )
    assert (
        client_for(world.bob).get(_url("committees", world.secret_exercise.pk)).status_code == 404
    )
    assert client_for(world.bob).get(_url("committee_detail", tb.pk)).status_code == 404
    response = client_for(world.alice).get(_url("committee_detail", tb.pk))
    assert response.status_code == 200
    assert 'data-testid="marking"' in response.content.decode()
    assert AccessLog.objects.filter(
        user=world.alice, object_id=str(world.secret_exercise.pk)
    ).exists()


# --- one committee -----------------------------------------------------------------------------


def test_the_detail_page_counts_a_subcommittee_s_work(world: World, client_for: ClientFor) -> None:
    tb = _committee(world)
    Task.objects.create(
        exercise=world.exercise,
        subcommittee=tb,
        code="CV-1",
        title="A",
        category="documents",
        status="done",
    )
    Task.objects.create(
        exercise=world.exercise, subcommittee=tb, code="CV-2", title="B", category="documents"
    )
    BudgetLine.objects.create(
        exercise=world.exercise,
        subcommittee=tb,
        code="KP-1",
        description="In ấn",
        category="other",
        source="district",
    )
    CommitteeMember.objects.create(committee=tb, person=world.person, position="Trưởng phòng")
    response = client_for(world.bob).get(_url("committee_detail", tb.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "1/2" in body
    tasks = reverse("preparation:task_list", args=[world.exercise.pk])
    assert f"{tasks}?subcommittee={tb.pk}" in body
    assert "Trưởng phòng" in body
    assert _url("committee_edit", tb.pk) not in body  # bob may not


def test_alice_adds_edits_and_deletes_a_committee(world: World, client_for: ClientFor) -> None:
    client = client_for(world.alice)
    create = _url("committee_create", world.exercise.pk)
    assert client.get(create + "?kind=steering").status_code == 200
    response = client.post(
        create,
        {"kind": "subcommittee", "code": "TB-HAUCAN", "name": "Tiểu ban Hậu cần", "order": ""},
    )
    tb = Committee.objects.get(code="TB-HAUCAN")
    assert response.status_code == 302
    assert response["Location"] == _url("committee_detail", tb.pk)

    clash = client.post(
        create, {"kind": "subcommittee", "code": "tb-haucan", "name": "Khác", "order": 2}
    )
    assert clash.status_code == 422
    assert "đã được dùng" in clash.content.decode()

    edit = _url("committee_edit", tb.pk)
    assert client.get(edit).status_code == 200
    data = {
        "kind": "subcommittee",
        "code": "TB-HCKT",
        "name": "Tiểu ban Hậu cần - Kỹ thuật",
        "order": 14,
        "duties": "Bảo đảm hậu cần, kỹ thuật.",
        "version": 1,
    }
    assert client.post(edit, data).status_code == 302
    tb.refresh_from_db()
    assert (tb.code, tb.version) == ("TB-HCKT", 2)

    stale = client.post(edit, data | {"name": "Bản cũ"})
    assert stale.status_code == 409
    assert "Bản cũ" in stale.content.decode()  # the input is kept
    tb.refresh_from_db()
    assert tb.name == "Tiểu ban Hậu cần - Kỹ thuật"

    delete = _url("committee_delete", tb.pk)
    assert client.get(delete).status_code == 200
    response = client.post(delete, {"version": 2})
    assert response.status_code == 302
    assert response["Location"] == _url("committees", world.exercise.pk)
    assert not Committee.objects.filter(pk=tb.pk).exists()


def test_deleting_a_subcommittee_with_tasks_is_refused_with_a_clear_message(
    world: World, client_for: ClientFor
) -> None:
    tb = _committee(world)
    Task.objects.create(
        exercise=world.exercise, subcommittee=tb, code="CV-1", title="A", category="documents"
    )
    response = client_for(world.alice).post(_url("committee_delete", tb.pk), {"version": 1})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Không thể xóa" in body
    assert "1 công việc chuẩn bị" in body
    assert Committee.objects.filter(pk=tb.pk).exists()


# --- members -----------------------------------------------------------------------------------


def test_alice_adds_a_member_with_the_position_prefilled_then_edits_and_removes_them(
    world: World, client_for: ClientFor
) -> None:
    world.exercise.start_date = dt.date(2023, 8, 15)
    world.exercise.save()
    Position.objects.create(person=world.person, agency=world.agency, title="Chỉ huy trưởng")
    tb = _committee(world)
    client = client_for(world.alice)
    add = _url("committee_member_add", tb.pk)

    form = client.get(add).content.decode()
    assert "Lê Văn Đông" in form  # the district's people are offered
    position = client.get(
        _url("committee_person_position", tb.pk), {"person": str(world.person.pk), "position": ""}
    )
    assert 'value="Chỉ huy trưởng"' in position.content.decode()
    kept = client.get(
        _url("committee_person_position", tb.pk), {"person": str(world.person.pk), "position": "Gõ"}
    )
    assert 'value="Gõ"' in kept.content.decode()

    response = client.post(
        add,
        {
            "person": world.person.pk,
            "position": "",
            "role": CommitteeRole.HEAD,
            "exercise_role": "Chỉ huy trưởng Ban CHQS",
            "order": "",
        },
    )
    assert response.status_code == 302
    member = CommitteeMember.objects.get(committee=tb)
    assert member.position == "Chỉ huy trưởng"

    again = client.post(add, {"person": world.person.pk, "role": "member"})
    assert again.status_code == 422
    assert "đã là thành viên" in again.content.decode()

    edit = _url("committee_member_edit", member.pk)
    assert client.get(edit).status_code == 200
    data = {
        "person": world.person.pk,
        "position": "Chỉ huy trưởng Ban CHQS huyện",
        "role": CommitteeRole.STANDING_DEPUTY,
        "exercise_role": "",
        "order": 1,
        "version": 1,
    }
    assert client.post(edit, data).status_code == 302
    member.refresh_from_db()
    assert member.role == CommitteeRole.STANDING_DEPUTY
    assert client.post(edit, data).status_code == 409  # version 1 is stale now

    assert (
        client.post(_url("committee_member_delete", member.pk), {"version": 2}).status_code == 302
    )
    assert not CommitteeMember.objects.filter(pk=member.pk).exists()


def test_the_person_search_finds_by_name_without_accents_and_only_within_scope(
    world: World, client_for: ClientFor
) -> None:
    tb = _committee(world)
    PersonFactory.create(full_name="Trần Thị Huyền", area=world.commune)
    PersonFactory.create(full_name="Trần Văn Huyện", area=world.sibling)
    client = client_for(world.alice)
    body = client.get(_url("committee_people", tb.pk), {"person_q": "tran"}).content.decode()
    assert "Trần Thị Huyền" in body
    assert "Trần Văn Huyện" not in body  # another district's directory


def test_a_person_outside_the_actor_s_scope_is_refused(world: World, client_for: ClientFor) -> None:
    tb = _committee(world)
    stranger = PersonFactory.create(full_name="Người huyện khác", area=world.sibling)
    secret = PersonFactory.create(area=world.district, classification=Classification.SECRET)
    client = client_for(world.alice)
    for person in (stranger, secret):
        response = client.post(
            _url("committee_member_add", tb.pk), {"person": person.pk, "role": "member"}
        )
        assert response.status_code == 422
    assert not CommitteeMember.objects.exists()


def test_an_exercise_only_planner_seats_people_already_on_the_exercise_s_committees(
    world: World, client_for: ClientFor
) -> None:
    """erin sees no directory (her grant is the exercise), but she sees the exercise's people."""
    bcd = _committee(world, "BCD", kind="steering", name="Ban Chỉ đạo")
    CommitteeMember.objects.create(committee=bcd, person=world.person)
    other = PersonFactory.create(full_name="Đỗ Văn Khác", area=world.district)
    tb = _committee(world)
    client = client_for(world.erin)
    form = client.get(_url("committee_member_add", tb.pk)).content.decode()
    assert "Lê Văn Đông" in form
    assert "Đỗ Văn Khác" not in form
    refused = client.post(
        _url("committee_member_add", tb.pk), {"person": other.pk, "role": "member"}
    )
    assert refused.status_code == 422
    added = client.post(
        _url("committee_member_add", tb.pk), {"person": world.person.pk, "role": "member"}
    )
    assert added.status_code == 302
    assert world.person.committee_seats.count() == 2


def test_a_closed_exercise_s_committees_offer_no_editing(
    world: World, client_for: ClientFor
) -> None:
    tb = _committee(world)
    world.exercise.status = "closed"
    world.exercise.save()
    client = client_for(world.alice)
    body = client.get(_url("committees", world.exercise.pk)).content.decode()
    assert "Tiểu ban Văn kiện" in body
    assert _url("committee_edit", tb.pk) not in body
    assert "Thêm các tiểu ban thường dùng" not in body
    refused = client.post(
        _url("committee_add_standard", world.exercise.pk), {"catalogue": "subcommittees"}
    )
    assert refused.status_code == 302
    assert world.exercise.committees.count() == 1


def test_the_person_search_keeps_the_person_already_chosen(
    world: World, client_for: ClientFor
) -> None:
    tb = _committee(world)
    PersonFactory.create(full_name="Trần Thị Huyền", area=world.district)
    body = (
        client_for(world.alice)
        .get(_url("committee_people", tb.pk), {"person_q": "huyen", "person": str(world.person.pk)})
        .content.decode()
    )
    assert "Trần Thị Huyền" in body
    assert f'<option value="{world.person.pk}" selected>' in body
