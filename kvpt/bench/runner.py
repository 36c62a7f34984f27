"""`kvpt bench run` (`make bench`): server time, SQL time and query count of each page and endpoint.

Without --database-url it makes a throwaway database per engine (a SQLite file under var/bench/,
bench_<pid> on the PostgreSQL at 127.0.0.1), runs itself inside each (a new process: settings are
read once per process), and drops it afterwards. Inside one database it migrates, seeds, then
measures each endpoint of kvpt.bench.endpoints with Django's test Client in-process, as a superuser
and as a scoped org admin: `warmup` requests, then `requests` timed ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TARGET_P95_MS = 100.0
TARGET_SEARCH_P95_MS = 200.0
# Queries that depend on what the rows hold, not on how many there are (a classified row's read
# log, a second page's count): a per-row query on 1,000 tasks shows as dozens more.
QUERY_SLACK = 2


# --- timing --------------------------------------------------------------------------------------


class SqlTimer:
    """connection.execute_wrapper: the time spent in the database driver, and the query count."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


@dataclass
class Sample:
    ms: float
    sql_ms: float
    queries: int
    status: int


def timed_get(client: Any, url: str) -> Sample:
    from django.db import connection

    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        else:
            response.content  # noqa: B018 - rendered already; kept for symmetry with streaming
        elapsed = time.perf_counter() - started
    return Sample(elapsed * 1000, timer.seconds * 1000, timer.queries, response.status_code)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.4999)))
    return ordered[rank - 1]


@dataclass
class Measurement:
    endpoint: str
    kind: str
    user: str
    url: str
    status: int
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    sql_p50_ms: float = 0.0
    sql_share: float = 0.0  # SQL time / server time, over all samples
    queries: int = 0
    queries_small: int | None = None  # the same URL on the small twin exercise
    samples: int = 0
    verdict: str = ""
    notes: list[str] = field(default_factory=list)

    def judge(self, target_ms: float) -> None:
        if self.status >= 500:
            self.verdict = "ERROR"
            return
        if self.status != 200:
            self.verdict = f"n/a {self.status}"
            return
        problems = []
        if self.p95_ms > target_ms:
            problems.append("SLOW")
        if self.queries_small is not None and self.queries > self.queries_small + QUERY_SLACK:
            problems.append("GROWS")
        self.verdict = "+".join(problems) or "ok"


def small_queries(client: Any, small_url: str) -> int | None:
    """The reference query count: the same request on the small twin exercise.

    A search (`?q=word`) on the small twin often finds nothing, and an empty page skips the
    per-page queries (prefetches, a count): comparing that with the large exercise's full page
    flagged growth that was only the word's hit count. So for a search the reference is the
    larger of the small twin's count with the word and without it (a full page at small size):
    the check compares two data sizes, never two hit counts.
    """
    counts = []
    for url in dict.fromkeys([small_url, small_url.split("?", 1)[0]]):
        timed_get(client, url)  # warm-up
        sample = timed_get(client, url)
        if sample.status == 200:
            counts.append(sample.queries)
    return max(counts) if counts else None


def measure(client: Any, url: str, *, requests: int, warmup: int) -> list[Sample]:
    for _ in range(warmup):
        timed_get(client, url)
    return [timed_get(client, url) for _ in range(requests)]


# --- extension points: measurements of features not built yet ------------------------------------


@dataclass(frozen=True)
class Extra:
    name: str
    target: str
    app: str  # the app that brings the feature
    function: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def roster_import_10000(manifest: dict[str, Any]) -> dict[str, Any]:
    """The real import (kvpt.forces.roster_sheets) of a generated 10,000-row workbook."""
    import io
    import random

    from openpyxl import Workbook

    from kvpt.accounts.models import User
    from kvpt.bench.seed import BENCH_ADMIN
    from kvpt.bench.vocabulary import TextMaker
    from kvpt.exercises.models import Exercise
    from kvpt.forces.roster_sheets import roster_import
    from kvpt.organisations.models import Unit

    rows = 10_000
    exercise = Exercise.objects.select_related("area").get(pk=manifest["small_exercise"]["id"])
    units = list(
        Unit.objects.filter(agency__area__path__startswith=exercise.area.path).values_list(
            "code", flat=True
        )
    )
    text = TextMaker(random.Random(7))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["Mã đơn vị", "Mã cán bộ", "Họ và tên", "Cấp bậc", "Diện", "Ngày sinh", "Có mặt"])
    for n in range(rows):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=n)  # distinct: name + birth date is a key
        sheet.append(
            [
                units[n % len(units)],
                f"NK-{n:06d}",
                text.person_name(),
                "Binh nhì",
                "Dân quân",
                born.strftime("%d/%m/%Y"),
                "x",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    actor = User.objects.get(username=BENCH_ADMIN)
    from django.db import transaction

    # Rolled back afterwards, so a database measured again (`run --reuse`) can import the same
    # rows again; the commit itself (one transaction) is not in the figure.
    with transaction.atomic():
        started = time.perf_counter()
        result = roster_import(
            exercise=exercise, data=buffer.getvalue(), dry_run=False, actor=actor
        )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    applied = bool(getattr(result, "applied", False))
    errors = getattr(result, "errors", None)
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else 0,
        "applied": applied,
        "errors": str(errors)[:300] if errors and not applied else "",
        "detail": f"{rows:,} rows in {seconds:.2f} s = {rows / max(seconds, 1e-9):,.0f} rows/s",
        "verdict": "ok" if applied and seconds <= 5 else ("FAIL" if applied else "ERROR"),
    }


def summary_docx(manifest: dict[str, Any]) -> dict[str, Any]:
    """kvpt.reports.bench.time_summary on the large exercise: the first build and two more."""
    from kvpt.reports.bench import time_summary

    code = manifest["exercise"]["code"]
    runs = [time_summary(code, fmt="docx") for _ in range(3)]
    worst = max(runs)
    return {
        "exercise": code,
        "seconds": round(statistics.median(runs), 2),
        "first_seconds": round(runs[0], 2),
        "runs": [round(r, 3) for r in runs],
        "detail": f"median of 3: {statistics.median(runs):.2f} s, worst {worst:.2f} s",
        "verdict": "ok" if worst <= 3 else "FAIL",
    }


EXTRAS: list[Extra] = [
    Extra("roster import, 10,000 rows (rows/s)", "<= 5 s", "forces", roster_import_10000),
    Extra("summary report DOCX for the large exercise", "<= 3 s", "reports", summary_docx),
    Extra(
        "lessons search over the national set",
        "p95 <= 200 ms, both databases",
        "review",
        None,  # kvpt.bench.lessons (the lessons search's own bench) when it exists, see below
    ),
]


def _lessons_function() -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """The lessons search's own bench (kvpt.bench.lessons, issue 5), over the national set only."""
    import importlib.util

    if importlib.util.find_spec("kvpt.bench.lessons") is None:
        return None
    module = importlib.import_module("kvpt.bench.lessons")
    function = getattr(module, "measure", None)
    if not callable(function):
        return None

    def lessons(manifest: dict[str, Any]) -> dict[str, Any]:
        if manifest.get("scale") != "national":
            return {
                "status": "separate",
                "detail": "over the national set: `kvpt bench lessons` on a national seed "
                "(bench/results/*lessons*.json)",
            }
        report = function(manifest=manifest)
        return {"report": report}

    return lessons


def _wants_extras(only: str | None) -> bool:
    return not only or bool(re.search(only, "extras"))


def run_extras(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    from django.apps import apps

    results = []
    for extra in EXTRAS:
        if extra.function is None and extra.app == "review":
            extra = Extra(extra.name, extra.target, extra.app, _lessons_function())
        if not apps.is_installed(f"kvpt.{extra.app}"):
            status: dict[str, Any] = {
                "status": "not built yet",
                "detail": f"no kvpt.{extra.app} app",
            }
        elif extra.function is None:
            status = {
                "status": "not built yet",
                "detail": f"kvpt.{extra.app} exists; add its function to runner.EXTRAS",
            }
        else:
            try:
                figures = extra.function(manifest)
                status = {"status": figures.pop("status", "measured"), **figures}
            except Exception as exc:  # a feature in progress must not cost the other figures
                status = {"status": "failed", "detail": f"{type(exc).__name__}: {exc}"[:300]}
        results.append({"name": extra.name, "target": extra.target, **status})
    return results


# --- one database --------------------------------------------------------------------------------


def _users() -> dict[str, Any]:
    from kvpt.accounts.models import User
    from kvpt.bench.seed import BENCH_ADMIN, BENCH_ORG_ADMIN

    return {
        "superuser": User.objects.get(username=BENCH_ADMIN),
        "org_admin": User.objects.get(username=BENCH_ORG_ADMIN),
    }


def measure_database(args: argparse.Namespace, manifest: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from kvpt.bench import endpoints as ep
    from kvpt.bench.databases import uptime
    from kvpt.bench.seed import BENCH_TARGET
    from kvpt.exercises.models import Exercise

    load_before = uptime()
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("django.security").setLevel(logging.ERROR)
    exercise = Exercise.objects.select_related("area").get(pk=manifest["exercise"]["id"])
    small = Exercise.objects.select_related("area").get(pk=manifest["small_exercise"]["id"])
    from kvpt.accounts.models import User

    target = User.objects.get(username=BENCH_TARGET)
    subjects = ep.Subjects(exercise=exercise, user=target, area=exercise.area)
    small_subjects = ep.Subjects(exercise=small, user=target, area=small.area)

    pages, skipped = ep.page_endpoints()
    apis, _, _ = ep.api_endpoints()
    tiers = manifest.get("vocabulary", {})
    todo: list[ep.Endpoint] = []
    for endpoint in [*pages, *apis]:
        todo.append(endpoint)
        if endpoint.query.get("__has_q") or re.search(r"(search|lesson)", endpoint.template):
            todo.extend(ep.search_variants(endpoint, tiers))
    if args.only:
        todo = [e for e in todo if re.search(args.only, e.name)]
    keys = ep.key_pages(pages)

    clients = {}
    for role, user in _users().items():
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        client.force_login(user)
        clients[role] = client

    results: list[Measurement] = []
    # No compressed-manifest lookups: collectstatic never ran on this throwaway database's behalf,
    # and the manifest lookup is a dictionary read that does not change the figures.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": static,
    }
    # Issue 7: lessons search over the national set has its own target; every other page 100 ms.
    search_scale = manifest["scale"] == "national"
    with override_settings(STORAGES=storages):
        total = len(todo)
        for n, endpoint in enumerate(todo, start=1):
            try:
                url = ep.fill(endpoint, subjects)
            except Exception as exc:  # one odd URL pattern must not cost the other figures
                skipped.append(ep.Skipped(endpoint.name, f"{type(exc).__name__}: {exc}"))
                continue
            small_url = None
            if endpoint.exercise_scoped:
                try:
                    small_url = ep.fill(endpoint, small_subjects)
                except Exception:
                    small_url = None
            lessons = search_scale and keys.get("lessons search") == endpoint.template
            target_ms = TARGET_SEARCH_P95_MS if lessons else TARGET_P95_MS
            for role, client in clients.items():
                samples = measure(client, url, requests=args.requests, warmup=args.warmup)
                ms = [s.ms for s in samples]
                m = Measurement(
                    endpoint=endpoint.name,
                    kind=endpoint.kind,
                    user=role,
                    url=url,
                    status=samples[-1].status,
                    p50_ms=round(statistics.median(ms), 2),
                    p95_ms=round(percentile(ms, 0.95), 2),
                    sql_p50_ms=round(statistics.median(s.sql_ms for s in samples), 2),
                    sql_share=round(sum(s.sql_ms for s in samples) / max(sum(ms), 1e-9), 3),
                    queries=max(s.queries for s in samples),
                    samples=len(samples),
                )
                if small_url:
                    m.queries_small = small_queries(client, small_url)
                m.judge(target_ms)
                results.append(m)
            print(f"  [{n}/{total}] {endpoint.name}", file=sys.stderr, flush=True)

    key_results: dict[str, dict[str, Any]] = {}
    for title, name in keys.items():
        if name is None:
            key_results[title] = {"status": "missing", "detail": "no such page yet"}
            continue
        rows = [m for m in results if m.endpoint == f"page {name}"]
        key_results[title] = {
            "status": "measured",
            "page": name,
            "p95_ms": {m.user: m.p95_ms for m in rows},
            "queries": {m.user: m.queries for m in rows},
            "verdict": {m.user: m.verdict for m in rows},
        }
    return {
        "date": dt.date.today().isoformat(),
        "database": "postgres" if connection.vendor == "postgresql" else connection.vendor,
        "database_version": _database_version(),
        "scale": manifest["scale"],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": list(os.getloadavg()),
            # The machine is shared: `uptime` when the measuring began and when it ended.
            "uptime_start": load_before,
            "uptime_end": uptime(),
            "nice": os.nice(0),
        },
        "method": {
            "client": "django.test.Client in-process (no network, no gunicorn)",
            "users": ["superuser", "org_admin (scoped to the bench exercise's commune)"],
            "warmup": args.warmup,
            "requests": args.requests,
            "only": args.only,
            "target_p95_ms": TARGET_P95_MS,
            "flat_queries": (
                f"the same URL on the small twin exercise (10 tasks instead of 1,000 ...): at "
                f"most {QUERY_SLACK} queries fewer; for a search, the small twin's count with "
                "and without the word, whichever is larger (an empty page skips per-page queries)"
            ),
        },
        "seed": {k: manifest[k] for k in ("rows", "seconds", "rows_per_second", "steps", "seed")},
        "vocabulary": tiers,
        "exercise": manifest["exercise"],
        "key_pages": key_results,
        # --only narrows the run to some pages: the extras (a roster import, three DOCX builds:
        # minutes) run with it only when its pattern names them ("extras").
        "extras": run_extras(manifest) if _wants_extras(args.only) else [],
        "endpoints": [m.__dict__ for m in results],
        "skipped": [s.__dict__ for s in skipped],
        "summary": summarise(results),
    }


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return str(cursor.fetchone()[0])


def summarise(results: list[Measurement]) -> dict[str, Any]:
    measured = [m for m in results if m.status == 200]
    return {
        "measured": len(results),
        "ok": sum(m.verdict == "ok" for m in results),
        "slow": sorted({m.endpoint for m in measured if "SLOW" in m.verdict}),
        "growing_queries": sorted({m.endpoint for m in measured if "GROWS" in m.verdict}),
        "errors": sorted({m.endpoint for m in results if m.verdict == "ERROR"}),
        "not_200": sorted(
            {
                f"{m.endpoint} ({m.user}: {m.status})"
                for m in results
                if m.status not in (200,) and m.status < 500
            }
        ),
        "worst_p95_ms": max((m.p95_ms for m in measured), default=0.0),
    }


# --- output --------------------------------------------------------------------------------------


def format_table(report: dict[str, Any]) -> str:
    head = (
        f"{'endpoint':<78} {'user':<9} {'st':>3} {'p50':>7} {'p95':>7} {'sql50':>6} {'sql%':>5} "
        f"{'q':>4} {'q-sm':>4}  verdict"
    )
    lines = [
        f"kvpt bench - {report['database']} {report['database_version']}, scale {report['scale']}, "
        f"{report['date']}, {report['method']['requests']} requests after "
        f"{report['method']['warmup']} warm-up",
        head,
        "-" * len(head),
    ]
    for m in report["endpoints"]:
        small = "" if m["queries_small"] is None else str(m["queries_small"])
        name = m["endpoint"] if len(m["endpoint"]) <= 78 else m["endpoint"][:75] + "..."
        lines.append(
            f"{name:<78} {m['user'][:9]:<9} {m['status']:>3} {m['p50_ms']:>7.1f} "
            f"{m['p95_ms']:>7.1f} {m['sql_p50_ms']:>6.1f} {m['sql_share'] * 100:>4.0f}% "
            f"{m['queries']:>4} {small:>4}  {m['verdict']}"
        )
    lines.append("")
    lines.append("Key pages (issue 7):")
    for title, key in report["key_pages"].items():
        if key["status"] == "missing":
            lines.append(f"  {title:<20} MISSING (no such page yet)")
        else:
            lines.append(
                f"  {title:<20} {key['page']}: p95 {key['p95_ms']} verdict {key['verdict']}"
            )
    lines.append("Extension points:")
    for extra in report["extras"]:
        lines.append(
            f"  {extra['name']:<45} {extra['status']} ({extra.get('detail', '')}); "
            f"target {extra['target']}"
        )
    s = report["summary"]
    lines.append(
        f"Summary: {s['measured']} measurements, {s['ok']} ok, {len(s['slow'])} slow endpoints, "
        f"{len(s['growing_queries'])} with growing query counts, {len(s['errors'])} with 5xx; "
        f"worst p95 {s['worst_p95_ms']} ms; {len(report['skipped'])} skipped (unfillable)."
    )
    for title in ("slow", "growing_queries", "errors"):
        for name in s[title]:
            lines.append(f"  {title}: {name}")
    for skip in report["skipped"]:
        lines.append(f"  skipped: {skip['name']}: {skip['reason']}")
    machine = report["machine"]
    lines.append(
        f"Load: start {machine['uptime_start']['load_average']}, "
        f"end {machine['uptime_end']['load_average']} (nice {machine['nice']})"
    )
    seed = report["seed"]
    lines.append(
        f"Seed: {seed['rows']:,} rows in {seed['seconds']} s = {seed['rows_per_second']:,} rows/s"
    )
    return "\n".join(lines)


def result_path(database: str, scale: str, suffix: str = "") -> Any:
    from kvpt.bench.databases import results_dir

    name = f"{dt.date.today().isoformat()}-{suffix}{database}"
    if scale != "large":
        name += f"-{scale}"
    return results_dir() / f"{name}.json"


def run_in_database(args: argparse.Namespace) -> int:
    from kvpt.cli.bench import prepare_database, seed_database, seeded_manifest

    prepare_database(args.database_url)
    # --reuse: a database seeded once (minutes at large scale) is measured again after each change.
    manifest = seeded_manifest() if getattr(args, "reuse", False) else seed_database(args)
    print("==> Đo (measuring) ...", flush=True)
    report = measure_database(args, manifest)
    print(format_table(report))
    if not args.no_save:
        path = result_path(report["database"], report["scale"])
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        print(f"==> {path}")
    return 1 if report["summary"]["errors"] else 0


def main(args: argparse.Namespace) -> int:
    if args.database_url:
        return run_in_database(args)
    from kvpt.bench.databases import postgres_available, run_child, throwaway_database

    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    child_args = [
        "bench",
        "run",
        "--scale",
        args.scale,
        "--seed",
        str(args.seed),
        "--requests",
        str(args.requests),
        "--warmup",
        str(args.warmup),
    ]
    if args.only:
        child_args += ["--only", args.only]
    if args.no_save:
        child_args.append("--no-save")
    codes = {}
    for kind in kinds:
        if kind == "postgres":
            problem = postgres_available(args.postgres_url)
            if problem:
                print(f"==> PostgreSQL bỏ qua (skipped): {problem}")
                codes[kind] = 0 if args.db == "both" else 1
                continue
        print(f"==> {kind}: cơ sở dữ liệu tạm (throwaway database)", flush=True)
        with throwaway_database(kind, tag="bench", admin_url=args.postgres_url) as url:
            codes[kind] = run_child([*child_args, "--database-url", url], url)
    print("==> " + ", ".join(f"{k}: {'ok' if c == 0 else f'exit {c}'}" for k, c in codes.items()))
    return max(codes.values(), default=0)
