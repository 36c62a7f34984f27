"""`kvpt notify`: the daily in-app notifications about corrective actions (kvpt/review).

Creates, for each open or in-progress action, an "assigned" notification for owners not yet told,
a "due soon" one when it is due within 3 days and an "overdue" one when its due date has passed,
counting days in Vietnam's time zone. Idempotent: run twice the same day, the second run creates
nothing. Run it daily from a systemd timer (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import datetime as dt

from kvpt.cli.main import arg, fail, setup_django, subcommand


@subcommand(
    "notify",
    "Tạo thông báo việc khắc phục: được giao, sắp đến hạn (3 ngày), quá hạn. Chạy hằng ngày.",
    arg(
        "--at",
        help="Chạy như vào thời điểm này (ISO 8601, có múi giờ), để thử; mặc định: bây giờ.",
    ),
)
def notify(args: argparse.Namespace) -> int:
    setup_django()
    from kvpt.review.services import run_notifications

    now = None
    if args.at:
        try:
            now = dt.datetime.fromisoformat(args.at)
        except ValueError:
            return fail(f"--at không hợp lệ: {args.at!r} (ví dụ 2023-09-30T08:00:00+07:00)", 2)
        if now.tzinfo is None:
            return fail("--at cần múi giờ, ví dụ 2023-09-30T08:00:00+07:00", 2)
    counts = run_notifications(now=now)
    print(
        f"Thông báo mới: được giao {counts['assigned']}, sắp đến hạn {counts['due_soon']}, "
        f"quá hạn {counts['overdue']}."
    )
    return 0
