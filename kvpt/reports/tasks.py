"""Background jobs (django-tasks; `make run` starts the db_worker): building a report's file."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_report(report_id: int) -> None:
    """Build a queued report; its row carries the progress the page polls."""
    from kvpt.reports.services import report_run

    report_run(report_id)
