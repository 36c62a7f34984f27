"""`kvpt bench seed|run|load`: synthetic data, page and API timings, load test (bench/README.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from kvpt.cli.main import arg, fail, setup_django, subcommand

SCALES = ("large", "national", "tiny")


def prepare_database(database_url: str | None) -> None:
    """Point Django at `database_url` (before set-up), then migrate and make the cache table."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def manifest_path() -> Any:
    """Where the manifest of the configured database is written (var/bench/manifest-<name>.json)."""
    from django.db import connection

    from kvpt.bench.databases import var_dir

    name = os.path.basename(str(connection.settings_dict["NAME"])).replace(".sqlite3", "")
    return var_dir() / f"manifest-{name}.json"


def seeded_manifest() -> dict[str, Any]:
    """The manifest an earlier `kvpt bench seed` wrote for this database (for `run --reuse`)."""
    path = manifest_path()
    if not path.exists():
        raise SystemExit(f"Không có manifest {path}: chạy `kvpt bench seed` trên CSDL này trước.")
    return dict(json.loads(path.read_text()))


def seed_database(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from kvpt.bench.seed import seed

    print(f"==> Sinh dữ liệu (seed) scale={args.scale} trên {connection.vendor}", flush=True)
    manifest = seed(args.scale, seed_value=args.seed, out=sys.stdout)
    path = manifest_path()
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    print(f"    manifest: {path}")
    return manifest


@subcommand(
    "bench",
    "Đo hiệu năng (benchmarks): seed = sinh dữ liệu, run = đo trang và API, load = thử tải, "
    "lessons = đo tìm kiếm thư viện bài học trên CSDL đã sinh dữ liệu.",
    arg("action", choices=("seed", "run", "load", "lessons"), help="seed | run | load | lessons"),
    arg("--scale", choices=SCALES, default="large", help="Quy mô dữ liệu (mặc định large)."),
    arg("--seed", type=int, default=None, help="Hạt giống ngẫu nhiên (mặc định cố định)."),
    arg(
        "--database-url",
        default=None,
        help="CSDL đích; thiếu tham số này, run/load tự tạo CSDL tạm (SQLite, PostgreSQL).",
    ),
    arg(
        "--db",
        choices=("sqlite", "postgres", "both"),
        default="both",
        help="run/load: loại CSDL tạm (mặc định both).",
    ),
    arg("--postgres-url", default=None, help="Máy chủ PostgreSQL cho CSDL tạm (bench_<pid>)."),
    arg("--requests", type=int, default=20, help="run: số lần đo mỗi trang (sau khi chạy nóng)."),
    arg("--warmup", type=int, default=3, help="run: số lần chạy nóng."),
    arg("--only", default=None, help="run: chỉ đo các trang có tên khớp biểu thức này."),
    arg("--clients", type=int, default=50, help="load: số máy khách đồng thời."),
    arg("--duration", type=float, default=60.0, help="load: thời gian (giây, tối đa 60 mặc định)."),
    arg("--write-share", type=float, default=0.10, help="load: tỉ lệ ghi (mặc định 0,10)."),
    arg("--no-save", action="store_true", help="Không ghi kết quả vào bench/results/."),
    arg(
        "--reuse",
        action="store_true",
        help=(
            "run, load: đo trên CSDL --database-url đã sinh dữ liệu (đọc manifest), không sinh lại."
        ),
    ),
)
def bench(args: argparse.Namespace) -> int:
    from kvpt.bench.databases import DEFAULT_POSTGRES
    from kvpt.bench.seed import DEFAULT_SEED, AlreadySeededError

    args.seed = DEFAULT_SEED if args.seed is None else args.seed
    args.postgres_url = args.postgres_url or os.environ.get("KVPT_BENCH_POSTGRES", DEFAULT_POSTGRES)
    if args.action == "seed":
        prepare_database(args.database_url)
        try:
            seed_database(args)
        except AlreadySeededError as exc:
            return fail(str(exc))
        return 0
    if args.action == "lessons":
        prepare_database(args.database_url)
        from kvpt.bench import lessons

        return lessons.main(args)
    if args.action == "run":
        from kvpt.bench import runner

        return runner.main(args)
    from kvpt.bench import load

    return load.main(args)
