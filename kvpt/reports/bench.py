"""Benchmark hook: how long the summary report of an exercise takes to build.

The bench runner (kvpt/bench, `make bench`) seeds a large exercise and calls
`time_summary(code)`; it reads as the system (every record), like `kvpt report summary`.
"""

from __future__ import annotations

import time


def time_summary(exercise_code: str, fmt: str = "docx") -> float:
    """Seconds to read the data and write the summary (DOCX by default; "pdf" adds LibreOffice)."""
    from kvpt.exercises.models import Exercise
    from kvpt.reports.build import build_summary, system_reader

    exercise = Exercise.objects.select_related("area", "area__level").get(code=exercise_code)
    start = time.perf_counter()
    output = build_summary(system_reader(), exercise, fmt)
    elapsed = time.perf_counter() - start
    if not output.content:
        raise RuntimeError(f"empty report for {exercise_code}")
    return elapsed
