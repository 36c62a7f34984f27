"""Pages of an exercise's structure: the progress page (phases and contents) and the calendar.

Outside the user's scope -> 404 (the selectors hide it); in scope without
"exercises.change_structure" -> 403; anonymous -> the login page. The add and edit forms open
inline with htmx where the page offers them, and work as full pages without it.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core.forms import DeleteForm
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import CLOSED_STATUS, ConcurrentEditError
from kvpt.core.views_helpers import log_classified_read, render_page
from kvpt.exercises import structure_services as services
from kvpt.exercises.models import Content, Exercise, Milestone, Phase
from kvpt.exercises.selectors import (
    content_list,
    exercise_list,
    exercise_milestones,
    exercise_structure,
    milestone_list,
    phase_list,
)
from kvpt.exercises.structure_forms import ContentForm, MilestoneForm, PhaseForm

PERM = services.PERM
FORM_TEMPLATE = "exercises/structure/form.html"
FORM_PARTIAL = "exercises/structure/partials/form.html"
DELETE_TEMPLATE = "crud/confirm_delete.html"


# --- small pieces ------------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


def _exercise(request: HttpRequest, pk: int) -> Exercise:
    return get_visible_or_404(exercise_list(request.user), pk=pk)


def _editable_exercise(request: HttpRequest, pk: int) -> Exercise:
    exercise = _exercise(request, pk)
    require_perm(request.user, PERM, exercise)
    return exercise


def _visible_exercise_of(request: HttpRequest, exercise_id: int) -> Exercise:
    # The record was found through its selector, so its exercise is visible too.
    return exercise_list(request.user).get(pk=exercise_id)


def _can_edit(user: Any, exercise: Exercise) -> bool:
    """Whether to offer the edit buttons (the services decide again on every write)."""
    return exercise.status != CLOSED_STATUS and user.has_perm(PERM, exercise)


def _structure_url(exercise_id: int) -> str:
    return reverse("exercises:structure", args=[exercise_id])


def _calendar_url(exercise_id: int) -> str:
    return reverse("exercises:calendar", args=[exercise_id])


def _crumbs(exercise: Exercise, section: str, url: str | None) -> crud.Crumbs:
    return [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        (section, url),
    ]


def _structure_crumbs(exercise: Exercise) -> crud.Crumbs:
    return _crumbs(exercise, _("Tiến trình diễn tập"), _structure_url(exercise.pk))


def _calendar_crumbs(exercise: Exercise) -> crud.Crumbs:
    return _crumbs(exercise, _("Lịch, mốc thời gian"), _calendar_url(exercise.pk))


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _form_view(
    request: HttpRequest,
    form: Any,
    *,
    exercise: Exercise,
    save: Callable[[], Any],
    saved: str,
    title: str,
    breadcrumbs: crud.Crumbs,
    back_url: str,
    action: str,
) -> HttpResponse:
    """GET shows the form; a valid POST calls the service and goes back to `back_url`.

    Refusals keep what the user typed: 422 for invalid input, 409 for a stale edit. htmx swaps
    only 2xx answers, so the inline form comes back as 200 with its errors shown in place.
    """
    status = 200
    if request.method == "POST":
        if form.is_valid():
            obj, status = crud.run_service(form, save)
            if obj is not None:
                messages.success(request, saved % {"obj": obj})
                if _is_htmx(request):
                    response = HttpResponse("")
                    response["HX-Redirect"] = back_url
                    return response
                return redirect(back_url)
        else:
            status = 422
    context = {
        "form": form,
        "title": title,
        "exercise": exercise,
        "action": action,
        "cancel_url": back_url,
        "breadcrumbs": breadcrumbs,
        "page_classification": exercise.classification,
    }
    if _is_htmx(request):
        return render(request, FORM_PARTIAL, context)
    return render_page(request, FORM_TEMPLATE, context, status=status)


def _delete_view(
    request: HttpRequest,
    obj: Any,
    *,
    exercise: Exercise,
    remove: Callable[..., None],
    what: str,
    breadcrumbs: crud.Crumbs,
    back_url: str,
) -> HttpResponse:
    """Confirm, then delete through the service with the version the page was opened with."""
    form = DeleteForm(
        request.POST if request.method == "POST" else None, initial={"version": obj.version}
    )
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            remove(expected_version=form.cleaned_data.get("version"), actor=request.user)
        except ConcurrentEditError as exc:
            error, status = exc.messages[0], 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 422
        else:
            messages.success(request, _("Đã xóa %(what)s “%(obj)s”.") % {"what": what, "obj": obj})
            return redirect(back_url)
    return render_page(
        request,
        DELETE_TEMPLATE,
        {
            "object": obj,
            "form": form,
            "error": error,
            "what": what,
            "breadcrumbs": [*breadcrumbs, (str(obj), None), (_("Xóa"), None)],
            "cancel_url": back_url,
            "page_classification": exercise.classification,
        },
        status=status,
    )


def _move_view(request: HttpRequest, move: Callable[..., Any], *, back_url: str) -> HttpResponse:
    direction = request.POST.get("direction", "")
    try:
        move(direction=direction, expected_version=_version(request), actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(back_url)


# --- the progress page -------------------------------------------------------------------------


@login_required
def structure_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(request, pk)
    log_classified_read(user, exercise)
    phases = list(exercise_structure(user, exercise))
    return render_page(
        request,
        "exercises/structure/page.html",
        {
            "exercise": exercise,
            "phases": phases,
            "phase_count": len(phases),
            "content_count": sum(len(p.contents.all()) for p in phases),
            "can_edit": _can_edit(user, exercise),
            "is_closed": exercise.status == CLOSED_STATUS,
            "page_classification": exercise.classification,
            "breadcrumbs": _crumbs(exercise, _("Tiến trình diễn tập"), None),
        },
    )


# --- phases ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def phase_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _editable_exercise(request, pk)
    form = PhaseForm(request.POST or None, user=request.user)
    return _form_view(
        request,
        form,
        exercise=exercise,
        save=lambda: services.phase_create(
            exercise=exercise, **form.service_data(), actor=request.user
        ),
        saved=_("Đã thêm giai đoạn “%(obj)s”."),
        title=_("Thêm giai đoạn"),
        breadcrumbs=[*_structure_crumbs(exercise), (_("Thêm giai đoạn"), None)],
        back_url=_structure_url(exercise.pk),
        action=reverse("exercises:phase_create", args=[exercise.pk]),
    )


def _phase_for_change(request: HttpRequest, pk: int) -> tuple[Phase, Exercise]:
    phase = get_visible_or_404(phase_list(request.user), pk=pk)
    exercise = _visible_exercise_of(request, phase.exercise_id)
    require_perm(request.user, PERM, exercise)
    return phase, exercise


@login_required
@require_http_methods(["GET", "POST"])
def phase_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    phase, exercise = _phase_for_change(request, pk)
    form = PhaseForm(request.POST or None, instance=copy.copy(phase), user=request.user)
    return _form_view(
        request,
        form,
        exercise=exercise,
        save=lambda: services.phase_update(
            phase=phase,
            changes=form.service_data(),
            expected_version=form.expected_version,
            actor=request.user,
        ),
        saved=_("Đã lưu giai đoạn “%(obj)s”."),
        title=_("Sửa giai đoạn “%(obj)s”") % {"obj": phase},
        breadcrumbs=[*_structure_crumbs(exercise), (str(phase), None), (_("Sửa"), None)],
        back_url=_structure_url(exercise.pk),
        action=reverse("exercises:phase_edit", args=[phase.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    phase, exercise = _phase_for_change(request, pk)
    return _delete_view(
        request,
        phase,
        exercise=exercise,
        remove=lambda **kw: services.phase_delete(phase=phase, **kw),
        what=_("giai đoạn"),
        breadcrumbs=_structure_crumbs(exercise),
        back_url=_structure_url(exercise.pk),
    )


@login_required
@require_POST
def phase_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    phase, exercise = _phase_for_change(request, pk)
    return _move_view(
        request,
        lambda **kw: services.phase_move(phase=phase, **kw),
        back_url=_structure_url(exercise.pk),
    )


# --- contents ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def content_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    phase, exercise = _phase_for_change(request, pk)
    form = ContentForm(request.POST or None, user=request.user)
    return _form_view(
        request,
        form,
        exercise=exercise,
        save=lambda: services.content_create(
            phase=phase, **form.service_data(), actor=request.user
        ),
        saved=_("Đã thêm nội dung “%(obj)s”."),
        title=_("Thêm nội dung vào giai đoạn “%(phase)s”") % {"phase": phase},
        breadcrumbs=[*_structure_crumbs(exercise), (_("Thêm nội dung"), None)],
        back_url=_structure_url(exercise.pk),
        action=reverse("exercises:content_create", args=[phase.pk]),
    )


def _content_for_change(request: HttpRequest, pk: int) -> tuple[Content, Exercise]:
    content = get_visible_or_404(content_list(request.user), pk=pk)
    exercise = _visible_exercise_of(request, content.phase.exercise_id)
    require_perm(request.user, PERM, exercise)
    return content, exercise


@login_required
@require_http_methods(["GET", "POST"])
def content_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    content, exercise = _content_for_change(request, pk)
    form = ContentForm(request.POST or None, instance=copy.copy(content), user=request.user)
    return _form_view(
        request,
        form,
        exercise=exercise,
        save=lambda: services.content_update(
            content=content,
            changes=form.service_data(),
            expected_version=form.expected_version,
            actor=request.user,
        ),
        saved=_("Đã lưu nội dung “%(obj)s”."),
        title=_("Sửa nội dung “%(obj)s”") % {"obj": content},
        breadcrumbs=[*_structure_crumbs(exercise), (str(content), None), (_("Sửa"), None)],
        back_url=_structure_url(exercise.pk),
        action=reverse("exercises:content_edit", args=[content.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def content_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    content, exercise = _content_for_change(request, pk)
    return _delete_view(
        request,
        content,
        exercise=exercise,
        remove=lambda **kw: services.content_delete(content=content, **kw),
        what=_("nội dung"),
        breadcrumbs=_structure_crumbs(exercise),
        back_url=_structure_url(exercise.pk),
    )


@login_required
@require_POST
def content_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    content, exercise = _content_for_change(request, pk)
    return _move_view(
        request,
        lambda **kw: services.content_move(content=content, **kw),
        back_url=_structure_url(exercise.pk),
    )


# --- milestones --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def milestone_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _editable_exercise(request, pk)
    initial: dict[str, Any] = {}
    if _parse_date(request.GET.get("on", "")):
        initial["starts_on"] = _parse_date(request.GET["on"])
    form = MilestoneForm(request.POST or None, user=request.user, initial=initial)
    return _form_view(
        request,
        form,
        exercise=exercise,
        save=lambda: services.milestone_create(
            exercise=exercise, **form.service_data(), actor=request.user
        ),
        saved=_("Đã thêm mốc “%(obj)s”."),
        title=_("Thêm mốc thời gian"),
        breadcrumbs=[*_calendar_crumbs(exercise), (_("Thêm mốc"), None)],
        back_url=_calendar_url(exercise.pk),
        action=reverse("exercises:milestone_create", args=[exercise.pk]),
    )


def _milestone_for_change(request: HttpRequest, pk: int) -> tuple[Milestone, Exercise]:
    milestone = get_visible_or_404(milestone_list(request.user), pk=pk)
    exercise = _visible_exercise_of(request, milestone.exercise_id)
    require_perm(request.user, PERM, exercise)
    return milestone, exercise


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, exercise = _milestone_for_change(request, pk)
    form = MilestoneForm(request.POST or None, instance=copy.copy(milestone), user=request.user)
    back = f"{_calendar_url(exercise.pk)}?month={milestone.starts_on:%Y-%m}"
    return _form_view(
        request,
        form,
        exercise=exercise,
        save=lambda: services.milestone_update(
            milestone=milestone,
            changes=form.service_data(),
            expected_version=form.expected_version,
            actor=request.user,
        ),
        saved=_("Đã lưu mốc “%(obj)s”."),
        title=_("Sửa mốc “%(obj)s”") % {"obj": milestone},
        breadcrumbs=[*_calendar_crumbs(exercise), (str(milestone), None), (_("Sửa"), None)],
        back_url=back,
        action=reverse("exercises:milestone_edit", args=[milestone.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, exercise = _milestone_for_change(request, pk)
    return _delete_view(
        request,
        milestone,
        exercise=exercise,
        remove=lambda **kw: services.milestone_delete(milestone=milestone, **kw),
        what=_("mốc thời gian"),
        breadcrumbs=_calendar_crumbs(exercise),
        back_url=_calendar_url(exercise.pk),
    )


# --- the calendar and the timeline -------------------------------------------------------------


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _parse_month(value: str) -> dt.date | None:
    """`YYYY-MM` -> the first of that month; anything else -> None (the default month)."""
    try:
        parsed = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None
    return parsed if 1900 <= parsed.year <= 2200 else None


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _default_month(today: dt.date, milestones: list[Milestone]) -> dt.date:
    """Today's month while the exercise's calendar is running; else its nearest milestone's."""
    if milestones:
        first = milestones[0].starts_on
        last = max(m.ends_on or m.starts_on for m in milestones)
        if today < first:
            return first.replace(day=1)
        if today > last:
            return last.replace(day=1)
    return today.replace(day=1)


@dataclass
class DayCell:
    day: dt.date
    in_month: bool
    is_today: bool
    # (milestone, part): part is "single", "start", "mid" or "end"; `show_title` on the first
    # cell of the milestone in each week row, so a bar crossing a week still says what it is.
    items: list[tuple[Milestone, str, bool]] = field(default_factory=list)
    # Phases whose planned span covers the day: (position, phase).
    phases: list[tuple[int, Phase]] = field(default_factory=list)


def _planned_days(phase: Phase) -> tuple[dt.date, dt.date] | None:
    if phase.planned_start is None:
        return None
    start = timezone.localtime(phase.planned_start).date()
    end = timezone.localtime(phase.planned_end).date() if phase.planned_end else start
    return start, max(start, end)


def _month_weeks(
    first: dt.date, milestones: list[Milestone], today: dt.date, phases: list[Phase] | None = None
) -> list[list[DayCell]]:
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    rows = [
        [DayCell(day=d, in_month=d.month == first.month, is_today=d == today) for d in week]
        for week in weeks
    ]
    # Longer spans first, so a bar keeps its line across the days it covers.
    ordered = sorted(
        milestones,
        key=lambda m: (m.starts_on, -((m.ends_on or m.starts_on) - m.starts_on).days, m.pk),
    )
    for row in rows:
        for index, cell in enumerate(row):
            for milestone in ordered:
                start, end = milestone.starts_on, milestone.ends_on or milestone.starts_on
                if not start <= cell.day <= end:
                    continue
                if start == end:
                    part = "single"
                elif cell.day == start:
                    part = "start"
                elif cell.day == end:
                    part = "end"
                else:
                    part = "mid"
                cell.items.append((milestone, part, cell.day == start or index == 0))
            for position, phase in enumerate(phases or [], start=1):
                span = _planned_days(phase)
                if span is not None and span[0] <= cell.day <= span[1]:
                    cell.phases.append((position, phase))
    return rows


@dataclass
class TimelineItem:
    kind: str  # "milestone" or "phase"
    start: dt.date
    end: dt.date
    title: str
    label: str
    record: Any
    days: int  # days from today to the start (negative: in the past)
    state: str  # "future", "today", "ongoing", "past"
    since: int = 0  # days since the end, for past items

    @property
    def is_past(self) -> bool:
        return self.state == "past"


def _timeline(
    milestones: list[Milestone], phases: list[Phase], today: dt.date
) -> list[TimelineItem]:
    items: list[TimelineItem] = []

    def add(kind: str, start: dt.date, end: dt.date, title: str, label: str, record: Any) -> None:
        if end < today:
            state = "past"
        elif start > today:
            state = "future"
        elif start == end == today:
            state = "today"
        else:
            state = "ongoing"
        items.append(
            TimelineItem(
                kind=kind,
                start=start,
                end=end,
                title=title,
                label=label,
                record=record,
                days=(start - today).days,
                state=state,
                since=(today - end).days,
            )
        )

    for milestone in milestones:
        end = milestone.ends_on or milestone.starts_on
        add(
            "milestone",
            milestone.starts_on,
            end,
            milestone.title,
            milestone.get_kind_display(),
            milestone,
        )
    for position, phase in enumerate(phases, start=1):
        span = _planned_days(phase)
        if span is None:
            continue
        add(
            "phase",
            span[0],
            span[1],
            phase.name,
            _("Giai đoạn %(n)s") % {"n": position},
            phase,
        )
    items.sort(key=lambda item: (item.start, item.kind != "phase", item.end, item.title))
    return items


# Monday first, as Vietnamese calendars are printed.
WEEKDAYS = (
    gettext_lazy("T2"),
    gettext_lazy("T3"),
    gettext_lazy("T4"),
    gettext_lazy("T5"),
    gettext_lazy("T6"),
    gettext_lazy("T7"),
    gettext_lazy("CN"),
)


@login_required
def calendar_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(request, pk)
    log_classified_read(user, exercise)
    today = timezone.localdate()
    month = _parse_month(request.GET.get("month", ""))
    grid_only = _is_htmx(request) and month is not None
    if grid_only and month is not None:
        # Month navigation: only the grid, and only the milestones it shows.
        weeks_span = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
        grid_start, grid_end = weeks_span[0][0], weeks_span[-1][-1]
        milestones = list(
            exercise_milestones(user, exercise).filter(
                Q(starts_on__lte=grid_end)
                & (Q(ends_on__gte=grid_start) | Q(ends_on__isnull=True, starts_on__gte=grid_start))
            )
        )
    else:
        milestones = list(exercise_milestones(user, exercise))
        month = month or _default_month(today, milestones)
    phases = list(phase_list(user).filter(exercise=exercise).order_by("order", "pk"))
    context = {
        "exercise": exercise,
        "month": month,
        "month_param": f"{month:%Y-%m}",
        "prev_month": f"{_add_months(month, -1):%Y-%m}",
        "next_month": f"{_add_months(month, 1):%Y-%m}",
        "today_month": f"{today:%Y-%m}",
        "weekdays": [str(name) for name in WEEKDAYS],
        "weeks": _month_weeks(month, milestones, today, phases),
        "timeline": [] if grid_only else _timeline(milestones, phases, today),
        "today": today,
        "milestone_count": len(milestones),
        "can_edit": _can_edit(user, exercise),
        "is_closed": exercise.status == CLOSED_STATUS,
        "page_classification": exercise.classification,
        "breadcrumbs": _crumbs(exercise, _("Lịch, mốc thời gian"), None),
    }
    return render_page(
        request,
        "exercises/structure/calendar.html",
        context,
        partial="exercises/structure/partials/month.html",
    )


urlpatterns = [
    path("<int:pk>/structure/", structure_view, name="structure"),
    path("<int:pk>/structure/phases/new/", phase_create_view, name="phase_create"),
    path("phases/<int:pk>/edit/", phase_edit_view, name="phase_edit"),
    path("phases/<int:pk>/delete/", phase_delete_view, name="phase_delete"),
    path("phases/<int:pk>/move/", phase_move_view, name="phase_move"),
    path("phases/<int:pk>/contents/new/", content_create_view, name="content_create"),
    path("contents/<int:pk>/edit/", content_edit_view, name="content_edit"),
    path("contents/<int:pk>/delete/", content_delete_view, name="content_delete"),
    path("contents/<int:pk>/move/", content_move_view, name="content_move"),
    path("<int:pk>/calendar/", calendar_view, name="calendar"),
    path("<int:pk>/calendar/milestones/new/", milestone_create_view, name="milestone_create"),
    path("milestones/<int:pk>/edit/", milestone_edit_view, name="milestone_edit"),
    path("milestones/<int:pk>/delete/", milestone_delete_view, name="milestone_delete"),
]
