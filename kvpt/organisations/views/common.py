"""What the directory's pages share beyond kvpt.core.crud."""

from __future__ import annotations

from django.http import HttpRequest


def current_param(request: HttpRequest) -> bool | None:
    """`?state=current|historical` of the list filters: still valid, no longer valid, or all."""
    return {"current": True, "historical": False}.get(request.GET.get("state", ""))
