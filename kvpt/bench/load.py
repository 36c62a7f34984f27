"""`kvpt bench load` (`make load`): concurrent clients against gunicorn started as `make run` does.

Without --database-url: a throwaway database per engine (as `kvpt bench run`), and this command
again inside it. Inside one database: `kvpt prepare` (migrate, cache table, static files: the steps
of `make run` before it serves), the large seed, then `kvpt serve --host 127.0.0.1 --port <free>`
(gunicorn with config/gunicorn.py and its default workers). Then `clients` asyncio clients (aiohttp,
API tokens) for `duration` seconds: 90 % reads spread over the enumerated API list endpoints
(file downloads left out: `is_download`), 10 %
writes (PATCH a task's progress with the version last read; a 409 is correct behaviour, counted
apart, answered by re-reading). Reported: errors (5xx, transport errors, any other unexpected
status), throughput, p50/p95/p99, and the server's memory (RSS of the gunicorn master and its
workers, sampled).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TARGET_P99_MS = 1000.0


@dataclass
class WritePlan:
    """A PATCH the writers send: which path, which rows, what body (besides `version`)."""

    name: str
    path: str  # OpenAPI path template
    rows: list[dict[str, Any]]  # path parameter values for each target row
    body: Any  # callable(rng) -> dict


def write_plan(schema: dict[str, Any], manifest: dict[str, Any]) -> WritePlan | None:
    """The task progress PATCH when the task API exists, else a person's note (organisations)."""
    from kvpt.organisations.models import Person

    paths = {p: ops for p, ops in schema["paths"].items() if "patch" in ops}
    exercise_id = manifest["exercise"]["id"]
    task_path = next((p for p in paths if re.search(r"/tasks/\{task_id\}$", p)), None)
    if task_path:
        from kvpt.preparation.models import Task

        ids = list(
            Task.objects.filter(exercise_id=exercise_id, status="in_progress", classification=0)
            .order_by("pk")
            .values_list("pk", flat=True)[:300]
        )
        return WritePlan(
            name="PATCH task progress",
            path=task_path,
            rows=[{"exercise_id": exercise_id, "task_id": pk} for pk in ids],
            body=lambda rng: {"progress": rng.randrange(5, 100, 5)},
        )
    person_path = next((p for p in paths if re.search(r"/people/\{person_id\}$", p)), None)
    if person_path:
        ids = list(
            Person.objects.filter(code__startswith="BENCH-")
            .order_by("pk")
            .values_list("pk", flat=True)[:300]
        )
        return WritePlan(
            name="PATCH person note",
            path=person_path,
            rows=[{"person_id": pk} for pk in ids],
            body=lambda rng: {"note": f"Ghi chú thử tải {rng.randint(1, 10**6)}"},
        )
    return None


def expand(template: str, values: dict[str, Any]) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "write": []})
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    conflict_retries_ok: int = 0

    def record(self, kind: str, status: int | str, ms: float) -> None:
        self.latencies[kind].append(ms)
        self.statuses[f"{kind} {status}"] += 1


@dataclass
class Reply:
    """What the clients keep of a response: its status and, for the write path, its JSON."""

    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


async def run_clients(
    base_url: str,
    tokens: list[str],
    reads: list[str],
    plan: WritePlan | None,
    *,
    clients: int,
    duration: float,
    write_share: float,
    seed: int,
) -> tuple[Stats, float]:
    # aiohttp, not httpx: the clients share the server's two cores, and httpx spent about 5.5 ms
    # of CPU a request there (aiohttp about a third of that), CPU the server then lacked.
    import aiohttp

    stats = Stats()
    versions: dict[str, int] = {}
    deadline = time.perf_counter() + duration

    async def call(
        session: aiohttp.ClientSession, kind: str, method: str, url: str, **kwargs: Any
    ) -> Reply | None:
        started = time.perf_counter()
        try:
            async with session.request(method, base_url + url, **kwargs) as response:
                reply = Reply(response.status, await response.read())
        except (TimeoutError, aiohttp.ClientError) as exc:
            stats.record(kind, "transport", (time.perf_counter() - started) * 1000)
            stats.errors.append(f"{method} {url}: {type(exc).__name__}: {exc}")
            return None
        stats.record(kind, reply.status, (time.perf_counter() - started) * 1000)
        if reply.status >= 500 or (reply.status >= 400 and reply.status != 409):
            text = reply.body[:200].decode("utf-8", "replace")
            stats.errors.append(f"{method} {url}: {reply.status} {text}")
        return reply

    async def read_version(session: aiohttp.ClientSession, url: str) -> int | None:
        reply = await call(session, "write", "GET", url)
        if reply is not None and reply.status == 200:
            version = int(reply.json()["version"])
            versions[url] = version
            return version
        return None

    async def write(session: aiohttp.ClientSession, rng: random.Random) -> None:
        assert plan is not None
        url = expand(plan.path, rng.choice(plan.rows))
        version = versions.get(url) or await read_version(session, url)
        if version is None:
            return
        for attempt in range(2):
            reply = await call(
                session, "write", "PATCH", url, json={"version": version, **plan.body(rng)}
            )
            if reply is None:
                return
            if reply.status == 200:
                versions[url] = int(reply.json()["version"])
                stats.conflict_retries_ok += attempt
                return
            if reply.status != 409:
                return
            stats.conflicts += 1  # someone else saved first: correct behaviour, re-read and retry
            version = await read_version(session, url)
            if version is None:
                return

    async def worker(n: int) -> None:
        rng = random.Random(seed + n)
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        # One connection per client, as a browser tab would hold (gunicorn's sync workers close
        # it after each response, so each request opens a new one).
        connector = aiohttp.TCPConnector(limit=1)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(
            headers=headers, connector=connector, timeout=timeout
        ) as session:
            while time.perf_counter() < deadline:
                if plan is not None and plan.rows and rng.random() < write_share:
                    await write(session, rng)
                else:
                    await call(session, "read", "GET", rng.choice(reads))

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    return stats, time.perf_counter() - started


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MemorySampler(threading.Thread):
    """Sums the RSS of the gunicorn master and all its descendants, once a second.

    It also keeps each process's CPU time (user + system) as last seen, so the report can say
    how much CPU the server spent per request: the figure that decides throughput on 2 cores.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int, int]] = []  # (t, rss bytes, processes)
        # Proportional set size: pages the forked workers share with the master (preload_app)
        # count once, split between them, where the RSS sum counts them in every process.
        self.pss_peak = 0
        self.cpu_seen: dict[int, float] = {}  # pid -> CPU seconds when last sampled
        self.cpu_baseline: dict[int, float] = {}
        self.stop = threading.Event()

    def measure(self) -> tuple[int, int]:
        import psutil

        try:
            master = psutil.Process(self.pid)
            processes = [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0, 0
        total = pss = 0
        for process in processes:
            try:
                with process.oneshot():
                    memory = process.memory_full_info()
                    times = process.cpu_times()
                total += memory.rss
                pss += getattr(memory, "pss", memory.rss)  # Linux; elsewhere the RSS
                self.cpu_seen[process.pid] = times.user + times.system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        self.pss_peak = max(self.pss_peak, pss)
        return total, len(processes)

    def mark_cpu_baseline(self) -> None:
        self.cpu_baseline = dict(self.cpu_seen)

    def cpu_seconds(self) -> float:
        """CPU spent since the baseline by the processes seen (workers recycled midway count
        up to their last sample)."""
        return sum(seen - self.cpu_baseline.get(pid, 0.0) for pid, seen in self.cpu_seen.items())

    def run(self) -> None:
        while not self.stop.is_set():
            rss, count = self.measure()
            self.samples.append((time.time(), rss, count))
            self.stop.wait(1.0)


def start_server(database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    from kvpt.bench.databases import REPO, kvpt_executable

    env = {**os.environ, "DATABASE_URL": database_url}
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own command
            [*kvpt_executable(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_ready(url: str, server: subprocess.Popen[bytes], timeout: float = 240) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not answer /healthz in time")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


# --- one database --------------------------------------------------------------------------------


def percentiles(values: list[float]) -> dict[str, float]:
    from kvpt.bench.runner import percentile

    return {
        "p50_ms": round(percentile(values, 0.50), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values, default=0.0), 1),
    }


# File downloads (spreadsheets, documents, the exchange export) are occasional, seconds-long
# jobs a user starts once, not what 50 people browsing do; `kvpt bench run` measures them apart.
_DOWNLOAD = re.compile(r"(\.(xlsx|docx|pdf|zip|json)|/export)$")


def is_download(path_template: str) -> bool:
    return bool(_DOWNLOAD.search(path_template))


def read_urls(manifest: dict[str, Any]) -> list[str]:
    from kvpt.accounts.models import User
    from kvpt.bench import endpoints as ep
    from kvpt.bench.seed import BENCH_TARGET
    from kvpt.exercises.models import Exercise

    exercise = Exercise.objects.select_related("area").get(pk=manifest["exercise"]["id"])
    subjects = ep.Subjects(
        exercise=exercise, user=User.objects.get(username=BENCH_TARGET), area=exercise.area
    )
    apis, _, _ = ep.api_endpoints()
    urls = []
    for endpoint in apis:
        if endpoint.kind != "api-list" or is_download(endpoint.template):
            continue
        variants = [endpoint]
        if endpoint.query.get("__has_q"):
            variants += ep.search_variants(endpoint, manifest.get("vocabulary", {}))
        for variant in variants:
            try:
                urls.append(ep.fill(variant, subjects))
            except ep.UnfillableError:
                continue
    return urls


def load_in_database(args: argparse.Namespace) -> int:
    from kvpt.bench.databases import kvpt_executable, uptime, var_dir
    from kvpt.cli.bench import prepare_database, seed_database, seeded_manifest

    database_url = args.database_url
    os.environ["DATABASE_URL"] = database_url
    print("==> kvpt prepare (như make run: migrate, createcachetable, collectstatic)", flush=True)
    subprocess.run([*kvpt_executable(), "prepare"], check=True, env=os.environ.copy())  # noqa: S603
    prepare_database(database_url)
    # --reuse: the database seeded earlier is loaded again (the writes only move task progress).
    manifest = seeded_manifest() if getattr(args, "reuse", False) else seed_database(args)

    from django.db import connection

    from config.api import api

    reads = read_urls(manifest)
    plan = write_plan(api.get_openapi_schema(), manifest)
    database = "postgres" if connection.vendor == "postgresql" else connection.vendor
    connection.close()

    import httpx

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = var_dir() / f"load-{os.getpid()}-server.log"
    print(f"==> kvpt serve --host 127.0.0.1 --port {port} (log: {log})", flush=True)
    server = start_server(database_url, port, log)
    sampler = MemorySampler(server.pid)
    try:
        wait_ready(base_url, server)
        tokens = list(manifest["tokens"].values())
        # Every read URL must answer 200 before the clock starts; the others are reported, not used.
        excluded: dict[str, list[int]] = {}
        usable = []
        for url in reads:
            # Every token: a classified row is a correct 404 for the scoped user, not an error.
            statuses = {
                httpx.get(
                    base_url + url, headers={"Authorization": f"Bearer {token}"}, timeout=60
                ).status_code
                for token in tokens
            }
            if statuses == {200}:
                usable.append(url)
            else:
                excluded[url] = sorted(statuses)
        idle_rss, idle_processes = sampler.measure()
        sampler.mark_cpu_baseline()
        load_before = uptime()
        client_cpu_before = time.process_time()
        sampler.start()
        print(
            f"==> {args.clients} clients, {args.duration:.0f} s, {len(usable)} read URLs, "
            f"writes: {plan.name if plan else 'none'}",
            flush=True,
        )
        stats, elapsed = asyncio.run(
            run_clients(
                base_url,
                tokens,
                usable,
                plan,
                clients=args.clients,
                duration=args.duration,
                write_share=args.write_share,
                seed=args.seed,
            )
        )
        client_cpu = time.process_time() - client_cpu_before
    finally:
        sampler.stop.set()
        sampler.join(timeout=5)
        sampler.measure()
        stop_server(server)

    every = stats.latencies["read"] + stats.latencies["write"]
    peak = max((s[1] for s in sampler.samples), default=0)
    overall = percentiles(every)
    report = {
        "date": dt.date.today().isoformat(),
        "database": database,
        "scale": manifest["scale"],
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": list(os.getloadavg()),
            "uptime_start": load_before,
            "uptime_end": uptime(),
            "nice": os.nice(0),
        },
        "server": {
            "command": "kvpt serve --host 127.0.0.1 --port <free port> (config/gunicorn.py)",
            "workers": idle_processes - 1,
            "memory_idle_mb": round(idle_rss / 2**20, 1),
            "memory_peak_mb": round(peak / 2**20, 1),
            "memory_end_mb": round((sampler.samples[-1][1] if sampler.samples else 0) / 2**20, 1),
            "memory_pss_peak_mb": round(sampler.pss_peak / 2**20, 1),
        },
        "cpu": cpu_report(sampler.cpu_seconds(), client_cpu, len(every)),
        "clients": args.clients,
        "duration_s": round(elapsed, 1),
        "write_share": args.write_share,
        "writes": plan.name if plan else None,
        "requests": len(every),
        "throughput_rps": round(len(every) / elapsed, 1) if elapsed else 0,
        "latency": overall,
        "reads": {"count": len(stats.latencies["read"]), **percentiles(stats.latencies["read"])},
        "write_requests": {
            "count": len(stats.latencies["write"]),
            **percentiles(stats.latencies["write"]),
        },
        "conflicts_409": stats.conflicts,
        "conflicts_resolved_by_retry": stats.conflict_retries_ok,
        "statuses": dict(sorted(stats.statuses.items())),
        "errors": len(stats.errors),
        "error_examples": stats.errors[:20],
        "read_urls": usable,
        "excluded_read_urls": excluded,
        "targets": {
            "zero_errors": not stats.errors,
            "p99_le_1s": overall["p99_ms"] <= TARGET_P99_MS,
        },
    }
    print(format_report(report))
    if not args.no_save:
        from kvpt.bench.databases import results_dir

        suffix = "" if report["scale"] == "large" else f"-{report['scale']}"
        path = results_dir() / f"{report['date']}-load-{database}{suffix}.json"
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        print(f"==> {path}")
    return 0 if not stats.errors else 1


def cpu_report(server_s: float, client_s: float, requests: int) -> dict[str, float]:
    """CPU seconds of the server (all gunicorn processes) and of these clients, and per request.

    Both run on the same two cores, so what the clients spend is taken from the server.
    """
    per = max(requests, 1)
    return {
        "server_s": round(server_s, 1),
        "client_s": round(client_s, 1),
        "server_ms_per_request": round(server_s * 1000 / per, 1),
        "client_ms_per_request": round(client_s * 1000 / per, 1),
    }


def format_report(r: dict[str, Any]) -> str:
    lat, reads, writes, server = r["latency"], r["reads"], r["write_requests"], r["server"]
    verdict = {True: "PASS", False: "FAIL"}
    lines = [
        f"kvpt load - {r['database']}, scale {r['scale']}, {r['clients']} clients, "
        f"{r['duration_s']} s, {server['workers']} gunicorn workers",
        f"  requests        {r['requests']:,} ({reads['count']:,} reads, "
        f"{writes['count']:,} on the write path: {r['writes']})",
        f"  throughput      {r['throughput_rps']} requests/s",
        f"  latency         p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, "
        f"p99 {lat['p99_ms']} ms, max {lat['max_ms']} ms",
        f"  reads           p50 {reads['p50_ms']} / p95 {reads['p95_ms']} / "
        f"p99 {reads['p99_ms']} ms",
        f"  writes          p50 {writes['p50_ms']} / p95 {writes['p95_ms']} / "
        f"p99 {writes['p99_ms']} ms",
        f"  409 conflicts   {r['conflicts_409']} (correct behaviour: re-read and retried; "
        f"{r['conflicts_resolved_by_retry']} saved on retry)",
        f"  errors          {r['errors']}  -> zero errors: {verdict[r['targets']['zero_errors']]}",
        f"  p99 <= 1 s      {verdict[r['targets']['p99_le_1s']]}",
        f"  server memory   idle {server['memory_idle_mb']} MB, peak {server['memory_peak_mb']} MB "
        f"(shared pages counted once: peak {server.get('memory_pss_peak_mb', '-')} MB PSS) "
        "(RSS, gunicorn master + workers)",
        f"  CPU             server {r['cpu']['server_s']} s "
        f"({r['cpu']['server_ms_per_request']} ms a request), "
        f"clients {r['cpu']['client_s']} s ({r['cpu']['client_ms_per_request']} ms a request)",
        f"  statuses        {r['statuses']}",
        f"  machine load    start {r['machine']['uptime_start']['load_average']}, "
        f"end {r['machine']['uptime_end']['load_average']} (nice {r['machine']['nice']})",
    ]
    lines += [f"  error: {example}" for example in r["error_examples"][:5]]
    lines += [
        f"  excluded read (status {status}): {url}"
        for url, status in r["excluded_read_urls"].items()
    ]
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    if args.database_url:
        return load_in_database(args)
    from kvpt.bench.databases import postgres_available, run_child, throwaway_database

    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    child_args = [
        "bench",
        "load",
        "--scale",
        args.scale,
        "--seed",
        str(args.seed),
        "--clients",
        str(args.clients),
        "--duration",
        str(args.duration),
        "--write-share",
        str(args.write_share),
    ]
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
        with throwaway_database(kind, tag="load", admin_url=args.postgres_url) as url:
            codes[kind] = run_child([*child_args, "--database-url", url], url)
    print("==> " + ", ".join(f"{k}: {'ok' if c == 0 else f'exit {c}'}" for k, c in codes.items()))
    return max(codes.values(), default=0)
