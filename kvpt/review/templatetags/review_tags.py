"""Template helpers of the review, for pages outside it (the navigation's unread badge)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_badge(context: dict[str, Any]) -> SafeString:
    """A link to the notifications with the unread count; nothing for anonymous users.

    One COUNT query per page: `{% load review_tags %}{% notifications_badge %}` in the top bar.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return SafeString("")
    from kvpt.review.selectors import unread_count

    count = unread_count(user)
    label = _("Thông báo")
    if not count:
        return format_html(
            '<a href="{}" data-testid="notifications-link">{}</a>',
            reverse("review:notifications"),
            label,
        )
    return format_html(
        '<a href="{}" data-testid="notifications-link">{} <span class="badge badge-warn" '
        'data-testid="unread-badge">{}</span></a>',
        reverse("review:notifications"),
        label,
        count,
    )
