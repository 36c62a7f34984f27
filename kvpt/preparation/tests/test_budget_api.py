"""The budget-lines API: CRUD, VND as whole integers, settlement rules, totals, who may not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kvpt.core.models import Classification
from kvpt.core.testing.world import World
from kvpt.preparation.models import BudgetLine
from kvpt.preparation.tests.wb_helpers import make_line, subcommittees

pytestmark = pytest.mark.django_db

Clients = Callable[[Any], Client]
JSON = "application/json"


def _base(world: World) -> str:
    return f"/api/v1/exercises/{world.exercise.pk}/budget-lines"


NEW = {
    "code": "KP-HAM",
    "description": "Xây dựng hầm họp",
    "category": "works",
    "source": "district",
    "estimate": 1_250_000_000,
    "actual": 1_200_000_000,
}


def test_the_owner_creates_reads_updates_and_deletes_a_line(
    world: World, api_client_for: Clients
) -> None:
    api = api_client_for(world.alice)
    created = api.post(_base(world), NEW, content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["estimate"], body["total_spent"], body["settled_amount"]) == (
        1_250_000_000,
        1_200_000_000,
        0,
    )
    line = BudgetLine.objects.get(pk=body["id"])
    assert line.history.first().history_user == world.alice
    one = f"{_base(world)}/{line.pk}"
    assert api.get(one).json()["code"] == "KP-HAM"
    patched = api.patch(
        one,
        {"version": 1, "settled_amount": 1_200_000_000, "settled_on": "2023-10-15"},
        content_type=JSON,
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["settled_on"] == "2023-10-15"
    assert api.get(_base(world), {"unsettled": True}).json()["count"] == 0
    assert api.get(_base(world), {"unsettled": False}).json()["count"] == 1
    assert api.get(_base(world), {"q": "ham hop"}).json()["count"] == 1
    assert api.delete(f"{one}?version=1").status_code == 409
    assert api.delete(f"{one}?version=2").status_code == 204


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("estimate", 1250.5, "không có phần thập phân"),
        ("actual", -1, "không được âm"),
        ("estimate", "1.250.000", "số nguyên đồng"),
    ],
)
def test_money_must_be_whole_non_negative_dong(
    world: World, api_client_for: Clients, field: str, value: Any, message: str
) -> None:
    response = api_client_for(world.alice).post(
        _base(world), {**NEW, field: value}, content_type=JSON
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == field
    assert message in error["message"]


def test_the_settlement_rules_hold_through_the_api(world: World, api_client_for: Clients) -> None:
    api = api_client_for(world.alice)
    no_date = api.post(_base(world), {**NEW, "settled_amount": 100}, content_type=JSON)
    assert no_date.status_code == 422
    assert no_date.json()["errors"][0]["field"] == "settled_on"
    too_much = api.post(
        _base(world),
        {**NEW, "settled_amount": 1_300_000_000, "settled_on": "2023-10-01"},
        content_type=JSON,
    )
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["field"] == "settled_amount"
    assert not BudgetLine.objects.exists()


def test_the_totals_endpoint(world: World, api_client_for: Clients) -> None:
    make_line(
        world,
        code="KP-1",
        actual=800,
        additional=200,
        settled_amount=500,
        settled_on=dt.date(2023, 10, 1),
    )
    make_line(world, code="KP-2", category="site_clearance", is_site_clearance=True, actual=1000)
    body = api_client_for(world.dave).get(f"{_base(world)}/totals").json()
    assert body["totals"]["total_spent"] == 2000
    assert body["totals"]["settled"] == 500
    assert body["totals"]["progress"] == "25 %"
    assert body["totals"]["unsettled"] == 2
    assert body["ordinary_totals"]["progress"] == "50 %"
    assert body["site_clearance_totals"]["total_spent"] == 1000
    assert [(g["category"], g["is_site_clearance"]) for g in body["groups"]] == [
        ("works", False),
        ("site_clearance", True),
    ]


def test_who_may_not(world: World, api_client_for: Clients) -> None:
    line = make_line(world)
    one = f"{_base(world)}/{line.pk}"
    charlie = api_client_for(world.charlie)
    for url in (_base(world), one, f"{_base(world)}/totals"):
        assert charlie.get(url).status_code == 404, url
    bob = api_client_for(world.bob)
    assert bob.get(one).status_code == 200
    assert bob.patch(one, {"version": 1, "actual": 5}, content_type=JSON).status_code == 403
    assert bob.post(_base(world), NEW, content_type=JSON).status_code == 403
    assert bob.delete(one).status_code == 403
    for url in (_base(world), one, f"{_base(world)}/totals"):
        assert Client().get(url).status_code == 401, url


def test_a_subcommittee_member_through_the_api(world: World, api_client_for: Clients) -> None:
    subs = subcommittees(world)
    own = make_line(world, code="KP-OWN", subcommittee=subs.works)
    other = make_line(world, code="KP-OTHER", subcommittee=subs.finance)
    api = api_client_for(subs.frank)
    own_url, other_url = f"{_base(world)}/{own.pk}", f"{_base(world)}/{other.pk}"
    assert api.patch(own_url, {"version": 1, "actual": 5}, content_type=JSON).status_code == 200
    assert api.patch(other_url, {"version": 1, "actual": 5}, content_type=JSON).status_code == 403
    mine = {**NEW, "code": "KP-NEW", "subcommittee_code": subs.works.code}
    assert api.post(_base(world), mine, content_type=JSON).status_code == 201
    theirs = {**NEW, "code": "KP-NEW2", "subcommittee_code": subs.finance.code}
    assert api.post(_base(world), theirs, content_type=JSON).status_code == 403


def test_a_classified_line_is_invisible_to_bob(world: World, api_client_for: Clients) -> None:
    make_line(world, code="KP-THUONG", actual=100)
    secret = make_line(world, code="KP-MAT", actual=900, classification=Classification.CONFIDENTIAL)
    bob = api_client_for(world.bob)
    assert [row["code"] for row in bob.get(_base(world)).json()["items"]] == ["KP-THUONG"]
    assert bob.get(f"{_base(world)}/{secret.pk}").status_code == 404
    assert bob.get(f"{_base(world)}/totals").json()["totals"]["actual"] == 100
    assert (
        api_client_for(world.alice).get(f"{_base(world)}/totals").json()["totals"]["actual"] == 1000
    )


def test_the_list_makes_the_same_number_of_queries_for_more_rows(
    world: World, api_client_for: Clients
) -> None:
    subs = subcommittees(world)
    api = api_client_for(world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(_base(world)).status_code == 200
        return len(queries)

    make_line(world, code="A", subcommittee=subs.works)
    count()  # the token's first use is written once
    small = count()
    for i in range(10):
        make_line(world, code=f"B-{i}", subcommittee=subs.finance)
    assert count() == small


def test_null_for_a_required_field_is_422_not_a_crash(
    world: World, api_client_for: Clients
) -> None:
    line = make_line(world)
    api = api_client_for(world.alice)
    for field in ("classification", "estimate", "category"):
        response = api.patch(
            f"{_base(world)}/{line.pk}", {"version": 1, field: None}, content_type=JSON
        )
        assert response.status_code == 422, (field, response.content)
        assert response.json()["errors"][0]["field"] == field
