"""The liveness and database check that load balancers and monitoring poll at /healthz."""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def database_is_reachable(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Run `SELECT 1`; a broken connection is closed so that the next check reconnects."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (OperationalError, InterfaceError):
        logger.warning("Health check: database %r unreachable", alias, exc_info=True)
        discard_broken_connections()
        return False
    return True


def discard_broken_connections() -> None:
    """Close connections that failed so the next request opens a fresh one by itself.

    A connection inside an atomic block (a test's wrapping transaction, or ATOMIC_REQUESTS) is
    left to whoever opened that block: closing it here would break their rollback.
    """
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        try:
            connection.close_if_unusable_or_obsolete()
        except (OperationalError, InterfaceError):
            # The driver may fail while closing a dead socket; dropping it is all we wanted.
            connection.connection = None


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the server time when the database answers, 503 when it does not."""
    if database_is_reachable():
        return JsonResponse({"status": "ok", "database": "ok", "time": timezone.now().isoformat()})
    return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
