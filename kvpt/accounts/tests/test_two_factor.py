"""TOTP enrolment and verification, and enforcement only where an area turns it on."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kvpt.accounts import services
from kvpt.accounts.models import ApiToken, Role
from kvpt.accounts.selectors import two_factor_required
from kvpt.core.testing.factories import grant
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:0{device.digits}d}"


def require_on(area: Any, on: bool = True) -> None:
    area.require_two_factor = on
    area.save()


def enrol(client: Client, user: Any) -> tuple[TOTPDevice, list[str]]:
    """Walk the enrolment page like a user; returns the confirmed device and the backup codes."""
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor"), {"code": code_for(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = [t.token for t in StaticToken.objects.filter(device__user=user)]
    return device, codes


def test_enrolment_shows_a_local_qr_code_and_the_secret(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    body = client.get(reverse("accounts:two_factor")).content.decode()
    device = TOTPDevice.objects.get(user=world.alice, confirmed=False)
    assert "<svg" in body
    assert "<img" not in body.split('data-testid="qr"')[1][:200]
    from base64 import b32encode

    assert b32encode(device.bin_key).decode() in body
    assert "http://" not in body.split('data-testid="qr"')[1].split("</div>")[0].replace(
        "http://www.w3.org", ""
    )
    # The same pending device on reload, so a half-scanned QR code stays valid.
    client.get(reverse("accounts:two_factor"))
    assert TOTPDevice.objects.filter(user=world.alice).count() == 1


def test_a_wrong_code_does_not_confirm_the_device(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.alice)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=world.alice)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor"), {"code": wrong})
    assert "Mã không đúng" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_enrolment_confirms_the_device_gives_backup_codes_and_verifies_the_session(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    require_on(world.district)
    client = client_for(world.alice)
    _device, codes = enrol(client, world.alice)
    assert len(codes) == services.BACKUP_CODE_COUNT
    # The session is verified: the enforced pages open.
    assert client.get(reverse("core:home")).status_code == 200


def test_login_then_verify_with_a_code_from_the_app(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.alice, name="app", confirmed=True)
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    # Even with no area requiring it, a device owner is asked for the code before going on.
    assert client.get(reverse("core:home")).status_code == 302
    page = client.get(response["Location"])
    assert "Nhập mã xác thực" in page.content.decode()
    response = client.post(
        response["Location"], {"code": code_for(device), "next": reverse("accounts:profile")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert client.get(reverse("core:home")).status_code == 200


def test_a_wrong_code_keeps_the_session_unverified(world: World) -> None:
    require_on(world.district)
    device = TOTPDevice.objects.create(user=world.alice, name="app", confirmed=True)
    client = Client()
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "Mã không đúng" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_a_backup_code_verifies_once(world: World, client_for: Callable[[Any], Client]) -> None:
    require_on(world.district)
    first = client_for(world.alice)
    _device, codes = enrol(first, world.alice)
    second = client_for(world.alice)
    assert second.get(reverse("core:home")).status_code == 302
    second.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert second.get(reverse("core:home")).status_code == 200
    third = client_for(world.alice)
    third.post(reverse("accounts:two_factor_verify"), {"code": codes[0]})
    assert third.get(reverse("core:home")).status_code == 302


def test_an_unverified_session_cannot_replace_an_existing_device(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    """Otherwise the enrolment page would be a way around the verify page."""
    require_on(world.district)
    TOTPDevice.objects.create(user=world.alice, name="app", confirmed=True)
    client = client_for(world.alice)
    body = client.get(reverse("accounts:two_factor") + "?renew=1").content.decode()
    assert 'data-testid="qr"' not in body
    assert TOTPDevice.objects.filter(user=world.alice, confirmed=False).count() == 0
    assert client.post(reverse("accounts:two_factor_backup_codes")).status_code == 403
    assert client.post(reverse("accounts:two_factor_disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=world.alice, confirmed=True).count() == 1


# --- enforcement ---------------------------------------------------------------------------------


def test_with_the_district_flag_on_the_org_admin_is_sent_to_enrol_until_verified(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    require_on(world.district)
    client = client_for(world.alice)
    response = client.get(reverse("exercises:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    # No device yet: the verify page sends on to enrolment.
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    enrol(client, world.alice)
    assert client.get(reverse("exercises:list")).status_code == 200


def test_the_observer_is_not_asked_for_a_second_factor(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    require_on(world.district)
    assert client_for(world.bob).get(reverse("core:home")).status_code == 200
    assert not two_factor_required(world.bob)


def test_with_the_flag_off_nobody_is_asked(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    for user in (world.alice, world.bob, world.charlie, world.dave, world.erin):
        assert client_for(user).get(reverse("core:home")).status_code == 200


def test_the_flag_on_an_ancestor_covers_the_subtree_and_not_siblings(world: World) -> None:
    require_on(world.province)
    assert two_factor_required(world.alice)
    assert two_factor_required(world.charlie)
    require_on(world.province, on=False)
    require_on(world.sibling)
    assert not two_factor_required(world.alice)
    assert two_factor_required(world.charlie)


def test_an_exercise_grant_counts_through_the_exercise_area(world: World) -> None:
    require_on(world.district)
    assert not two_factor_required(world.erin)  # staff planner: not a 2FA role
    grant(world.erin, Role.STEERING_LEADER, exercise=world.exercise)
    assert two_factor_required(world.erin)


def test_a_flag_below_the_grant_does_not_apply(world: World) -> None:
    require_on(world.commune)
    assert not two_factor_required(world.alice)


def test_the_api_refuses_an_unverified_session_with_the_error_shape(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    require_on(world.district)
    response = client_for(world.alice).get("/api/v1/me")
    assert response.status_code == 403
    assert response.json() == {
        "detail": response.json()["detail"],
        "code": "two_factor_required",
        "errors": [],
    }
    # A bogus bearer header does not get an unverified session past the check.
    client = client_for(world.alice)
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer kvpt_bogus"})
    assert response.status_code == 403


def test_a_token_cannot_mint_tokens_where_two_factor_is_required(
    world: World, api_client_for: Callable[[Any], Client]
) -> None:
    require_on(world.district)
    # A token made from a verified session (one made without OTP would not authenticate at all).
    raw, prefix, digest = ApiToken.generate()
    ApiToken.objects.create(
        user=world.alice, name="otp", key_prefix=prefix, key_hash=digest, created_with_otp=True
    )
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/me").status_code == 200
    response = client.post(
        "/api/v1/tokens", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"
    # Where it is not required, a token may make another.
    bob = api_client_for(world.bob).post(
        "/api/v1/tokens", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert bob.status_code == 201


def test_exempt_paths_stay_reachable(world: World, client_for: Callable[[Any], Client]) -> None:
    require_on(world.district)
    client = client_for(world.alice)
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_the_check_costs_at_most_one_query(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    from kvpt.accounts.middleware import TwoFactorEnforcementMiddleware

    client = client_for(world.bob)
    client.get(reverse("core:home"))  # warm up
    request = client.get(reverse("core:home")).wsgi_request
    middleware = TwoFactorEnforcementMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    request.user.is_authenticated  # noqa: B018 - load the lazy user first
    with CaptureQueriesContext(connection) as ctx:
        assert middleware._must_verify(request) is False
    assert len(ctx.captured_queries) <= 1


def test_a_verified_user_regenerates_backup_codes_and_may_turn_optional_2fa_off(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.bob)
    _device, codes = enrol(client, world.bob)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert 'data-testid="two-factor-on"' in page
    response = client.post(reverse("accounts:two_factor_backup_codes"))
    assert response.status_code == 200
    fresh = {t.token for t in StaticToken.objects.filter(device__user=world.bob)}
    assert fresh.isdisjoint(codes)
    assert len(fresh) == services.BACKUP_CODE_COUNT
    assert client.post(reverse("accounts:two_factor_disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.bob).exists()


def test_required_2fa_cannot_be_turned_off(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    require_on(world.district)
    client = client_for(world.alice)
    enrol(client, world.alice)
    assert client.post(reverse("accounts:two_factor_disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=world.alice, confirmed=True).exists()


def test_an_htmx_request_is_sent_to_the_verify_page_as_a_whole_page(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    require_on(world.district)
    response = client_for(world.alice).get(
        reverse("accounts:membership_list"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:two_factor_verify")
