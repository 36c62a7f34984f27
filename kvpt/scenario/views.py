"""Pages of the scenario (situations, MSEL table, timeline, Excel) and the conduct console.

Outside the user's scope (or above their clearance) -> 404; in scope without the right -> 403;
anonymous -> the login page. The console's live part is a partial polled every few seconds by
htmx (a server-sent stream would hold a sync worker); its query count does not grow with rows.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core import spreadsheets as xl
from kvpt.core.filters import with_id
from kvpt.core.scope import get_scope, get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.views_helpers import (
    log_classified_read,
    log_classified_reads,
    marking_of,
    paginate,
    render_page,
)
from kvpt.exercises.selectors import exercise_list, phase_list
from kvpt.scenario import selectors, services, sheets
from kvpt.scenario.forms import (
    IncidentForm,
    InjectForm,
    LogEntryEditForm,
    LogEntryForm,
    MappingForm,
    MselImportForm,
    SituationForm,
)
from kvpt.scenario.models import (
    ConductLogEntry,
    Inject,
    InjectStatus,
    SafetyIncident,
    Situation,
)

STATUS_BADGES: dict[str, str] = {
    InjectStatus.PENDING: "",
    InjectStatus.APPROVED: "badge-info",
    InjectStatus.DELIVERED: "badge-warn",
    InjectStatus.DONE: "badge-ok",
    InjectStatus.SKIPPED: "badge-muted",
}
MOVE_LABELS: dict[str, Any] = {
    InjectStatus.APPROVED: _("Duyệt"),
    InjectStatus.PENDING: _("Trả về chờ duyệt"),
    InjectStatus.DELIVERED: _("Phát"),
    InjectStatus.DONE: _("Hoàn thành"),
    InjectStatus.SKIPPED: _("Bỏ qua"),
}
_IMPORT_KEEP_SECONDS = 30 * 60


def _exercise(user: Any, exercise_pk: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_pk)


def _crumbs(exercise: Any, *extra: tuple[str, str | None]) -> crud.Crumbs:
    return [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        *extra,
    ]


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


def _can(user: Any, perm: str, exercise: Any, model: type[Any] = Inject) -> bool:
    return bool(user.has_perm(perm, model(exercise=exercise)))


# --- situations --------------------------------------------------------------------------------

SITUATION: crud.Entity[Situation] = crud.Entity(
    name="situation",
    visible=selectors.situation_list,
    perm=services.CHANGE,
    create=services.situation_create,
    update=services.situation_update,
    delete=services.situation_delete,
)


def _situation(user: Any, exercise_pk: int, pk: int) -> Situation:
    return get_visible_or_404(selectors.exercise_situations(user, exercise_pk), pk=pk)


def _situation_for_change(user: Any, exercise_pk: int, pk: int) -> Situation:
    situation = _situation(user, exercise_pk, pk)
    if not user.has_perm(services.CHANGE, situation):
        raise PermissionDenied(_("Bạn không có quyền sửa tình huống này."))
    return situation


@login_required
@require_GET
def situation_list_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    from django.db.models import Count

    rows: list[Any] = list(
        selectors.exercise_situations(user, exercise.pk).annotate(inject_count=Count("injects"))
    )
    log_classified_reads(user, rows)
    clearance = get_scope(user).clearance
    for row in rows:
        row.location_shown = row.location_for(clearance)
    return render_page(
        request,
        "scenario/situation_list.html",
        {
            "exercise": exercise,
            "rows": rows,
            "can_add": _can(user, services.CHANGE, exercise, Situation),
            "breadcrumbs": _crumbs(exercise, (_("Tình huống"), None)),
            "page_classification": marking_of(
                [exercise.classification, *(r.classification for r in rows)]
            ),
        },
    )


@login_required
@require_GET
def situation_detail_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    situation = _situation(user, exercise_pk, pk)
    log_classified_read(user, situation)
    can_manage = user.has_perm(services.CHANGE, situation)
    injects = list(selectors.story_order(selectors.inject_list(user).filter(situation=situation)))
    location = situation.location_for(get_scope(user).clearance)
    return render_page(
        request,
        "scenario/situation_detail.html",
        {
            "situation": situation,
            "exercise": situation.exercise,
            "injects": injects,
            "location": location,
            "can_manage": can_manage,
            "edit_url": reverse("scenario:situation_update", args=[exercise_pk, pk])
            if can_manage
            else None,
            "delete_url": reverse("scenario:situation_delete", args=[exercise_pk, pk])
            if can_manage
            else None,
            "history_url": crud.history_url(situation),
            "breadcrumbs": _crumbs(
                situation.exercise,
                (_("Tình huống"), reverse("scenario:situation_list", args=[exercise_pk])),
                (situation.code, None),
            ),
            "page_classification": marking_of(
                [
                    situation.classification,
                    situation.location_level if location else 0,
                    *(i.classification for i in injects),
                ]
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def situation_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not _can(user, services.CHANGE, exercise, Situation):
        raise PermissionDenied(_("Bạn không có quyền thêm tình huống."))
    form = SituationForm(
        request.POST or None,
        instance=Situation(exercise=exercise, classification=exercise.classification),
        user=user,
    )
    return crud.form_page(
        request,
        form,
        save=lambda: services.situation_create(
            exercise=exercise, **form.service_data(), actor=user
        ),
        saved=_("Đã thêm tình huống “%(obj)s”."),
        title=_("Thêm tình huống"),
        breadcrumbs=_crumbs(
            exercise,
            (_("Tình huống"), reverse("scenario:situation_list", args=[exercise.pk])),
            (_("Thêm mới"), None),
        ),
        cancel_url=reverse("scenario:situation_list", args=[exercise.pk]),
        classification=exercise.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def situation_update_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    situation = _situation_for_change(request.user, exercise_pk, pk)
    return crud.update_page(
        request,
        SITUATION,
        situation,
        SituationForm,
        saved=_("Đã lưu tình huống “%(obj)s”."),
        title=_("Sửa tình huống “%(obj)s”"),
        breadcrumbs=_crumbs(
            situation.exercise,
            (_("Tình huống"), reverse("scenario:situation_list", args=[exercise_pk])),
            (situation.code, situation.get_absolute_url()),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def situation_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    situation = _situation_for_change(request.user, exercise_pk, pk)
    return crud.delete_page(
        request,
        SITUATION,
        situation,
        what=_("tình huống"),
        breadcrumbs=_crumbs(
            situation.exercise,
            (_("Tình huống"), reverse("scenario:situation_list", args=[exercise_pk])),
            (situation.code, situation.get_absolute_url()),
        ),
        success_url=reverse("scenario:situation_list", args=[exercise_pk]),
    )


# --- MSEL --------------------------------------------------------------------------------------

INJECT: crud.Entity[Inject] = crud.Entity(
    name="inject",
    visible=selectors.inject_list,
    perm=services.CHANGE,
    create=services.inject_create,
    update=services.inject_update,
    delete=services.inject_delete,
)


def _inject(user: Any, exercise_pk: int, pk: int) -> Inject:
    return get_visible_or_404(selectors.inject_list(user).filter(exercise_id=exercise_pk), pk=pk)


def _inject_for_change(user: Any, exercise_pk: int, pk: int) -> Inject:
    inject = _inject(user, exercise_pk, pk)
    if not user.has_perm(services.CHANGE, inject):
        raise PermissionDenied(_("Bạn không có quyền sửa sự kiện này."))
    return inject


def _msel_crumbs(exercise: Any, *extra: tuple[str, str | None]) -> crud.Crumbs:
    return _crumbs(
        exercise,
        (_("Kịch bản chi tiết (MSEL)"), reverse("scenario:msel", args=[exercise.pk])),
        *extra,
    )


def _decorate(user: Any, rows: list[Any]) -> None:
    for row in rows:
        row.status_badge = STATUS_BADGES.get(row.status, "")
        row.moves = [(to, MOVE_LABELS[to]) for to in services.allowed_moves(user, row)]


MSEL_PER_PAGE = 25
LOG_PER_PAGE = 50


@login_required
@require_GET
def msel_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    filters = selectors.InjectFilters.from_query(request.GET)
    page = paginate(request, selectors.inject_search(user, exercise.pk, filters), MSEL_PER_PAGE)
    rows = list(page.object_list)
    log_classified_reads(user, rows)
    _decorate(user, rows)
    from kvpt.organisations.selectors import person_list

    # The filter's options show a name only: no related rows, two columns.
    controllers = (
        person_list(user)
        .filter(
            pk__in=selectors.inject_list(user).filter(exercise=exercise).values("controller_id")
        )
        .select_related(None)
        .only("pk", "full_name")
    )
    context = {
        "exercise": exercise,
        "page_obj": page,
        "rows": rows,
        "filters": filters,
        "phases": phase_list(user).filter(exercise=exercise),
        "situations": selectors.exercise_situations(user, exercise.pk),
        "statuses": InjectStatus.choices,
        "controllers": controllers,
        "query": request.GET.urlencode(),
        "can_add": _can(user, services.CHANGE, exercise),
        "breadcrumbs": _crumbs(exercise, (_("Kịch bản chi tiết (MSEL)"), None)),
        "page_classification": marking_of(
            [exercise.classification, *(r.classification for r in rows)]
        ),
    }
    return render_page(
        request, "scenario/msel.html", context, partial="scenario/partials/msel_table.html"
    )


TIMELINE_PER_PAGE = 50


def _day_of(scenario_time: str) -> str:
    return scenario_time.split(" ")[0] if scenario_time else _("Chưa có thời gian")


@login_required
@require_GET
def msel_timeline_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """The MSEL in story order: scenario time beside the real schedule and the actual delivery.

    A window of TIMELINE_PER_PAGE injects at a time (`?page=`), optionally of one situation
    (`?situation=`); the day index jumps to the page where each scenario day begins, and the
    schedule bar spans the whole exercise (bounds from the database).
    """
    user = request.user
    exercise = _exercise(user, exercise_pk)
    every = selectors.inject_list(user).filter(exercise=exercise)
    situation = request.GET.get("situation", "")
    chosen = selectors.story_order(with_id(every, "situation_id", situation))
    page = paginate(request, chosen, TIMELINE_PER_PAGE)
    rows: list[Any] = list(page.object_list)
    log_classified_reads(user, rows)
    _decorate(user, rows)
    bounds = every.order_by().aggregate(start=Min("scheduled_at"), end=Max("scheduled_at"))
    start, end = bounds["start"], bounds["end"]
    span = (end - start).total_seconds() if start and end and end > start else 0
    for row in rows:
        row.position = (
            round((row.scheduled_at - start).total_seconds() / span * 100, 1)
            if span and row.scheduled_at and start
            else (0 if row.scheduled_at else None)
        )
        row.late_minutes = (
            round((row.delivered_at - row.scheduled_at).total_seconds() / 60)
            if row.delivered_at and row.scheduled_at
            else None
        )
    days: list[dict[str, Any]] = []
    for row in rows:
        day = _day_of(row.scenario_time)
        if not days or days[-1]["label"] != day:
            days.append({"label": day, "rows": []})
        days[-1]["rows"].append(row)
    # The day index: where each scenario day begins (one narrow query over the story order).
    day_pages: list[tuple[str, int]] = []
    for index, scenario_time in enumerate(chosen.values_list("scenario_time", flat=True)):
        label = _day_of(scenario_time)
        if not day_pages or day_pages[-1][0] != label:
            day_pages.append((label, index // TIMELINE_PER_PAGE + 1))
    return render_page(
        request,
        "scenario/msel_timeline.html",
        {
            "exercise": exercise,
            "days": days,
            "day_pages": day_pages,
            "page_obj": page,
            "situations": selectors.exercise_situations(user, exercise.pk),
            "situation": situation,
            "start": start,
            "end": end,
            "breadcrumbs": _msel_crumbs(exercise, (_("Dòng thời gian"), None)),
            "page_classification": marking_of(
                [exercise.classification, *(r.classification for r in rows)]
            ),
        },
    )


@login_required
@require_GET
def inject_detail_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    inject = _inject(user, exercise_pk, pk)
    log_classified_read(user, inject)
    can_manage = user.has_perm(services.CHANGE, inject)
    _decorate(user, [inject])
    return render_page(
        request,
        "scenario/inject_detail.html",
        {
            "inject": inject,
            "exercise": inject.exercise,
            "transitions": list(inject.transitions.select_related("by")),
            "can_manage": can_manage,
            "edit_url": reverse("scenario:inject_update", args=[exercise_pk, pk])
            if can_manage
            else None,
            "delete_url": reverse("scenario:inject_delete", args=[exercise_pk, pk])
            if can_manage
            else None,
            "history_url": crud.history_url(inject),
            "breadcrumbs": _msel_crumbs(inject.exercise, (f"#{inject.serial}", None)),
            "page_classification": inject.classification,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inject_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not _can(user, services.CHANGE, exercise):
        raise PermissionDenied(_("Bạn không có quyền thêm sự kiện kịch bản."))
    initial = {}
    if request.GET.get("situation"):
        initial["situation"] = request.GET["situation"]
    form = InjectForm(
        request.POST or None,
        instance=Inject(exercise=exercise, classification=exercise.classification),
        initial=initial,
        user=user,
    )
    return crud.form_page(
        request,
        form,
        save=lambda: services.inject_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm sự kiện “%(obj)s”."),
        title=_("Thêm sự kiện kịch bản"),
        breadcrumbs=_msel_crumbs(exercise, (_("Thêm mới"), None)),
        cancel_url=reverse("scenario:msel", args=[exercise.pk]),
        classification=exercise.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def inject_update_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    inject = _inject_for_change(request.user, exercise_pk, pk)
    return crud.update_page(
        request,
        INJECT,
        inject,
        InjectForm,
        saved=_("Đã lưu sự kiện “%(obj)s”."),
        title=_("Sửa sự kiện “%(obj)s”"),
        breadcrumbs=_msel_crumbs(inject.exercise, (f"#{inject.serial}", inject.get_absolute_url())),
    )


@login_required
@require_http_methods(["GET", "POST"])
def inject_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    inject = _inject_for_change(request.user, exercise_pk, pk)
    return crud.delete_page(
        request,
        INJECT,
        inject,
        what=_("sự kiện kịch bản"),
        breadcrumbs=_msel_crumbs(inject.exercise, (f"#{inject.serial}", inject.get_absolute_url())),
        success_url=reverse("scenario:msel", args=[exercise_pk]),
    )


@login_required
@require_POST
def inject_move_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    """Approve, deliver, complete, skip ... from the table, the detail page or the console."""
    user = request.user
    inject = _inject(user, exercise_pk, pk)
    to_status = request.POST.get("to", "")
    version = request.POST.get("version")
    try:
        services.inject_transition(
            inject=inject,
            to_status=to_status,
            note=request.POST.get("note", ""),
            expected_version=int(version) if version and version.isdigit() else None,
            actor=user,
        )
    except ConcurrentEditError as exc:
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Sự kiện #%(serial)s: %(status)s.")
            % {"serial": inject.serial, "status": InjectStatus(to_status).label},
        )
    if request.POST.get("from") == "console":
        if _is_htmx(request):
            return _live_response(request, exercise_pk)
        return redirect("scenario:conduct", exercise_pk=exercise_pk)
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect(inject.get_absolute_url())


# --- MSEL in Excel -----------------------------------------------------------------------------


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=xl.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def msel_export_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    filters = selectors.InjectFilters.from_query(request.GET)
    injects = list(selectors.inject_search(user, exercise.pk, filters))
    data = sheets.msel_export(exercise=exercise, injects=injects, actor=user)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in exercise.code)
    return _xlsx_response(data, f"msel-{safe}.xlsx")


def _import_key(user: Any, exercise: Any, digest: str) -> str:
    return f"kvpt:msel-import:{user.pk}:{exercise.pk}:{digest}"


@login_required
@require_http_methods(["GET", "POST"])
def msel_import_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """Upload -> map the sheet's columns -> dry run (every problem) -> confirm (all or nothing).

    Between the steps the checked file waits in the shared cache for 30 minutes.
    """
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not _can(user, services.CHANGE, exercise):
        raise PermissionDenied(_("Bạn không có quyền nhập kịch bản cho cuộc diễn tập này."))
    step = request.POST.get("step", "upload") if request.method == "POST" else "upload"
    upload_form = MselImportForm(
        request.POST if step == "upload" and request.method == "POST" else None,
        request.FILES or None,
    )
    context: dict[str, Any] = {
        "exercise": exercise,
        "upload_form": upload_form,
        "columns": sheets.columns(),
        "max_mb": xl.max_import_bytes() // 1048576,
        "page_classification": exercise.classification,
        "breadcrumbs": _msel_crumbs(exercise, (_("Nhập từ Excel"), None)),
    }
    status = 200
    if request.method == "POST" and step == "upload":
        if not upload_form.is_valid():
            status = 422
        else:
            try:
                data = xl.check_xlsx_upload(upload_form.cleaned_data["file"])
                headers = sheets.sheet_headers(data)
            except xl.SpreadsheetRejectedError as exc:
                upload_form.add_error("file", exc.messages[0])
                status = 422
            else:
                digest = hashlib.sha256(data).hexdigest()
                cache.set(_import_key(user, exercise, digest), data, _IMPORT_KEEP_SECONDS)
                context.update(
                    step="map",
                    digest=digest,
                    headers_json=json.dumps(headers, ensure_ascii=False),
                    mapping_form=MappingForm(
                        headers=headers,
                        fields=sheets.field_choices(),
                        proposed=sheets.propose_mapping(headers),
                    ),
                )
    elif request.method == "POST" and step in ("map", "confirm"):
        digest = request.POST.get("digest", "")
        data = cache.get(_import_key(user, exercise, digest))
        if data is None:
            messages.error(request, _("Tệp đã tải lên hết hạn; hãy tải tệp lên lại."))
            return redirect("scenario:msel_import", exercise_pk=exercise.pk)
        try:
            headers = [str(h) for h in json.loads(request.POST.get("headers", "[]"))]
        except (ValueError, TypeError):
            headers = []
        mapping_form = MappingForm(
            request.POST, headers=headers, fields=sheets.field_choices(), proposed={}
        )
        context.update(
            step="map",
            digest=digest,
            headers_json=json.dumps(headers, ensure_ascii=False),
            mapping_form=mapping_form,
        )
        if not mapping_form.is_valid():
            status = 422
        else:
            mapping = mapping_form.mapping()
            result = sheets.msel_import(
                exercise=exercise,
                data=data,
                mapping=mapping,
                dry_run=step == "map",
                actor=user,
            )
            context["result"] = result
            if result.applied:
                cache.delete(_import_key(user, exercise, digest))
                messages.success(
                    request,
                    _("Đã nhập: thêm %(created)s, sửa %(updated)s sự kiện.")
                    % {"created": len(result.created), "updated": len(result.updated)},
                )
                return redirect("scenario:msel", exercise_pk=exercise.pk)
            if result.errors:
                status = 422
    return render_page(request, "scenario/msel_import.html", context, status=status)


# --- conduct console ---------------------------------------------------------------------------


def _hours_minutes(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _console_context(request: HttpRequest, exercise: Any) -> dict[str, Any]:
    user = request.user
    state = selectors.console_state(user, exercise)
    for group in (state.due, state.upcoming, state.delivered):
        _decorate(user, group)
    can_conduct = _can(user, services.CONDUCT, exercise, SafetyIncident)
    clock = state.clock
    elapsed = clock.elapsed(state.now) if clock else None
    return {
        "exercise": exercise,
        "state": state,
        "clock": clock,
        "elapsed_text": _hours_minutes(elapsed.total_seconds() if elapsed else 0),
        "can_conduct": can_conduct,
        "log_form": LogEntryForm(user=user, exercise=exercise) if can_conduct else None,
        "page_classification": marking_of(
            [
                exercise.classification,
                *(i.classification for i in state.due + state.upcoming + state.delivered),
                *(e.classification for e in state.log),
                *(i.classification for i in state.incidents),
            ]
        ),
    }


@login_required
@require_GET
def conduct_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    exercise = _exercise(request.user, exercise_pk)
    context = _console_context(request, exercise)
    context["breadcrumbs"] = _crumbs(exercise, (_("Điều hành diễn tập"), None))
    return render_page(request, "scenario/conduct.html", context)


@require_GET
def conduct_live_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """The console's live part alone: htmx polls it every 3 seconds.

    A poll after the session ended sends the whole page to the login page (HX-Redirect) instead
    of swapping the login form into the console.
    """
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        page = reverse("scenario:conduct", args=[exercise_pk])
        if _is_htmx(request):
            login = redirect_to_login(page)["Location"]
            return HttpResponse(status=204, headers={"HX-Redirect": login})
        return redirect_to_login(page)
    return _live_response(request, exercise_pk)


def _live_response(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    exercise = _exercise(request.user, exercise_pk)
    response = render_page(
        request, "scenario/partials/conduct_live.html", _console_context(request, exercise)
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def clock_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    # The role first: someone who may not run the clock learns nothing about a bad action name.
    if not _can(user, services.CONDUCT, exercise, ConductLogEntry):
        raise PermissionDenied(_("Bạn không có quyền điều khiển đồng hồ diễn tập."))
    try:
        services.clock_action(exercise=exercise, action=request.POST.get("action", ""), actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if _is_htmx(request):
        return _live_response(request, exercise_pk)
    return redirect("scenario:conduct", exercise_pk=exercise_pk)


@login_required
@require_http_methods(["GET", "POST"])
def log_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """The whole conduct log (nhật ký điều hành); a POST adds an entry (here or the console)."""
    user = request.user
    exercise = _exercise(user, exercise_pk)
    can_conduct = _can(user, services.CONDUCT, exercise, ConductLogEntry)
    form = LogEntryForm(request.POST or None, user=user, exercise=exercise)
    status = 200
    if request.method == "POST":
        if not can_conduct:
            raise PermissionDenied(_("Bạn không có quyền ghi nhật ký điều hành."))
        if form.is_valid():
            try:
                services.log_entry_create(
                    exercise=exercise,
                    text=form.cleaned_data["text"],
                    inject=form.cleaned_data["inject"],
                    actor=user,
                )
            except ValidationError as exc:
                crud.apply_service_errors(form, exc)
                status = 422
            else:
                if request.POST.get("from") == "console":
                    if _is_htmx(request):
                        return _live_response(request, exercise_pk)
                    return redirect("scenario:conduct", exercise_pk=exercise_pk)
                messages.success(request, _("Đã ghi nhật ký."))
                return redirect("scenario:log", exercise_pk=exercise_pk)
        else:
            status = 422
    page = paginate(request, selectors.log_entry_list(user).filter(exercise=exercise), LOG_PER_PAGE)
    rows = list(page.object_list)
    log_classified_reads(user, rows)
    incidents = list(selectors.incident_list(user).filter(exercise=exercise))
    log_classified_reads(user, incidents)
    return render_page(
        request,
        "scenario/log.html",
        {
            "exercise": exercise,
            "page_obj": page,
            "rows": rows,
            "incidents": incidents,
            "safety": selectors.safety_summary(user, exercise.pk),
            "form": form if can_conduct else None,
            "can_conduct": can_conduct,
            "breadcrumbs": _crumbs(
                exercise,
                (_("Điều hành diễn tập"), reverse("scenario:conduct", args=[exercise.pk])),
                (_("Nhật ký điều hành"), None),
            ),
            "page_classification": marking_of(
                [
                    exercise.classification,
                    *(r.classification for r in rows),
                    *(i.classification for i in incidents),
                ]
            ),
        },
        status=status,
    )


LOG_ENTRY: crud.Entity[ConductLogEntry] = crud.Entity(
    name="entry",
    visible=selectors.log_entry_list,
    perm=services.CONDUCT,
    create=services.log_entry_create,
    update=services.log_entry_update,
    delete=services.log_entry_delete,
)

INCIDENT: crud.Entity[SafetyIncident] = crud.Entity(
    name="incident",
    visible=selectors.incident_list,
    perm=services.CONDUCT,
    create=services.incident_create,
    update=services.incident_update,
    delete=services.incident_delete,
)


@login_required
@require_http_methods(["GET", "POST"])
def log_entry_update_view(
    request: HttpRequest, exercise_pk: int, conductlogentry_pk: int
) -> HttpResponse:
    pk = conductlogentry_pk  # named after the model so the URL matrix can fill it
    user = request.user
    entry = get_visible_or_404(
        selectors.log_entry_list(user).filter(exercise_id=exercise_pk), pk=pk
    )
    if not user.has_perm(services.CONDUCT, entry):
        raise PermissionDenied(_("Bạn không có quyền sửa nhật ký điều hành."))
    return crud.update_page(
        request,
        LOG_ENTRY,
        entry,
        LogEntryEditForm,
        saved=_("Đã lưu nhật ký."),
        title=_("Sửa dòng nhật ký"),
        breadcrumbs=_crumbs(
            entry.exercise,
            (_("Nhật ký điều hành"), reverse("scenario:log", args=[exercise_pk])),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not _can(user, services.CONDUCT, exercise, SafetyIncident):
        raise PermissionDenied(_("Bạn không có quyền ghi sự cố an toàn."))
    form = IncidentForm(
        request.POST or None,
        instance=SafetyIncident(
            exercise=exercise, classification=exercise.classification, at=timezone.now()
        ),
        user=user,
    )
    return crud.form_page(
        request,
        form,
        save=lambda: services.incident_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã ghi sự cố “%(obj)s”."),
        title=_("Ghi sự cố an toàn"),
        breadcrumbs=_crumbs(
            exercise,
            (_("Điều hành diễn tập"), reverse("scenario:conduct", args=[exercise.pk])),
            (_("Sự cố an toàn"), None),
        ),
        cancel_url=reverse("scenario:conduct", args=[exercise.pk]),
        classification=exercise.classification,
        success_url=lambda obj: reverse("scenario:log", args=[exercise.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_update_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    incident = get_visible_or_404(
        selectors.incident_list(user).filter(exercise_id=exercise_pk), pk=pk
    )
    if not user.has_perm(services.CONDUCT, incident):
        raise PermissionDenied(_("Bạn không có quyền sửa sự cố an toàn."))
    return crud.update_page(
        request,
        INCIDENT,
        incident,
        IncidentForm,
        saved=_("Đã lưu sự cố “%(obj)s”."),
        title=_("Sửa sự cố “%(obj)s”"),
        breadcrumbs=_crumbs(
            incident.exercise,
            (_("Nhật ký điều hành"), reverse("scenario:log", args=[exercise_pk])),
        ),
    )


urlpatterns = [
    path("<int:exercise_pk>/situations/", situation_list_view, name="situation_list"),
    path("<int:exercise_pk>/situations/new/", situation_create_view, name="situation_create"),
    path("<int:exercise_pk>/situations/<int:pk>/", situation_detail_view, name="situation_detail"),
    path(
        "<int:exercise_pk>/situations/<int:pk>/edit/",
        situation_update_view,
        name="situation_update",
    ),
    path(
        "<int:exercise_pk>/situations/<int:pk>/delete/",
        situation_delete_view,
        name="situation_delete",
    ),
    path("<int:exercise_pk>/msel/", msel_view, name="msel"),
    path("<int:exercise_pk>/msel/timeline/", msel_timeline_view, name="msel_timeline"),
    path("<int:exercise_pk>/msel/export.xlsx", msel_export_view, name="msel_export"),
    path("<int:exercise_pk>/msel/import/", msel_import_view, name="msel_import"),
    path("<int:exercise_pk>/msel/new/", inject_create_view, name="inject_create"),
    path("<int:exercise_pk>/msel/<int:pk>/", inject_detail_view, name="inject_detail"),
    path("<int:exercise_pk>/msel/<int:pk>/edit/", inject_update_view, name="inject_update"),
    path("<int:exercise_pk>/msel/<int:pk>/delete/", inject_delete_view, name="inject_delete"),
    path("<int:exercise_pk>/msel/<int:pk>/move/", inject_move_view, name="inject_move"),
    path("<int:exercise_pk>/conduct/", conduct_view, name="conduct"),
    path("<int:exercise_pk>/conduct/live/", conduct_live_view, name="conduct_live"),
    path("<int:exercise_pk>/conduct/clock/", clock_view, name="clock"),
    path("<int:exercise_pk>/conduct/log/", log_view, name="log"),
    path(
        "<int:exercise_pk>/conduct/log/<int:conductlogentry_pk>/edit/",
        log_entry_update_view,
        name="log_entry_update",
    ),
    path("<int:exercise_pk>/conduct/incidents/new/", incident_create_view, name="incident_create"),
    path(
        "<int:exercise_pk>/conduct/incidents/<int:pk>/edit/",
        incident_update_view,
        name="incident_update",
    ),
]
