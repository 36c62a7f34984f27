"""Every forces page opens for the owner; the add, edit and delete forms save through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.world import World
from kvpt.forces.models import Force, ForceAllocation, RosterEntry, WeaponIssue
from kvpt.forces.tests.helpers import allocate, force

pytestmark = pytest.mark.django_db

Clients = Callable[[Any], Client]


def test_every_page_opens(world: World, client_for: Clients) -> None:
    f = force(world, "LL-1", "Lực lượng một", ["A2"])
    allocation = allocate(world, world.unit, [f], planned=10, actual=10)
    entry = RosterEntry.objects.create(exercise=world.exercise, unit=world.unit, full_name="A")
    issue = WeaponIssue.objects.create(
        exercise=world.exercise, unit=world.unit, item="Súng AK", quantity_issued=1
    )
    pk = world.exercise.pk
    urls = [
        reverse("forces:mobilisation", args=[pk]),
        reverse("forces:force_create", args=[pk]),
        reverse("forces:force_update", args=[f.pk]),
        reverse("forces:force_delete", args=[f.pk]),
        reverse("forces:allocation_create", args=[pk]),
        reverse("forces:allocation_update", args=[allocation.pk]),
        reverse("forces:allocation_delete", args=[allocation.pk]),
        reverse("forces:roster", args=[pk]),
        reverse("forces:roster_create", args=[pk]),
        reverse("forces:roster_import", args=[pk]),
        reverse("forces:roster_export", args=[pk]),
        reverse("forces:roster_update", args=[entry.pk]),
        reverse("forces:roster_delete", args=[entry.pk]),
        reverse("forces:weapons", args=[pk]),
        reverse("forces:weapon_create", args=[pk]),
        reverse("forces:weapon_update", args=[issue.pk]),
        reverse("forces:weapon_delete", args=[issue.pk]),
    ]
    client = client_for(world.alice)
    for url in urls:
        assert client.get(url).status_code == 200, url
    outsider = client_for(world.charlie)
    for url in urls:
        assert outsider.get(url).status_code == 404, url


def test_forms_save_and_refuse_stale_edits(world: World, client_for: Clients) -> None:
    client = client_for(world.alice)
    pk = world.exercise.pk
    response = client.post(
        reverse("forces:force_create", args=[pk]),
        {"code": "LL-TQL-A2", "name": "Thiết quân luật, A2", "situations": "TQL, A2", "order": 1},
    )
    assert response.status_code == 302
    f = Force.objects.get()
    assert f.situations == ["TQL", "A2"]
    edit = reverse("forces:force_update", args=[f.pk])
    data = {"code": f.code, "name": "Tên mới", "situations": "A2", "order": 1, "version": 1}
    assert client.post(edit, data).status_code == 302
    stale = client.post(edit, {**data, "name": "Tên cũ"})
    assert stale.status_code == 409
    f.refresh_from_db()
    assert f.name == "Tên mới"
    response = client.post(
        reverse("forces:weapon_create", args=[pk]),
        {
            "unit": world.unit.pk,
            "item": "Súng AK",
            "quantity_issued": 5,
            "quantity_returned": 5,
            "quantity_lost": 0,
            "quantity_damaged": 0,
            "issued_on": "01/08/2023",
            "returned_on": "05/08/2023",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        reverse("forces:roster_create", args=[pk]),
        {"unit": world.unit.pk, "full_name": "Lò Văn Pành", "reserve_status": "reservist"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    allocation = ForceAllocation.objects.create(exercise=world.exercise, unit=world.secret_unit)
    assert allocation.pk
    delete = reverse("forces:force_delete", args=[f.pk])
    assert client.post(delete, {"version": f.version}).status_code == 302
    assert not Force.objects.exists()
