"""Template tags of the scenario app.

`{% conduct_marking %}` prints the red "DIỄN TẬP" band while the page's exercise is conducting, so
that exercise traffic is never taken for real. The base template includes it once
(`{% include "scenario/includes/conduct_marking.html" %}`); the pages of this app include it too,
and whichever comes first prints it (one band per page).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

CONDUCTING = "conducting"
# Where a page's exercise may sit in its context, in order.
_HOLDERS = ("situation", "inject", "work", "task", "document", "object")


def page_exercise_status(context: Any) -> str | None:
    """The status of the exercise the page is about, or None for pages about no exercise."""
    exercise = context.get("exercise")
    if exercise is None:
        for name in _HOLDERS:
            holder = context.get(name)
            exercise = getattr(holder, "exercise", None) if holder is not None else None
            if exercise is not None:
                break
    if exercise is not None:
        return getattr(exercise, "status", None)
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    kwargs = getattr(match, "kwargs", {}) or {}
    exercise_pk = kwargs.get("exercise_pk") or kwargs.get("exercise_id")
    if exercise_pk is None:
        return None
    from kvpt.exercises.models import Exercise

    return Exercise.objects.filter(pk=exercise_pk).values_list("status", flat=True).first()


@register.simple_tag(takes_context=True)
def conduct_marking(context: Any) -> SafeString | str:
    request = context.get("request")
    if request is not None and getattr(request, "_kvpt_conduct_marked", False):
        return ""
    if page_exercise_status(context) != CONDUCTING:
        return ""
    if request is not None:
        request._kvpt_conduct_marked = True
    return format_html(
        '<div class="conduct-marking" role="note" data-testid="exercise-marking" '
        'style="background:#b3261e;color:#fff;text-align:center;font-weight:700;'
        'letter-spacing:.2em;padding:.3rem;">{} <span style="font-weight:400;letter-spacing:0">'
        "— {}</span></div>",
        _("DIỄN TẬP"),
        _("đang thực hành diễn tập: mọi thông tin trên trang là tình huống giả định"),
    )
