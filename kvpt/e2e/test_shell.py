"""The UI shell in a real browser: Vietnamese login, home, navigation, language, small screens.

Issue 2 "Checked by": a browser test logs in as a demo user, sees the home page, and fails when any
request leaves 127.0.0.1 (the `outside_requests` fixture aborts and records those).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Response, expect

from kvpt.demo.load import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

LOGIN = "/accounts/login/"
TOPBAR_RED = "rgb(139, 26, 26)"  # --red in app.css: proof that the stylesheet applied


def log_in(page: Page, base: str, username: str, password: str) -> Response | None:
    page.goto(base + LOGIN)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Đăng nhập").click()
    return navigation.value


def test_the_login_page_is_in_vietnamese(
    guarded_page: Page,
    live_server: object,
    outside_requests: list[str],
    snapshot: Callable[[Page, str], None],
) -> None:
    page = guarded_page
    response = page.goto(f"{live_server}{LOGIN}")

    assert response is not None
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    snapshot(page, "kvpt-login")
    assert outside_requests == []


def test_a_demo_user_logs_in_and_walks_every_navigation_link(
    guarded_page: Page,
    live_server: object,
    outside_requests: list[str],
    snapshot: Callable[[Page, str], None],
) -> None:
    page = guarded_page
    base = str(live_server)
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.__setitem__(r.url, r.status))

    landed = log_in(page, base, "quansat", DEMO_PASSWORD)

    assert landed is not None
    assert landed.status == 200
    assert page.url == f"{base}/"
    expect(page.get_by_role("heading", name="Xin chào")).to_contain_text("Đinh Thị Hoa")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav).to_be_visible()
    assert statuses.get(f"{base}/static/kvpt/app.css") == 200
    assert (
        page.locator(".topbar").evaluate("e => getComputedStyle(e).backgroundColor") == TOPBAR_RED
    )
    snapshot(page, "kvpt-home")

    hrefs = nav.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/" in hrefs
    assert len(hrefs) >= 2, hrefs
    for href in hrefs:
        with page.expect_navigation() as navigation:
            nav.locator(f'a[href="{href}"]').click()
        response = navigation.value
        assert response is not None, href
        assert response.status < 400, (href, response.status)
        assert page.url == f"{base}{href}"
        expect(nav.locator('a[aria-current="page"]')).to_have_attribute("href", href)

    assert outside_requests == []


def test_a_wrong_password_is_refused_in_vietnamese(
    guarded_page: Page, live_server: object, outside_requests: list[str]
) -> None:
    page = guarded_page

    log_in(page, str(live_server), "quansat", "khong-dung-" + DEMO_PASSWORD)

    assert page.url.startswith(f"{live_server}{LOGIN}")
    error = page.locator(".form-errors")
    expect(error).to_be_visible()
    expect(error).to_contain_text("mật khẩu")
    expect(error).not_to_contain_text("Please enter")
    expect(page.get_by_role("heading", name="Xin chào")).to_have_count(0)
    assert outside_requests == []


def test_the_language_switch_turns_the_page_english(
    guarded_page: Page, live_server: object, outside_requests: list[str]
) -> None:
    page = guarded_page
    page.goto(f"{live_server}{LOGIN}")
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    with page.expect_navigation():
        page.locator("#lang-select").select_option("en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.startswith(f"{live_server}{LOGIN}")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # kept in the cookie
    assert outside_requests == []


def test_on_a_phone_sized_screen_the_menu_button_opens_the_navigation(
    guarded_page: Page,
    live_server: object,
    outside_requests: list[str],
    snapshot: Callable[[Page, str], None],
) -> None:
    page = guarded_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, str(live_server), "bcd.truongban", DEMO_PASSWORD)

    toggle = page.locator(".nav-toggle")
    nav = page.locator("#main-nav")
    expect(toggle).to_be_visible()
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    snapshot(page, "kvpt-phone-home")

    toggle.click()

    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.locator("a").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "page scrolls sideways"
    snapshot(page, "kvpt-phone-nav")
    assert outside_requests == []


def test_the_guard_aborts_and_records_a_request_to_another_host(
    guarded_page: Page, live_server: object, outside_requests: list[str]
) -> None:
    """The check above must be able to fail: a page asking for a CDN is caught and blocked."""
    page = guarded_page
    page.goto(f"{live_server}{LOGIN}")
    outside = "http://cdn.example.com/htmx.min.js"

    with page.expect_event("requestfailed") as failed:
        page.evaluate(
            "url => { const s = document.createElement('script'); s.src = url; "
            "document.head.appendChild(s); }",
            outside,
        )
    fetched = page.evaluate(
        "() => fetch('http://203.0.113.7/beacon').then(() => 'sent', () => 'blocked')"
    )

    assert failed.value.url == outside
    assert fetched == "blocked"
    assert outside_requests == [outside, "http://203.0.113.7/beacon"]
    outside_requests.clear()  # recorded on purpose: the fixture's own final check must pass
