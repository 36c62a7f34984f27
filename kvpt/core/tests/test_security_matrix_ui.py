"""The permission matrix over EVERY URL pattern of the site, by construction.

The routes come from the URL resolver (kvpt.core.testing.matrix.all_routes), their parameters are
filled with objects of alice's district (Lang Chánh), and each route is asked with GET and POST by:

- an anonymous visitor: sent to the login page (or 405), except the PUBLIC pages below;
- charlie, org admin of the sibling district: 404 on every page about one of alice's objects, and
  none of their names or codes on any page he can open (zero leaks);
- bob, observer of the district (no editing role): never a successful POST outside his own
  SELF_SERVICE pages; 403 on writes to objects he can see;
- bob again, without clearance, on the pages of the classified exercise and unit: 404;
- the controls, alice and dave (province, top secret): no 404 on any filled page, which shows that
  the 404s above mean "hidden" and not "the matrix built a wrong URL".

A new page is covered the moment its URL pattern exists. When its parameters cannot be filled, the
test says how to teach the matrix (a factory, a get_absolute_url, a parameter name).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kvpt.core.testing.matrix import (
    Route,
    RouteFiller,
    all_routes,
    build_objects,
    classified_objects,
    database_fingerprint,
    markers,
)
from kvpt.core.testing.world import World

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in. Keep this list short and explicit.
PUBLIC = {
    "accounts:login",
    "accounts:logout",  # signing out while signed out just lands on the login page
    "core:healthz",
    "set_language",
}

# Pages about the signed-in user themself: every user may open them and submit their forms.
SELF_SERVICE = {
    "core:home",
    "accounts:profile",
    "accounts:password_change",
    "accounts:tokens",
    "accounts:two_factor",
    "accounts:two_factor_verify",
    "accounts:two_factor_backup_codes",
    "accounts:two_factor_disable",
    "review:my_actions",
    "review:notifications",
    "review:notification_read",
    "review:notifications_read_all",
}

_PARAM = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


def url_of(route: Route, kwargs: dict[str, Any]) -> str:
    return "/" + _PARAM.sub(lambda m: str(kwargs[m.group("name")]), route.route)


def ui_routes() -> list[Route]:
    return [route for route in all_routes() if not route.is_api]


@dataclass
class Matrix:
    routes: list[Route]
    urls: dict[Route, str]  # filled with alice's objects
    classified_urls: dict[Route, str]  # routes that change when the objects are classified
    unfillable: list[str]
    markers: set[str]


@pytest.fixture
def matrix(world: World, settings: Any, tmp_path: Any) -> Matrix:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The world's exercise code is also the example in the code field's help text.
    type(world.exercise).objects.filter(pk=world.exercise.pk).update(code="KVPT-MATRIX-388")
    world.exercise.refresh_from_db()
    objects = build_objects(world)
    secret = classified_objects(world, objects)
    filler, secret_filler = RouteFiller(objects), RouteFiller(secret)
    routes = [r for r in ui_routes() if not r.is_admin]
    urls: dict[Route, str] = {}
    classified: dict[Route, str] = {}
    unfillable: list[str] = []
    for route in routes:
        kwargs = filler.fill(route)
        if isinstance(kwargs, str):
            unfillable.append(kwargs)
            continue
        urls[route] = url_of(route, kwargs)
        secret_kwargs = secret_filler.fill(route)
        if isinstance(secret_kwargs, dict) and secret_kwargs != kwargs:
            classified[route] = url_of(route, secret_kwargs)
    return Matrix(routes, urls, classified, unfillable, markers(objects))


# The admin's own login and logout hand over to ours.
ADMIN_PUBLIC = {"admin:login", "admin:logout"}


def _admin_urls() -> list[str]:
    # The admin answers only staff: a placeholder id is enough for everyone else.
    return [
        url_of(r, {name: 1 for name, _ in r.params})
        for r in ui_routes()
        if r.is_admin and r.name not in ADMIN_PUBLIC
    ]


def _is_login_redirect(response: Any) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse("accounts:login")) or location.startswith("/admin/login/")
    )


def _leaks(response: Any, found: set[str]) -> list[str]:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    body = response.content.decode(errors="replace")
    return sorted(marker for marker in found if marker in body)


def _report(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_every_route_can_be_filled(matrix: Matrix) -> None:
    assert len(matrix.urls) > 40, "the URL walk found too few routes"
    assert matrix.classified_urls, "no route reaches a classified record"
    _report(matrix.unfillable)


def test_anonymous_is_sent_to_login_everywhere_but_the_public_pages(matrix: Matrix) -> None:
    client = Client()
    problems = []
    names = {route.name for route in matrix.routes}
    assert names >= PUBLIC, f"public pages that no longer exist: {PUBLIC - names}"
    for route, url in matrix.urls.items():
        if route.name in PUBLIC:
            response = client.get(url)
            if _is_login_redirect(response) or response.status_code >= 500:
                problems.append(f"public {route.name} {url}: {response.status_code}")
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if not (_is_login_redirect(response) or response.status_code == 405):
                problems.append(
                    f"{method.upper()} {url} ({route.name}) answers {response.status_code} to an "
                    "anonymous visitor; require login (or add it to PUBLIC if it must be public)"
                )
    for url in _admin_urls():
        response = client.get(url)
        if not _is_login_redirect(response):
            problems.append(f"admin {url} answers {response.status_code} to an anonymous visitor")
    _report(problems)


@pytest.mark.parametrize("who", ["charlie", "bob", "alice"])
def test_the_admin_site_is_closed_to_every_non_staff_user(
    who: str, world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(getattr(world, who))
    problems = [
        f"admin {url}: {response.status_code}"
        for url in _admin_urls()
        if not _is_login_redirect(response := client.get(url)) and response.status_code != 404
    ]
    _report(problems)


def test_the_outsider_gets_404_on_every_page_of_alices_objects_and_sees_none_of_them(
    matrix: Matrix, world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.charlie)
    problems = []
    for route, url in matrix.urls.items():
        get = client.get(url)
        if get.status_code >= 500:
            problems.append(f"GET {url} ({route.name}): {get.status_code}")
        leaked = _leaks(get, matrix.markers)
        if leaked:
            problems.append(f"GET {url} ({route.name}) shows the outsider {leaked}")
        if not route.params or route.name in PUBLIC:
            continue
        if get.status_code not in {404, 405}:
            problems.append(f"GET {url} ({route.name}): {get.status_code}, expected 404")
        post = client.post(url)
        expected = {404} if get.status_code == 405 else {404, 405}
        if post.status_code not in expected:
            problems.append(f"POST {url} ({route.name}): {post.status_code}, expected 404")
    _report(problems)


_SELF_POST_FORM = re.compile(r"<form[^>]*method=\"post\"[^>]*>", re.IGNORECASE)


def _posts_to_itself(response: Any, url: str) -> bool:
    """Whether the page holds a form that submits to this very page (an edit or create form)."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return False
    for tag in _SELF_POST_FORM.findall(response.content.decode(errors="replace")):
        action = re.search(r'action="([^"]*)"', tag)
        if action is None or action.group(1) in {"", url}:
            return True
    return False


def test_a_member_without_the_role_cannot_write_anywhere(
    matrix: Matrix, world: World, client_for: Callable[[Any], Client]
) -> None:
    """bob observes Lang Chánh: he reads what is there and writes nothing but his own settings."""
    client = client_for(world.bob)
    problems = []
    for route, url in matrix.urls.items():
        if route.name in PUBLIC or route.name in SELF_SERVICE:
            continue
        get = client.get(url)
        if get.status_code >= 500:
            problems.append(f"GET {url} ({route.name}): {get.status_code}")
            continue
        if _posts_to_itself(get, url):
            problems.append(
                f"GET {url} ({route.name}) offers bob a form he may not submit: answer 403"
            )
        before = database_fingerprint()
        post = client.post(url)
        status = post.status_code
        if database_fingerprint() != before:
            problems.append(f"POST {url} ({route.name}) by an observer CHANGED THE DATABASE")
        elif status >= 500 or 200 < status < 400 or (status == 200 and get.status_code != 200):
            problems.append(f"POST {url} ({route.name}) by an observer answers {status}")
        elif route.params and get.status_code == 200 and status not in {200, 403, 405}:
            # He can read the object: a write to it is "not your role" (403), nothing else.
            problems.append(f"POST {url} ({route.name}) by an observer: {status}, expected 403")
    _report(problems)


def test_a_user_without_clearance_gets_404_on_every_page_of_a_classified_record(
    matrix: Matrix, world: World, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(world.bob)  # in scope, clearance "Thường"
    problems = []
    for route, url in matrix.classified_urls.items():
        get = client.get(url)
        if get.status_code not in {404, 405}:
            problems.append(f"GET {url} ({route.name}): {get.status_code}, expected 404")
        post = client.post(url)
        expected = {404} if get.status_code == 405 else {404, 405}
        if post.status_code not in expected:
            problems.append(f"POST {url} ({route.name}): {post.status_code}, expected 404")
    _report(problems)


def test_the_controls_open_every_filled_page(
    matrix: Matrix, world: World, client_for: Callable[[Any], Client]
) -> None:
    """The owner opens every page of her objects, the province every classified one: the 404s of
    the other tests come from the scope, not from a URL the matrix built wrong."""
    problems = []
    for who, urls in (("alice", matrix.urls), ("dave", matrix.classified_urls)):
        client = client_for(getattr(world, who))
        for route, url in urls.items():
            if route.name in PUBLIC or not route.params:
                continue
            response = client.get(url)
            # dave only evaluates: 403 on the editing pages is right, 404 would be a wrong URL.
            if response.status_code == 404 or response.status_code >= 500:
                problems.append(f"{who} GET {url} ({route.name}): {response.status_code}")
    _report(problems)
