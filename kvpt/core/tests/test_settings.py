"""Settings the whole product relies on: formats, time zone, shared cache, SQLite durability."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context: object) -> str:
    return Template("{% load l10n humanize %}" + source).render(Context(context))


def test_vietnamese_dates_read_day_month_year() -> None:
    with translation.override("vi"):
        assert render("{{ d|date:'SHORT_DATE_FORMAT' }}", d=dt.date(2023, 8, 31)) == "31/08/2023"


def test_vietnamese_numbers_group_with_dots_and_decimals_with_a_comma() -> None:
    with translation.override("vi"):
        assert render("{{ n }}", n=1234.5) == "1.234,5"
        assert render("{{ n }}", n=1234567) == "1.234.567"


def test_the_time_zone_is_vietnam() -> None:
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"


@pytest.mark.django_db
def test_the_cache_lives_in_the_database_shared_by_every_process() -> None:
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.set("kvpt-test", "Đường cơ động", 30)
    assert cache.get("kvpt-test") == "Đường cơ động"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_sqlite_keeps_acknowledged_writes_durable() -> None:
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_the_user_switches() -> None:
    from django.test import Client

    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    page = client.get("/accounts/login/")
    assert page.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()


def test_a_period_reads_as_people_write_it() -> None:
    template = "{% load kvpt %}{% validity a b 'không giới hạn' %}"
    day1, day2 = dt.date(2025, 7, 1), dt.date(2026, 6, 30)
    with translation.override("vi"):
        assert (
            Template(template).render(Context({"a": day1, "b": day2})) == "01/07/2025 – 30/06/2026"
        )
        assert Template(template).render(Context({"a": day1, "b": None})) == "từ 01/07/2025"
        assert Template(template).render(Context({"a": None, "b": day2})) == "đến 30/06/2026"
        assert Template(template).render(Context({"a": None, "b": None})) == "không giới hạn"


@pytest.mark.django_db
def test_a_request_in_english_leaves_the_thread_in_vietnamese() -> None:
    from django.test import Client

    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    client.get("/accounts/login/")
    assert translation.get_language() == "vi"


def _settings_in_a_server_process(**env: str) -> dict[str, object]:
    """config.settings as a server process reads them (no pytest imported, no KVPT_TESTING)."""
    import json
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k not in {"KVPT_TESTING", "DB_CONN_MAX_AGE"}}
    code = (
        "import json, config.settings as s; d = s.DATABASES['default']; "
        "print(json.dumps({'age': d['CONN_MAX_AGE'], 'checks': d.get('CONN_HEALTH_CHECKS')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


def test_a_server_keeps_its_database_connection_and_checks_it_before_use() -> None:
    kept = _settings_in_a_server_process(DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert kept == {"age": 600, "checks": True}
    assert _settings_in_a_server_process(DB_CONN_MAX_AGE="0")["age"] == 0


def test_the_server_warm_up_reads_no_database() -> None:
    """No django_db mark: pytest-django makes any database access here an error."""
    from django.urls import get_resolver

    from config.warmup import warm_up

    warm_up()
    assert get_resolver().reverse_dict  # the reverse index the templates use is built


def test_gunicorns_master_freezes_what_it_built_before_forking_a_worker() -> None:
    """config/gunicorn.py pre_fork: the preloaded app goes to the permanent generation (the
    load test's peak PSS fell from 423 to 277 MB: the workers stop writing to shared pages)."""
    import gc
    import runpy

    hooks = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.py"))
    try:
        hooks["pre_fork"](None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
