"""Roster import benchmark: a 10,000-row .xlsx roster through the real import, on SQLite and
PostgreSQL (throwaway databases, see kvpt/bench/databases.py).

    uv run python bench/roster_import.py                  # both engines, 10,000 rows
    uv run python bench/roster_import.py --db sqlite --rows 2000

For each engine: a new database is migrated, a district with 20 units and an exercise is made, a
workbook is generated with openpyxl (Vietnamese names, codes, ranks, dates), then the dry run and
the import (one transaction, bulk_create with history in batches of 1,000) are timed. Results go to
bench/results/<date>-roster-<db>.json with rows per second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hà", "Lò", "Lương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hùng", "Lan", "Mai", "Nam", "Pành", "Sơn", "Tuấn", "Xuân"]
RANKS = ["Binh nhì", "Binh nhất", "Hạ sĩ", "Trung sĩ", "Thượng sĩ", "Thiếu úy", ""]
STATUSES = ["Quân nhân dự bị", "Dân quân", "Thường trực", "Công an"]


def workbook(rows: int, unit_codes: list[str], seed: int = 20231831) -> bytes:
    from openpyxl import Workbook

    rnd = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(
        [
            "Mã đơn vị",
            "Mã cán bộ",
            "Họ và tên",
            "Cấp bậc",
            "Nhiệm vụ trong diễn tập",
            "Diện",
            "Số điện thoại",
            "Ngày sinh",
            "Có mặt",
        ]
    )
    seen: set[tuple[str, dt.date]] = set()
    for i in range(rows):
        while True:  # the import refuses the same name and birth date twice, as it should
            name = f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
            born = dt.date(1970, 1, 1) + dt.timedelta(days=rnd.randrange(12000))
            if (name, born) not in seen:
                seen.add((name, born))
                break
        sheet.append(
            [
                rnd.choice(unit_codes),
                f"QN-{i:06d}",
                name,
                rnd.choice(RANKS),
                "Chiến sĩ",
                rnd.choice(STATUSES),
                f"09{rnd.randrange(10**8):08d}",
                born.strftime("%d/%m/%Y"),
                "x" if rnd.random() < 0.9 else "",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def child(rows: int) -> dict[str, object]:
    """Run inside a process whose DATABASE_URL is the throwaway database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from kvpt.core.testing.factories import (
        AgencyFactory,
        AreaFactory,
        AreaLevelFactory,
        ExerciseFactory,
        UnitFactory,
        UserFactory,
    )
    from kvpt.forces.models import RosterEntry
    from kvpt.forces.roster_sheets import roster_import

    huyen = AreaLevelFactory.create(code="huyen", name="Huyện", rank=2)
    district = AreaFactory.create(code="388", name="Lang Chánh", level=huyen)
    agency = AgencyFactory.create(code="BCHQS-388", name="Ban CHQS huyện", area=district)
    codes = [f"DV-{i:02d}" for i in range(20)]
    for code in codes:
        UnitFactory.create(code=code, name=f"Đơn vị {code}", agency=agency)
    exercise = ExerciseFactory.create(code="BENCH-ROSTER", area=district, level=huyen)
    actor = UserFactory.create(username="bench_roster", is_superuser=True, clearance=3)

    started = time.perf_counter()
    data = workbook(rows, codes)
    generate = time.perf_counter() - started

    started = time.perf_counter()
    dry = roster_import(exercise=exercise, data=data, dry_run=True, actor=actor)
    dry_seconds = time.perf_counter() - started
    assert not dry.errors, [str(e) for e in dry.errors][:5]

    started, cpu = time.perf_counter(), time.process_time()
    result = roster_import(exercise=exercise, data=data, dry_run=False, actor=actor)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.applied
    assert RosterEntry.objects.count() == rows
    return {
        "rows": rows,
        "file_bytes": len(data),
        "generate_seconds": round(generate, 3),
        "dry_run_seconds": round(dry_seconds, 3),
        "import_seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds),
        # CPU time of this process: on a shared machine a steadier figure than the wall clock
        # (for PostgreSQL it leaves out the server's own work).
        "import_cpu_seconds": round(cpu, 3),
        "rows_per_cpu_second": round(rows / cpu),
        "dry_run_rows_per_second": round(rows / dry_seconds),
        "history_rows": RosterEntry.history.count(),
        "vendor": connection.vendor,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.rows)))
        return 0

    from kvpt.bench.databases import (
        DEFAULT_POSTGRES,
        postgres_available,
        results_dir,
        throwaway_database,
    )

    admin_url = os.environ.get("KVPT_BENCH_POSTGRES", DEFAULT_POSTGRES)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for kind in kinds:
        if kind == "postgres" and (why := postgres_available(admin_url)):
            print(f"postgres: skipped ({why})")
            continue
        with throwaway_database(kind, tag="roster", admin_url=admin_url) as url:
            env = {**os.environ, "DATABASE_URL": url, "KVPT_TESTING": "1"}
            out = subprocess.run(
                [sys.executable, __file__, "--child", "--rows", str(args.rows)],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                check=False,
            )
        if out.returncode:
            print(out.stdout, out.stderr, sep="\n")
            return out.returncode
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        figures |= {
            "db": kind,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "load_average": os.getloadavg()[0],
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
        }
        path = results_dir() / f"{dt.date.today():%Y-%m-%d}-roster-{kind}.json"
        path.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
        print(
            f"{kind}: {figures['rows']} rows imported in {figures['import_seconds']} s "
            f"({figures['rows_per_second']} rows/s; "
            f"dry run {figures['dry_run_seconds']} s) -> {path}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
