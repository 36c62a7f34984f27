"""Two-factor enforcement, only where an organisation turns it on (Area.require_two_factor).

A session whose user must use a second factor (see selectors.two_factor_required) and has not
verified one is sent to the verify page (which sends on to enrolment when there is no device yet);
session-authenticated API calls get a 403 in the API's error shape instead.

Token-only API calls (no session cookie) are not checked here: ninja authenticates the bearer token
after this middleware has run, so request.user is still anonymous. They are covered at the source
instead: a token can only be created from a session that passed this middleware (verified where
required), and the API refuses to mint a token with a bearer token for a user who must use two
factors.

Cost: no query for anonymous requests and exempt paths; otherwise at most one (the device lookup
for a verified session, or the requirement check for an unverified one).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

# Set at login for users who own a confirmed device: they are asked for it even where no area
# requires it (what they enrolled for), at no query cost.
OTP_EXPECTED_SESSION_KEY = "kvpt_otp_expected"

API_PREFIX = "/api/"


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("accounts:login"),
        reverse("accounts:logout"),
        reverse("accounts:two_factor"),  # enrolment, verify, backup codes: each view guards itself
        settings.STATIC_URL or "/static/",
        settings.MEDIA_URL or "/media/",
        "/healthz",
        "/i18n/",
        "/favicon.ico",
    )


def is_bearer_request(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def two_factor_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {
                "detail": _(
                    "Phạm vi của bạn bắt buộc xác thực hai lớp: hãy đăng nhập và nhập mã OTP trước "
                    "khi gọi API bằng phiên đăng nhập."
                ),
                "code": "two_factor_required",
                "errors": [],
            },
            status=403,
        )
    verify = reverse("accounts:two_factor_verify")
    if request.method == "GET" and not request.headers.get("HX-Request"):
        verify += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        # htmx would follow a 302 and swap the verify page into a fragment; load it whole instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = verify
        return response
    return HttpResponseRedirect(verify)


class TwoFactorEnforcementMiddleware:
    """Redirect (UI) or refuse (API) unverified sessions of users who must use TOTP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_verify(request):
            return two_factor_response(request)
        return self.get_response(request)

    def _must_verify(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if self._exempt is None:
            self._exempt = _exempt_prefixes()
        if request.path.startswith(self._exempt):
            return False
        # A bearer header does not exempt a request that also carries a session: the token could
        # be bogus and ninja would then fall back to the (unverified) session.
        session = request.session
        if session.get(DEVICE_ID_SESSION_KEY) and user.is_verified():
            return False
        if session.get(OTP_EXPECTED_SESSION_KEY):
            return True
        from kvpt.accounts.selectors import two_factor_required

        return two_factor_required(user)
