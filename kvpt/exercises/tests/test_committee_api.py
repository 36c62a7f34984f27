"""Committee API: /api/v1/exercises/{id}/committees[...]: CRUD, ?kind=, members, who may not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kvpt.core.models import Classification
from kvpt.core.testing.factories import PersonFactory
from kvpt.core.testing.world import World
from kvpt.exercises.committee_services import STANDARD_SUBCOMMITTEES
from kvpt.exercises.models import Committee, CommitteeMember, CommitteeRole
from kvpt.preparation.models import Work

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], Client]
JSON = "application/json"


def _base(world: World) -> str:
    return f"/api/v1/exercises/{world.exercise.pk}/committees"


def _committee(world: World, code: str = "TB-VANKIEN", **extra: Any) -> Committee:
    defaults = {"kind": "subcommittee", "name": "Tiểu ban Văn kiện"}
    return Committee.objects.create(exercise=world.exercise, code=code, **(defaults | extra))


def test_the_owner_creates_reads_updates_and_deletes_a_committee(
    world: World, api_client_for: ClientFor
) -> None:
    api = api_client_for(world.alice)
    created = api.post(
        _base(world),
        {"kind": "steering", "code": "BCD", "name": "Ban Chỉ đạo", "duties": "Lãnh đạo"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "BCD"
    assert body["kind_label"] == "Ban Chỉ đạo"
    assert body["members"] == []
    assert body["exercise_code"] == "DT-KVPT-2023"
    committee = Committee.objects.get(pk=body["id"])
    assert committee.history.first().history_user == world.alice  # the token's user

    url = f"{_base(world)}/{committee.pk}"
    assert api.get(url).json()["name"] == "Ban Chỉ đạo"
    patched = api.patch(url, {"version": 1, "name": "Ban Chỉ đạo diễn tập"}, content_type=JSON)
    assert patched.status_code == 200
    assert patched.json()["version"] == 2

    stale = api.patch(url, {"version": 1, "name": "Cũ"}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"
    committee.refresh_from_db()
    assert committee.name == "Ban Chỉ đạo diễn tập"

    assert api.delete(f"{url}?version=1").status_code == 409
    assert api.delete(f"{url}?version=2").status_code == 204
    assert not Committee.objects.filter(pk=committee.pk).exists()


def test_the_list_filters_by_kind_and_nests_members_heads_first(
    world: World, api_client_for: ClientFor
) -> None:
    _committee(world, "BCD", kind="steering", name="Ban Chỉ đạo", order=1)
    tb = _committee(world, order=11)
    deputy = PersonFactory.create(full_name="Phạm Thị Phó", area=world.district)
    CommitteeMember.objects.create(committee=tb, person=deputy, role=CommitteeRole.DEPUTY)
    CommitteeMember.objects.create(
        committee=tb, person=world.person, role=CommitteeRole.HEAD, order=9
    )
    api = api_client_for(world.bob)
    everything = api.get(_base(world)).json()
    assert everything["count"] == 2
    subcommittees = api.get(_base(world), {"kind": "subcommittee"}).json()
    assert [c["code"] for c in subcommittees["items"]] == ["TB-VANKIEN"]
    members = subcommittees["items"][0]["members"]
    assert [m["person"]["full_name"] for m in members] == ["Lê Văn Đông", "Phạm Thị Phó"]
    assert members[0]["role_label"] == "Trưởng ban"
    assert api.get(_base(world), {"kind": "nope"}).status_code == 422


def test_the_list_s_query_count_stays_flat_as_members_grow(
    world: World, api_client_for: ClientFor
) -> None:
    api = api_client_for(world.alice)

    def grow(n: int) -> None:
        for _ in range(n):
            tb = _committee(world, f"TB-{Committee.objects.count()}", name=f"Tiểu ban {n} {_}")
            for _i in range(3):
                CommitteeMember.objects.create(
                    committee=tb, person=PersonFactory.create(area=world.district)
                )

    grow(1)
    api.get(_base(world))
    with CaptureQueriesContext(connection) as small:
        api.get(_base(world))
    grow(5)
    with CaptureQueriesContext(connection) as large:
        body = api.get(_base(world)).json()
    assert sum(len(c["members"]) for c in body["items"]) == 18
    assert len(large) == len(small)


def test_the_catalogue_endpoint_adds_the_missing_subcommittees(
    world: World, api_client_for: ClientFor
) -> None:
    _committee(world)
    api = api_client_for(world.erin)
    response = api.post(
        f"{_base(world)}/standard", {"catalogue": "subcommittees"}, content_type=JSON
    )
    assert response.status_code == 201
    assert len(response.json()) == len(STANDARD_SUBCOMMITTEES) - 1
    again = api.post(f"{_base(world)}/standard", {}, content_type=JSON)
    assert again.json() == []
    forbidden = api_client_for(world.bob).post(f"{_base(world)}/standard", {}, content_type=JSON)
    assert forbidden.status_code == 403


def test_deleting_a_subcommittee_with_works_is_refused(
    world: World, api_client_for: ClientFor
) -> None:
    tb = _committee(world, "TB-CONGTRINH", name="Tiểu ban Công trình")
    Work.objects.create(
        exercise=world.exercise,
        subcommittee=tb,
        code="CT-1",
        name="Hầm họp",
        kind="bunker",
        construction="new",
    )
    response = api_client_for(world.alice).delete(f"{_base(world)}/{tb.pk}")
    assert response.status_code == 422
    assert "1 công trình" in response.json()["errors"][0]["message"]
    assert Committee.objects.filter(pk=tb.pk).exists()


def test_codes_clash_on_the_code_field(world: World, api_client_for: ClientFor) -> None:
    _committee(world)
    response = api_client_for(world.alice).post(
        _base(world),
        {"kind": "subcommittee", "code": "TB-VANKIEN", "name": "Khác"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "code"
    nulls = api_client_for(world.alice).patch(
        f"{_base(world)}/{Committee.objects.get().pk}",
        {"version": 1, "name": None},
        content_type=JSON,
    )
    assert nulls.status_code == 422


# --- members -----------------------------------------------------------------------------------


def test_members_are_added_by_id_or_code_updated_and_removed(
    world: World, api_client_for: ClientFor
) -> None:
    tb = _committee(world)
    api = api_client_for(world.alice)
    members = f"{_base(world)}/{tb.pk}/members"
    added = api.post(
        members,
        {"person_code": "CB-001", "role": "head", "exercise_role": "Trưởng tiểu ban"},
        content_type=JSON,
    )
    assert added.status_code == 201, added.content
    member = added.json()
    assert member["person"]["code"] == "CB-001"
    assert member["order"] == 1

    again = api.post(members, {"person_id": world.person.pk}, content_type=JSON)
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "person"

    url = f"{members}/{member['id']}"
    assert api.get(url).json()["role"] == "head"
    assert api.get(f"/api/v1/exercises/committee-members/{member['id']}").status_code == 200
    patched = api.patch(url, {"version": 1, "position": "Chỉ huy trưởng"}, content_type=JSON)
    assert patched.status_code == 200
    assert patched.json()["position"] == "Chỉ huy trưởng"
    assert api.patch(url, {"version": 1, "order": 3}, content_type=JSON).status_code == 409
    assert api.get(members).json()["count"] == 1
    assert api.get(f"{_base(world)}/{tb.pk}").json()["members"][0]["id"] == member["id"]
    assert api.delete(f"{url}?version=2").status_code == 204
    assert not CommitteeMember.objects.exists()


def test_a_person_outside_the_caller_s_scope_is_not_found(
    world: World, api_client_for: ClientFor
) -> None:
    tb = _committee(world)
    stranger = PersonFactory.create(area=world.sibling)
    secret = PersonFactory.create(area=world.district, classification=Classification.SECRET)
    api = api_client_for(world.alice)
    members = f"{_base(world)}/{tb.pk}/members"
    for person in (stranger, secret):
        response = api.post(members, {"person_id": person.pk}, content_type=JSON)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "person_id"
    assert not CommitteeMember.objects.exists()


def test_a_member_under_another_committee_s_path_is_not_found(
    world: World, api_client_for: ClientFor
) -> None:
    a = _committee(world)
    b = _committee(world, "TB-B", name="Tiểu ban B")
    member = CommitteeMember.objects.create(committee=a, person=world.person)
    api = api_client_for(world.alice)
    assert api.get(f"{_base(world)}/{b.pk}/members/{member.pk}").status_code == 404
    other = f"/api/v1/exercises/{world.secret_exercise.pk}/committees/{a.pk}"
    assert api.get(other).status_code == 404


# --- who may not -------------------------------------------------------------------------------


def test_outsider_404_observer_403_anonymous_401(world: World, api_client_for: ClientFor) -> None:
    tb = _committee(world)
    member = CommitteeMember.objects.create(committee=tb, person=world.person)
    one = f"{_base(world)}/{tb.pk}"
    member_url = f"{one}/members/{member.pk}"
    reads = [_base(world), one, f"{one}/members", member_url]

    charlie = api_client_for(world.charlie)
    for url in reads:
        response = charlie.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert charlie.post(_base(world), {}, content_type=JSON).status_code in (404, 422)
    assert (
        charlie.post(
            _base(world), {"kind": "support", "code": "X", "name": "X"}, content_type=JSON
        ).status_code
        == 404
    )
    assert charlie.delete(one).status_code == 404

    bob = api_client_for(world.bob)
    for url in reads:
        assert bob.get(url).status_code == 200, url
    forbidden = [
        bob.post(_base(world), {"kind": "support", "code": "TGV", "name": "Tổ"}, content_type=JSON),
        bob.patch(one, {"version": 1, "name": "X"}, content_type=JSON),
        bob.delete(one),
        bob.post(f"{one}/members", {"person_id": world.person.pk}, content_type=JSON),
        bob.patch(member_url, {"version": 1, "order": 2}, content_type=JSON),
        bob.delete(member_url),
    ]
    for response in forbidden:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "permission_denied"

    anonymous = Client()
    for url in reads:
        response = anonymous.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    assert Committee.objects.get().name == "Tiểu ban Văn kiện"


def test_a_classified_exercise_s_committees_are_hidden_below_its_level(
    world: World, api_client_for: ClientFor
) -> None:
    Committee.objects.create(
        exercise=world.secret_exercise, kind="subcommittee", code="TB-M", name="Tiểu ban mật"
    )
    url = f"/api/v1/exercises/{world.secret_exercise.pk}/committees"
    assert api_client_for(world.bob).get(url).status_code == 404
    assert api_client_for(world.alice).get(url).json()["count"] == 1
