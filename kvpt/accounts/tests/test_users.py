"""User management by organisation admins: list, detail, edit, password, activation, two-factor."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kvpt.accounts import services
from kvpt.accounts.models import ApiToken, Role, User
from kvpt.core.models import Classification
from kvpt.core.testing.factories import PersonFactory, UserFactory, grant
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Dien-tap-KVPT-2025"


def post_json(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def patch_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def rows(body: str) -> int:
    return body.count('data-testid="user-row"')


def province_user(world: World) -> User:
    """An org admin of the province who also observes alice's district."""
    user = UserFactory.create(username="tinh")
    grant(user, Role.ORG_ADMIN, area=world.province)
    grant(user, Role.OBSERVER, area=world.district)
    return user


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_only_users_with_a_role_in_the_admins_scope(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    body = client_for(world.alice).get(reverse("accounts:user_list")).content.decode()
    assert rows(body) == 3
    for name in ("(alice)", "(bob)", "(erin)"):
        assert name in body
    for name in ("(charlie)", "(dave)", "(root)"):
        assert name not in body
    assert reverse("accounts:user_detail", args=[world.bob.pk]) in body


def test_the_list_is_for_admins_only(world: World, client_for: Callable[[Any], Client]) -> None:
    assert client_for(world.bob).get(reverse("accounts:user_list")).status_code == 403
    response = Client().get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_list_filters_by_name_without_accents_role_area_and_state(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    world.bob.last_name, world.bob.first_name = "Nguyễn Văn", "Bình"
    world.bob.save()
    lan = UserFactory.create(username="lan", first_name="Lan", last_name="Đỗ Thị", is_active=False)
    grant(lan, Role.UNIT_COMMANDER, area=world.commune)
    client = client_for(world.alice)
    url = reverse("accounts:user_list")

    def found(**params: Any) -> int:
        return rows(client.get(url, params).content.decode())

    assert found(q="nguyen van binh") == 1
    assert found(q="do thi") == 1  # đ folds to d
    assert found(q="BOB") == 1
    assert found(role="unit_commander") == 1
    assert found(role="observer") == 1
    assert found(area=world.commune.pk) == 1
    assert found(area=world.district.pk) == 4
    assert found(active="0") == 1
    assert found(active="1") == 3
    assert found(q="khong-co-ai") == 0
    # A role held only outside the reader's scope does not match: charlie is an org admin elsewhere.
    assert "(charlie)" not in client.get(url, {"role": "org_admin"}).content.decode()


def test_the_list_costs_the_same_queries_with_more_rows(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    url = reverse("accounts:user_list")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for index in range(8):
        user = UserFactory.create(username=f"u{index}", person=PersonFactory.create())
        grant(user, Role.OBSERVER, area=world.commune)
        grant(user, Role.DIRECTOR, exercise=world.exercise)
    after = count()
    assert after == before
    assert rows(client.get(url).content.decode()) == 11


def test_the_profile_and_the_membership_page_link_admins_to_the_user_list(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    link = f'href="{reverse("accounts:user_list")}"'
    assert link in client_for(world.alice).get(reverse("accounts:profile")).content.decode()
    assert link in client_for(world.alice).get(reverse("accounts:membership_list")).content.decode()
    assert link not in client_for(world.bob).get(reverse("accounts:profile")).content.decode()


# --- detail --------------------------------------------------------------------------------------


def test_the_detail_shows_the_account_to_its_admin(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    world.bob.person = world.person
    world.bob.save()
    services.token_create(user=world.bob, name="a", actor=world.bob)
    revoked, _raw = services.token_create(user=world.bob, name="b", actor=world.bob)
    services.token_revoke(token=revoked, actor=world.bob)
    TOTPDevice.objects.create(user=world.bob, name="app", confirmed=True)
    response = client_for(world.alice).get(reverse("accounts:user_detail", args=[world.bob.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lê Văn Đông" in body
    assert 'data-testid="token-count">1<' in body
    assert 'data-testid="two-factor-status">Đã bật' in body
    assert "Chưa đăng nhập" in body
    assert "Quan sát (chỉ đọc)" in body
    for name in ("user_edit", "user_password", "user_deactivate", "user_two_factor_reset"):
        assert reverse(f"accounts:{name}", args=[world.bob.pk]) in body, name
    assert reverse("accounts:user_history", args=[world.bob.pk]) in body


def test_outsider_404_member_403_anonymous_to_login(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    pages = ["user_detail", "user_edit", "user_password", "user_deactivate", "user_history"]
    pages += ["user_activate", "user_two_factor_reset"]
    for name in pages:
        url = reverse(f"accounts:{name}", args=[world.bob.pk])
        assert client_for(world.charlie).get(url).status_code == 404, name
        assert client_for(world.charlie).post(url).status_code == 404, name
        # bob sees alice's grant (he observes the district) but administers nothing.
        own = reverse(f"accounts:{name}", args=[world.alice.pk])
        assert client_for(world.bob).get(own).status_code == 403, name
        anonymous = Client().get(url)
        assert anonymous.status_code == 302, name
        assert anonymous["Location"].startswith(reverse("accounts:login")), name
    assert User.objects.get(pk=world.bob.pk).is_active


# --- editing -------------------------------------------------------------------------------------


def test_the_admin_edits_a_user_and_history_says_who_changed_what(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    url = reverse("accounts:user_edit", args=[world.bob.pk])
    form = client.get(url).content.decode()
    assert 'name="person"' in form
    assert "Tuyệt mật" not in form.split('name="clearance"')[1].split("</select>")[0]
    response = client.post(
        url,
        {
            "version": world.bob.version,
            "last_name": "Nguyễn Văn",
            "first_name": "Bình",
            "email": "binh@example.vn",
            "person": world.person.pk,
            "clearance": Classification.CONFIDENTIAL,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[world.bob.pk])
    bob = User.objects.get(pk=world.bob.pk)
    assert (bob.first_name, bob.person, bob.clearance) == ("Bình", world.person, 1)
    assert bob.version == world.bob.version + 1
    assert bob.history.latest().history_user == world.alice
    history = client.get(reverse("accounts:user_history", args=[bob.pk])).content.decode()
    assert "Bình" in history
    assert "cán bộ:" in history  # (core's history names many-to-one links only; this is 1-1)
    assert "mức được tiếp cận bí mật" in history


def test_nobody_raises_a_clearance_above_their_own(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    response = client_for(world.alice).post(
        reverse("accounts:user_edit", args=[world.bob.pk]),
        {"version": world.bob.version, "clearance": Classification.SECRET, "is_active": "on"},
    )
    assert response.status_code == 422
    api = patch_json(
        api_client_for(world.alice),
        f"/api/v1/users/{world.bob.pk}",
        {"version": world.bob.version, "clearance": Classification.SECRET},
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["field"] == "clearance"
    assert User.objects.get(pk=world.bob.pk).clearance == Classification.UNCLASSIFIED


def test_a_higher_clearance_already_held_may_stay(world: World) -> None:
    User.objects.filter(pk=world.bob.pk).update(clearance=Classification.TOP_SECRET)
    bob = User.objects.get(pk=world.bob.pk)
    services.user_update(
        user=bob, changes={"first_name": "Bình"}, expected_version=bob.version, actor=world.alice
    )
    bob.refresh_from_db()
    assert (bob.first_name, bob.clearance) == ("Bình", Classification.TOP_SECRET)


def test_only_visible_people_can_be_linked(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    stranger = PersonFactory.create(area=world.sibling)
    client = api_client_for(world.alice)
    url = f"/api/v1/users/{world.bob.pk}"
    hidden = patch_json(client, url, {"version": world.bob.version, "person_id": stranger.pk})
    assert hidden.status_code == 422
    assert hidden.json()["errors"][0]["field"] == "person_id"
    with pytest.raises(Exception, match="phạm vi"):
        services.user_update(
            user=world.bob,
            changes={"person": stranger},
            expected_version=None,
            actor=world.alice,
        )
    ok = patch_json(client, url, {"version": world.bob.version, "person_code": "CB-001"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["person"] == "CB-001"
    taken = patch_json(
        client, f"/api/v1/users/{world.erin.pk}", {"version": 1, "person_id": world.person.pk}
    )
    assert taken.status_code == 422
    assert "tài khoản khác" in taken.json()["errors"][0]["message"]


def test_a_stale_edit_is_refused_in_the_ui_and_the_api(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    opened = world.bob.version
    services.user_update(
        user=world.bob, changes={"first_name": "Ba"}, expected_version=opened, actor=world.alice
    )
    response = client_for(world.alice).post(
        reverse("accounts:user_edit", args=[world.bob.pk]),
        {"version": opened, "first_name": "Bốn", "clearance": 0, "is_active": "on"},
    )
    assert response.status_code == 409
    assert "vừa được người khác sửa" in response.content.decode()
    api = patch_json(
        api_client_for(world.alice),
        f"/api/v1/users/{world.bob.pk}",
        {"version": opened, "first_name": "Bốn"},
    )
    assert api.status_code == 409
    assert api.json()["code"] == "concurrent_edit"
    assert User.objects.get(pk=world.bob.pk).first_name == "Ba"


# --- who may manage whom -------------------------------------------------------------------------


def test_a_district_admin_may_not_manage_a_province_user_who_also_has_a_district_role(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    tinh = province_user(world)
    client = client_for(world.alice)
    detail = client.get(reverse("accounts:user_detail", args=[tinh.pk]))
    assert detail.status_code == 200
    assert 'data-testid="manage-refusal"' in detail.content.decode()
    assert reverse("accounts:user_deactivate", args=[tinh.pk]) not in detail.content.decode()
    for name in ("user_edit", "user_password", "user_deactivate", "user_two_factor_reset"):
        url = reverse(f"accounts:{name}", args=[tinh.pk])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"version": tinh.version}).status_code == 403, name
    api = api_client_for(world.alice)
    assert post_json(api, f"/api/v1/users/{tinh.pk}/deactivate").status_code == 403
    response = patch_json(api, f"/api/v1/users/{tinh.pk}", {"version": 1, "first_name": "X"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    tinh.refresh_from_db()
    assert tinh.is_active
    # The province's own admin and a superuser may.
    boss = UserFactory.create(username="boss")
    grant(boss, Role.ORG_ADMIN, area=world.province)
    services.user_set_active(user=tinh, active=False, actor=boss)
    services.user_set_active(user=tinh, active=True, actor=world.admin)


def test_a_system_admin_over_one_grant_may_manage_the_user(world: World) -> None:
    tinh = province_user(world)
    sysadmin = UserFactory.create(username="sys")
    grant(sysadmin, Role.SYSTEM_ADMIN, area=world.district)
    assert services.can_manage_user(sysadmin, tinh)
    assert not services.can_manage_user(world.alice, tinh)


def test_nobody_manages_themselves_here(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    detail = client.get(reverse("accounts:user_detail", args=[world.alice.pk])).content.decode()
    assert reverse("accounts:profile") in detail
    assert client.get(reverse("accounts:user_edit", args=[world.alice.pk])).status_code == 403
    api = api_client_for(world.alice)
    assert post_json(api, f"/api/v1/users/{world.alice.pk}/deactivate").status_code == 403
    assert User.objects.get(pk=world.alice.pk).is_active


def test_superusers_and_system_admins_are_managed_only_by_their_peers(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    grant(world.admin, Role.OBSERVER, area=world.district)
    sysadmin = UserFactory.create(username="sys")
    grant(sysadmin, Role.SYSTEM_ADMIN, area=world.district)
    client = client_for(world.alice)
    for target in (world.admin, sysadmin):
        assert client.get(reverse("accounts:user_edit", args=[target.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            services.user_set_password(user=target, password=NEW_PASSWORD, actor=world.alice)
    assert services.can_manage_user(world.admin, sysadmin)


# --- password, activation, two-factor ------------------------------------------------------------


def test_a_password_reset_validates_and_logs_the_user_out(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    bobs_session = client_for(world.bob)
    assert bobs_session.get(reverse("core:home")).status_code == 200
    client = client_for(world.alice)
    url = reverse("accounts:user_password", args=[world.bob.pk])
    weak = client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 422
    assert 'data-testid="form-error-summary"' in weak.content.decode()
    mismatch = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 422
    assert User.objects.get(pk=world.bob.pk).check_password("mat-khau-thu-nghiem")
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(world.bob.pk) for s in Session.objects.all()
    )
    assert bobs_session.get(reverse("core:home")).status_code == 302
    record = User.objects.get(pk=world.bob.pk).history.latest()
    assert record.history_user == world.alice
    assert "mật khẩu" in record.history_change_reason
    login = Client().post(reverse("accounts:login"), {"username": "bob", "password": NEW_PASSWORD})
    assert login.status_code == 302
    # The login itself adds no (empty) history record.
    assert User.objects.get(pk=world.bob.pk).history.latest() == record
    # alice's own session is untouched.
    assert client.get(reverse("core:home")).status_code == 200


def test_the_api_resets_a_password_with_the_validators(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    client = api_client_for(world.alice)
    url = f"/api/v1/users/{world.bob.pk}/password"
    weak = post_json(client, url, {"password": "bob"})
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["field"] == "password"
    assert post_json(client, url, {"password": NEW_PASSWORD}).status_code == 204
    assert User.objects.get(pk=world.bob.pk).check_password(NEW_PASSWORD)
    assert (
        post_json(api_client_for(world.charlie), url, {"password": NEW_PASSWORD}).status_code == 404
    )
    assert (
        post_json(
            api_client_for(world.bob),
            f"/api/v1/users/{world.alice.pk}/password",
            {"password": NEW_PASSWORD},
        ).status_code
        == 403
    )
    assert post_json(Client(), url, {"password": NEW_PASSWORD}).status_code == 401


def test_deactivating_revokes_tokens_and_ends_sessions_then_reactivating_restores_login(
    world: World, client_for: Callable[[Any], Client], api_client_for: Callable[[Any], Client]
) -> None:
    token, raw = services.token_create(user=world.bob, name="x", actor=world.bob)
    bearer = Client(headers={"Authorization": f"Bearer {raw}"})
    assert bearer.get("/api/v1/me").status_code == 200
    bobs_session = client_for(world.bob)
    client = client_for(world.alice)
    url = reverse("accounts:user_deactivate", args=[world.bob.pk])
    assert "Vô hiệu hóa" in client.get(url).content.decode()
    response = client.post(url, {"version": world.bob.version})
    assert response.status_code == 302
    bob = User.objects.get(pk=world.bob.pk)
    assert not bob.is_active
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer.get("/api/v1/me").status_code == 401
    assert bobs_session.get(reverse("core:home")).status_code == 302
    assert bob.history.latest().history_user == world.alice
    body = client.get(reverse("accounts:user_detail", args=[bob.pk])).content.decode()
    assert 'data-testid="active">Đã vô hiệu hóa' in body
    assert 'data-testid="token-count">0<' in body
    # The API turns the user back on; the revoked token stays revoked.
    api = post_json(api_client_for(world.alice), f"/api/v1/users/{bob.pk}/activate")
    assert api.status_code == 200
    assert api.json()["is_active"] is True
    assert bearer.get("/api/v1/me").status_code == 401
    login = Client().post(
        reverse("accounts:login"), {"username": "bob", "password": "mat-khau-thu-nghiem"}
    )
    assert login.status_code == 302


def test_a_stale_deactivation_page_is_refused(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    opened = world.bob.version
    services.user_update(
        user=world.bob, changes={"email": "b@example.vn"}, expected_version=None, actor=world.alice
    )
    response = client_for(world.alice).post(
        reverse("accounts:user_deactivate", args=[world.bob.pk]), {"version": opened}
    )
    assert response.status_code == 409
    assert User.objects.get(pk=world.bob.pk).is_active


def test_the_api_deactivates_and_the_user_list_shows_it(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    client = api_client_for(world.alice)
    response = post_json(client, f"/api/v1/users/{world.bob.pk}/deactivate")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    listed = {u["username"]: u for u in client.get("/api/v1/users").json()["items"]}
    assert listed["bob"]["is_active"] is False


def test_resetting_two_factor_removes_the_devices_and_is_recorded(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    TOTPDevice.objects.create(user=world.bob, name="app", confirmed=True)
    services.backup_codes_regenerate(user=world.bob)
    version = User.objects.get(pk=world.bob.pk).version
    client = client_for(world.alice)
    url = reverse("accounts:user_two_factor_reset", args=[world.bob.pk])
    response = client.post(url, {"version": version})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.bob).exists()
    assert not StaticDevice.objects.filter(user=world.bob).exists()
    bob = User.objects.get(pk=world.bob.pk)
    assert bob.version == version  # an open edit form stays valid
    record = bob.history.latest()
    assert record.history_user == world.alice
    assert "xác thực hai lớp" in record.history_change_reason
    history = client.get(reverse("accounts:user_history", args=[bob.pk])).content.decode()
    assert "xác thực hai lớp" in history


# --- the API -------------------------------------------------------------------------------------


def test_the_api_shows_a_user_to_the_admin_only(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    TOTPDevice.objects.create(user=world.bob, name="app", confirmed=True)
    url = f"/api/v1/users/{world.bob.pk}"
    body = api_client_for(world.alice).get(url).json()
    assert body["username"] == "bob"
    assert body["version"] == world.bob.version
    assert body["two_factor_enabled"] is True
    assert body["two_factor_required"] is False
    assert [m["role"] for m in body["memberships"]] == ["observer"]
    assert "password" not in body
    outsider = api_client_for(world.charlie).get(url)
    assert outsider.status_code == 404
    assert outsider.json()["code"] == "not_found"
    member = api_client_for(world.bob).get(f"/api/v1/users/{world.alice.pk}")
    assert member.status_code == 403
    assert member.json()["code"] == "permission_denied"
    anonymous = Client().get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"


def test_the_api_patches_a_user_and_records_the_actor(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    response = patch_json(
        api_client_for(world.alice),
        f"/api/v1/users/{world.bob.pk}",
        {"version": world.bob.version, "first_name": "  Bình ", "email": "binh@example.vn"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["first_name"] == "Bình"  # trimmed
    assert response.json()["version"] == world.bob.version + 1
    bob = User.objects.get(pk=world.bob.pk)
    assert bob.first_name == "Bình"
    assert bob.history.latest().history_user == world.alice
    bad = patch_json(
        api_client_for(world.alice),
        f"/api/v1/users/{world.bob.pk}",
        {"version": bob.version, "email": "not-an-email"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "email"
    missing = patch_json(api_client_for(world.alice), f"/api/v1/users/{world.bob.pk}", {})
    assert missing.status_code == 422


# --- tokens made before two-factor was required --------------------------------------------------


def _require_two_factor(area: Any) -> None:
    area.require_two_factor = True
    area.save()


def test_a_token_made_without_otp_stops_working_once_two_factor_is_required(world: World) -> None:
    """Through the real bearer path: TokenAuth.authenticate refuses `not found.is_active`."""
    _token, raw = services.token_create(user=world.alice, name="cũ", actor=world.alice)
    bearer = Client(headers={"Authorization": f"Bearer {raw}"})
    assert bearer.get("/api/v1/me").status_code == 200
    _require_two_factor(world.district)
    response = bearer.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    # bob (observer) is not asked for two-factor: his old token keeps working.
    _bob_token, bob_raw = services.token_create(user=world.bob, name="x", actor=world.bob)
    assert (
        Client(headers={"Authorization": f"Bearer {bob_raw}"}).get("/api/v1/me").status_code == 200
    )


def test_a_token_made_from_a_verified_session_keeps_working(world: World) -> None:
    from kvpt.accounts.tests.test_two_factor import PASSWORD, code_for

    device = TOTPDevice.objects.create(user=world.alice, name="app", confirmed=True)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    assert (
        client.post(reverse("accounts:tokens"), {"name": "ui", "validity": ""}).status_code == 302
    )
    page = client.get(reverse("accounts:tokens")).content.decode()
    ui_raw = page.split('data-testid="new-token-key">')[1].split("<")[0]
    api = client.post(
        "/api/v1/tokens", json.dumps({"name": "api"}), content_type="application/json"
    )
    assert api.status_code == 201
    assert set(
        ApiToken.objects.filter(user=world.alice).values_list("created_with_otp", flat=True)
    ) == {True}
    _require_two_factor(world.district)
    for raw in (ui_raw, api.json()["key"]):
        assert (
            Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 200
        )


def test_the_token_list_marks_an_outrun_token_inactive(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    services.token_create(user=world.alice, name="cũ", actor=world.alice)
    _require_two_factor(world.district)
    from kvpt.accounts.selectors import active_token_count, token_list

    assert token_list(world.alice).get().is_active is False
    assert active_token_count(world.alice) == 0


# --- the admin site's login ----------------------------------------------------------------------


def test_the_admin_login_is_our_login(world: World) -> None:
    client = Client()
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=%2Fadmin%2Faccounts%2Fuser%2F"
    # Django's own form is gone: posting credentials to it logs nobody in.
    client.post("/admin/login/", {"username": "root", "password": "mat-khau-thu-nghiem"})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    # An outside `next` is dropped.
    outside = Client().get("/admin/login/?next=https://example.com/")
    assert outside["Location"] == reverse("accounts:login") + "?next=%2Fadmin%2F"


def test_an_enrolled_superuser_must_give_the_code_before_the_admin_opens(world: World) -> None:
    from kvpt.accounts.tests.test_two_factor import PASSWORD, code_for

    device = TOTPDevice.objects.create(user=world.admin, name="app", confirmed=True)
    client = Client()
    start = client.get("/admin/")
    assert start.status_code == 302
    login_url = client.get(start["Location"])["Location"]
    assert login_url.startswith(reverse("accounts:login"))
    response = client.post(login_url, {"username": "root", "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:two_factor_verify"))
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_user_without_admin_access_gets_403_not_a_loop(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    assert client_for(world.alice).get("/admin/login/").status_code == 403


def test_a_person_linked_from_above_stays_linked_when_the_admin_edits_other_fields(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    elsewhere = PersonFactory.create(area=world.sibling)
    services.user_update(
        user=world.bob, changes={"person": elsewhere}, expected_version=None, actor=world.admin
    )
    bob = User.objects.get(pk=world.bob.pk)
    client = client_for(world.alice)
    url = reverse("accounts:user_edit", args=[bob.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "version": bob.version,
            "first_name": "Bình",
            "person": elsewhere.pk,
            "clearance": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.first_name, bob.person_id) == ("Bình", elsewhere.pk)
