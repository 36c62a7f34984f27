"""`kvpt bench lessons`: the lessons library's search time on a database already seeded.

    uv run kvpt bench seed --scale national --database-url postgres://postgres@127.0.0.1/mine
    uv run kvpt bench lessons --database-url postgres://postgres@127.0.0.1/mine --scale national

For frequent, medium and rare words (the seed's vocabulary tiers, from its manifest in
var/bench/ when there is one, else the vocabulary's ranks), and for two-word queries, it times
GET /api/v1/lessons?q=... and the page /lessons/?q=... with Django's test Client in-process (server
time, SQL time, query count), as the bench superuser, as the scoped org admin (one commune's
lineage), as the reader of one province (`bench_province`) and of three (`bench_region`; both
added to a bench database seeded before the seed made them), plus the similar-lessons panel of
the bench exercise. Figures go to
bench/results/<date>-lessons-<sqlite|postgres>[-<scale>].json. Target: p95 <= 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

TARGET_P95_MS = 200.0
WORDS_PER_TIER = 3


@dataclass
class Row:
    label: str
    tier: str
    user: str
    url: str
    status: int = 0
    samples: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    sql_p50_ms: float = 0.0
    queries: int = 0
    results: str = ""
    verdict: str = ""
    all_ms: list[float] = field(default_factory=list)


def tier_words(manifest: dict[str, Any] | None) -> dict[str, list[str]]:
    """Words to search, by tier: the seed's (counted while drawing) or the vocabulary's ranks."""
    if manifest and manifest.get("vocabulary"):
        return {
            tier: [entry["word"] for entry in entries[:WORDS_PER_TIER]]
            for tier, entries in manifest["vocabulary"].items()
        }
    from kvpt.bench.vocabulary import standalone_ranks, words

    vocabulary = words()
    ranks = list(standalone_ranks(vocabulary))
    middle = len(ranks) // 8
    return {
        "frequent": [vocabulary[i] for i in ranks[:WORDS_PER_TIER]],
        "medium": [vocabulary[i] for i in ranks[middle : middle + WORDS_PER_TIER]],
        "rare": [vocabulary[i] for i in ranks[-WORDS_PER_TIER:]],
    }


def find_manifest(path: str | None) -> dict[str, Any] | None:
    from django.db import connection

    from kvpt.bench.databases import var_dir

    if path:
        return dict(json.loads(Path(path).read_text()))
    name = os.path.basename(str(connection.settings_dict["NAME"])).replace(".sqlite3", "")
    candidate = var_dir() / f"manifest-{name}.json"
    if candidate.exists():
        return dict(json.loads(candidate.read_text()))
    return None


def _users() -> dict[str, Any]:
    from kvpt.accounts.models import User
    from kvpt.bench.seed import (
        BENCH_ADMIN,
        BENCH_ORG_ADMIN,
        BENCH_PROVINCE,
        BENCH_REGION,
        REGION_PROVINCES,
    )

    users = {"superuser": User.objects.filter(username=BENCH_ADMIN).first()}
    users["org_admin"] = User.objects.filter(username=BENCH_ORG_ADMIN).first()
    if users["superuser"] is not None:
        users["province"] = _area_reader(BENCH_PROVINCE, 1)
        users["region"] = _area_reader(BENCH_REGION, REGION_PROVINCES)
    found = {role: user for role, user in users.items() if user is not None}
    if not found:  # a database seeded otherwise: any superuser
        admin = User.objects.filter(is_superuser=True).order_by("pk").first()
        if admin is None:
            raise SystemExit("no superuser in this database: seed it with `kvpt bench seed`")
        found["superuser"] = admin
    return found


def _area_reader(username: str, provinces: int) -> Any:
    """A reader of the first `provinces` provinces (by id, as the seed takes them), added to a
    bench database seeded before the seed made it."""
    from django.contrib.auth.hashers import make_password

    from kvpt.accounts.models import User
    from kvpt.bench.seed import BENCH_PASSWORD, add_area_reader
    from kvpt.organisations.models import Area

    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    roots = Area.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True)
    return add_area_reader(username, list(roots[:provinces]), make_password(BENCH_PASSWORD))


def _sees_exercise(user: Any, exercise_id: int) -> bool:
    """Whether `user` may open the bench exercise (its similar lessons are theirs to ask for)."""
    from kvpt.exercises.selectors import exercise_list

    return bool(exercise_list(user).filter(pk=exercise_id).exists())


def _result_count(response: Any) -> str:
    try:
        data = response.json()
    except (ValueError, TypeError):
        return ""
    if isinstance(data, dict) and "count" in data:
        return f"{'>' if data.get('count_capped') else ''}{data['count']}"
    if isinstance(data, list):
        return str(len(data))
    return ""


def measure(
    *,
    requests: int = 20,
    warmup: int = 2,
    manifest: dict[str, Any] | None = None,
    only: str | None = None,
) -> dict[str, Any]:
    """Time the searches on the configured database; returns the report (not saved)."""
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)
    load_before = uptime()
    tiers = tier_words(manifest)
    queries: list[tuple[str, str, str]] = []  # (tier, label, q)
    for tier, words in tiers.items():
        for word in words:
            queries.append((tier, word, word))
    if tiers.get("frequent") and tiers.get("medium"):
        queries.append(
            ("two words", "frequent + medium", f"{tiers['frequent'][0]} {tiers['medium'][0]}")
        )
    if tiers.get("frequent") and len(tiers["frequent"]) > 1:
        queries.append(("two words", "frequent + frequent", " ".join(tiers["frequent"][:2])))
    if tiers.get("rare"):
        queries.append(("unaccented", f"{tiers['rare'][0]} (folded)", _folded(tiers["rare"][0])))
    queries.append(("filters only", "area=logistics", ""))

    exercise_id = (manifest or {}).get("exercise", {}) or {}
    # No compressed-manifest lookups (collectstatic never ran for a bench database), as runner.py.
    from django.test.utils import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        rows = _measure_rows(queries, tiers, exercise_id, requests, warmup, only)
    every = [ms for row in rows if row.tier not in {"similar"} for ms in row.all_ms]
    return _report(rows, every, tiers, manifest, load_before, requests, warmup)


def _measure_rows(
    queries: list[tuple[str, str, str]],
    tiers: dict[str, list[str]],
    exercise_id: dict[str, Any],
    requests: int,
    warmup: int,
    only: str | None,
) -> list[Row]:
    import re

    from django.db import connection
    from django.test import Client

    from kvpt.bench.runner import SqlTimer, percentile

    rows: list[Row] = []
    for role, user in _users().items():
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        client.force_login(user)
        targets: list[tuple[str, str, str]] = []
        for tier, label, q in queries:
            params = {"q": q} if q else {"area": "logistics"}
            targets.append((tier, f"api {label}", "/api/v1/lessons?" + urlencode(params)))
            targets.append((tier, f"page {label}", "/lessons/?" + urlencode(params)))
        if exercise_id.get("id") and _sees_exercise(user, exercise_id["id"]):
            base = f"/api/v1/exercises/{exercise_id['id']}/similar-lessons"
            targets.append(("similar", "api similar-lessons (exercise text)", base))
            targets.append(
                (
                    "similar",
                    "api similar-lessons (typed text)",
                    base
                    + "?"
                    + urlencode({"text": " ".join(w for ws in tiers.values() for w in ws[:1])}),
                )
            )
        for tier, label, url in targets:
            if only and not re.search(only, label):
                continue
            row = Row(label=label, tier=tier, user=role, url=url)
            for n in range(warmup + requests):
                timer = SqlTimer()
                with connection.execute_wrapper(timer):
                    started = _now()
                    response = client.get(url)
                    response.content  # noqa: B018 - rendered
                    elapsed = (_now() - started) * 1000
                if n >= warmup:
                    row.all_ms.append(elapsed)
                    row.queries = timer.queries
                    row.samples += 1
                    row.sql_p50_ms += timer.seconds * 1000
                row.status = response.status_code
                if n == 0:
                    row.results = _result_count(response)
            row.p50_ms = round(statistics.median(row.all_ms), 1) if row.all_ms else 0.0
            row.p95_ms = round(percentile(row.all_ms, 0.95), 1)
            row.max_ms = round(max(row.all_ms, default=0.0), 1)
            row.sql_p50_ms = round(row.sql_p50_ms / max(1, row.samples), 1)
            if row.status != 200:
                row.verdict = f"ERROR {row.status}"
            else:
                row.verdict = "ok" if row.p95_ms <= TARGET_P95_MS else "SLOW"
            rows.append(row)
    return rows


def _report(
    rows: list[Row],
    every: list[float],
    tiers: dict[str, list[str]],
    manifest: dict[str, Any] | None,
    load_before: dict[str, Any],
    requests: int,
    warmup: int,
) -> dict[str, Any]:
    from django.db import connection

    from kvpt.bench.runner import percentile
    from kvpt.review.models import Observation

    return {
        "date": dt.date.today().isoformat(),
        "database": "postgres" if connection.vendor == "postgresql" else connection.vendor,
        "scale": (manifest or {}).get("scale", "unknown"),
        "observations": Observation.objects.count(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": list(os.getloadavg()),
            "uptime_start": load_before,
            "uptime_end": uptime(),
            "nice": os.nice(0),
        },
        "method": {
            "client": "django.test.Client in-process (server time; no network, no gunicorn)",
            "warmup": warmup,
            "requests": requests,
            "target_p95_ms": TARGET_P95_MS,
            "words": tiers,
        },
        "summary": {
            "search_p50_ms": round(statistics.median(every), 1) if every else 0.0,
            "search_p95_ms": round(percentile(every, 0.95), 1),
            "slow": [f"{r.user} {r.label}" for r in rows if r.verdict == "SLOW"],
            "errors": [f"{r.user} {r.label}" for r in rows if r.verdict.startswith("ERROR")],
        },
        "rows": [{k: v for k, v in asdict(r).items() if k != "all_ms"} for r in rows],
    }


def uptime() -> dict[str, Any]:
    """The load average now (the machine is shared: figures are read with it)."""
    return {
        "at": dt.datetime.now(dt.UTC).strftime("%H:%M:%S"),
        "load_average": list(os.getloadavg()),
    }


def _now() -> float:
    import time

    return time.perf_counter()


def _folded(word: str) -> str:
    from kvpt.core.text import fold

    return fold(word)


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"{'user':<10} {'query':<44} {'results':>8} {'p50':>7} {'p95':>7} {'sql':>6} {'q':>3}"
        "  verdict"
    ]
    for row in report["rows"]:
        lines.append(
            f"{row['user']:<10} {row['label'][:44]:<44} {row['results']:>8} {row['p50_ms']:>7} "
            f"{row['p95_ms']:>7} {row['sql_p50_ms']:>6} {row['queries']:>3}  {row['verdict']}"
        )
    summary = report["summary"]
    machine = report["machine"]
    lines.append(
        f"{report['database']}, {report['observations']:,} observations (scale {report['scale']}): "
        f"search p50 {summary['search_p50_ms']} ms, p95 {summary['search_p95_ms']} ms "
        f"(target {TARGET_P95_MS:.0f}); load {machine['uptime_start']} -> {machine['uptime_end']}"
    )
    return "\n".join(lines)


def result_path(database: str, scale: str) -> Path:
    from kvpt.bench.databases import results_dir

    name = f"{dt.date.today().isoformat()}-lessons-{database}"
    if scale not in {"large", "unknown"}:
        name += f"-{scale}"
    return results_dir() / f"{name}.json"


def main(args: argparse.Namespace) -> int:
    """Inside a configured, seeded database (kvpt.cli.bench has migrated it)."""
    manifest = find_manifest(getattr(args, "manifest", None))
    if manifest is None and getattr(args, "scale", None):
        manifest = {"scale": args.scale}
    elif manifest is not None and getattr(args, "scale", None) and "scale" not in manifest:
        manifest["scale"] = args.scale
    report = measure(
        requests=args.requests,
        warmup=args.warmup,
        manifest=manifest,
        only=getattr(args, "only", None),
    )
    print(format_report(report))
    if not getattr(args, "no_save", False):
        path = result_path(report["database"], str(report["scale"]))
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        print(f"==> {path}")
    return 1 if report["summary"]["errors"] else 0
