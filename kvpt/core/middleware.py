"""Answer 503 with a clear page while the database is unreachable, and recover by itself."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

from kvpt.core.health import discard_broken_connections

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Set on request.META when an inner middleware (not a view) failed on the database: Django has
# already turned that exception into a 500 before it reaches us, so we learn of it by signal.
_MARK = "kvpt.database_unavailable"
RETRY_AFTER_SECONDS = 30
JSON_PATH_PREFIXES = ("/api/", "/healthz")


def _mark_database_failure(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request.META[_MARK] = True


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: JSON for API clients and probes, a self-contained page for people."""
    response: HttpResponse
    if request.path.startswith(JSON_PATH_PREFIXES):
        response = JsonResponse(
            {
                "detail": gettext("Tạm thời không kết nối được cơ sở dữ liệu."),
                "code": "database_unavailable",
            },
            status=503,
        )
    else:
        # No request context: context processors may themselves need the database.
        response = HttpResponse(render_to_string("core/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def drop_sqlite_connections_whose_file_is_gone() -> None:
    """Close a kept SQLite connection whose database file is no longer at its path.

    An open SQLite connection keeps reading a file that was moved or whose disk was unmounted,
    so with kept connections (CONN_MAX_AGE) some workers would go on answering while the others
    fail. Closing it makes every worker reopen the path, fail the same way (503), and recover
    when the file is back. A stat per request costs microseconds.
    """
    for connection in connections.all(initialized_only=True):
        if connection.vendor != "sqlite" or connection.connection is None:
            continue
        name = str(connection.settings_dict["NAME"])
        if connection.in_atomic_block or name == ":memory:" or "mode=memory" in name:
            continue
        if not os.path.exists(name):
            connection.close()


class DatabaseUnavailableMiddleware:
    """Turn database outages anywhere in the request into a 503 and drop broken connections."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        got_request_exception.connect(
            _mark_database_failure, dispatch_uid="kvpt.core.middleware.database_failure"
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        drop_sqlite_connections_whose_file_is_gone()
        try:
            response = self.get_response(request)
        except DATABASE_ERRORS as exc:
            return self._unavailable(request, exc)
        if request.META.pop(_MARK, False) and response.status_code >= 500:
            return self._unavailable(request, None)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request: HttpRequest, exc: BaseException | None) -> HttpResponse:
        logger.error(
            "Database unavailable while serving %s %s",
            request.method,
            request.path,
            exc_info=(type(exc), exc, exc.__traceback__) if exc is not None else None,
        )
        discard_broken_connections()
        return database_unavailable_response(request)
