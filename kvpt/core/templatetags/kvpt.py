"""Template helpers shared by every app's pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kvpt.core.context_processors import NAVIGATION
from kvpt.core.models import Classification

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_items(context: dict[str, Any]) -> list[dict[str, Any]]:
    """Navigation entries whose pages exist, with the current one marked."""
    request: HttpRequest | None = context.get("request")
    current = request.path if request else ""
    items = []
    for name, label in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = current == url if url == "/" else current.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return items


@register.simple_tag
def classification_badge(level: int | None) -> SafeString:
    """A coloured label for a record's secret level; nothing for unclassified."""
    value = int(level or 0)
    if value <= Classification.UNCLASSIFIED:
        return SafeString("")
    return format_html(
        '<span class="badge badge-secret badge-secret-{}">{}</span>',
        value,
        Classification(value).label,
    )


@register.filter
def classification_label(level: int | None) -> str:
    return str(Classification(int(level or 0)).label)


@register.simple_tag
def validity(start: dt.date | None, end: dt.date | None, unbounded: str = "") -> str:
    """A period as people write it: "từ 01/07/2025", "đến 30/06/2025", "01/07/2025 – 30/06/2026"."""
    if start and end:
        return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    if start:
        return _("từ %(day)s") % {"day": f"{start:%d/%m/%Y}"}
    if end:
        return _("đến %(day)s") % {"day": f"{end:%d/%m/%Y}"}
    return unbounded


@register.filter
def vnd(amount: int | None) -> str:
    """1234567 -> "1.234.567 đ" (VND has no minor unit)."""
    if amount is None:
        return ""
    return f"{int(amount):,}".replace(",", ".") + " đ"


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination and filters)."""
    request: HttpRequest | None = context.get("request")
    params = request.GET.copy() if request else None
    if params is None:
        return ""
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
