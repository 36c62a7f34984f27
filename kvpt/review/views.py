"""Pages of the review: the exercise's review overview, the conference's fast entry screen for the
secretary (htmx: a new observation or directive is appended without reloading, the form cleared),
observations, directives and corrective actions (detail, edit, delete, status moves, evidence),
the action tracker (directing level and "Việc của tôi") and the notifications.

Outside the user's scope (or above their clearance) -> 404; in scope without the right -> 403;
anonymous -> the login page.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core.models import AccessLog
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.uploads import attachment_response
from kvpt.core.views_helpers import (
    log_classified_read,
    log_classified_reads,
    marking_of,
    paginate,
    paginate_as,
    render_page,
)
from kvpt.exercises.selectors import exercise_list
from kvpt.review import selectors, services
from kvpt.review.forms import (
    ActionForm,
    ActionProgressForm,
    ConferenceForm,
    DirectiveForm,
    EvidenceForm,
    MoveForm,
    ObservationForm,
    QuickDirectiveForm,
    QuickObservationForm,
)
from kvpt.review.localtime import local_today
from kvpt.review.models import (
    ActionEvidence,
    ActionStatus,
    Conference,
    CorrectiveAction,
    Directive,
    Observation,
    ObservationArea,
    ObservationKind,
    ObservationState,
)

CONFERENCE: crud.Entity[Conference] = crud.Entity(
    name="conference",
    visible=selectors.conference_list,
    perm=services.RECORD,
    create=services.conference_create,
    update=services.conference_update,
    delete=services.conference_delete,
)
OBSERVATION: crud.Entity[Observation] = crud.Entity(
    name="observation",
    visible=selectors.observation_list,
    perm=services.RECORD,
    create=services.observation_create,
    update=services.observation_update,
    delete=services.observation_delete,
)
DIRECTIVE: crud.Entity[Directive] = crud.Entity(
    name="directive",
    visible=selectors.directive_list,
    perm=services.RECORD,
    create=services.directive_create,
    update=services.directive_update,
    delete=services.directive_delete,
)
ACTION: crud.Entity[CorrectiveAction] = crud.Entity(
    name="action",
    visible=selectors.action_list,
    perm=services.MANAGE_ACTION,
    create=services.action_create,
    update=services.action_update,
    delete=services.action_delete,
)

STATUS_BADGES = {
    ActionStatus.IN_PROGRESS: "badge-warn",
    ActionStatus.DONE_PENDING_APPROVAL: "badge-warn",
    ActionStatus.CLOSED: "badge-ok",
}


# --- helpers ---------------------------------------------------------------------------------


def _exercise(user: Any, exercise_pk: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_pk)


def _record(entity: crud.Entity[Any], user: Any, exercise_pk: int, pk: int) -> Any:
    return get_visible_or_404(entity.visible(user).filter(exercise_id=exercise_pk), pk=pk)


def _for_change(entity: crud.Entity[Any], user: Any, exercise_pk: int, pk: int) -> Any:
    obj = _record(entity, user, exercise_pk, pk)
    if not user.has_perm(entity.perm, obj):
        raise PermissionDenied(_("Bạn không có quyền sửa bản ghi này."))
    return obj


def _can_record(user: Any, exercise: Any) -> bool:
    return bool(user.has_perm(services.RECORD, Observation(exercise=exercise)))


def _crumbs(exercise: Any, *more: tuple[str, str | None]) -> crud.Crumbs:
    return [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        (_("Tổng kết, rút kinh nghiệm"), reverse("review:overview", args=[exercise.pk])),
        *more,
    ]


def _edit_page(
    request: HttpRequest,
    entity: crud.Entity[Any],
    obj: Any,
    form_class: Any,
    *,
    what: str,
) -> HttpResponse:
    form = form_class(request.POST or None, instance=copy.copy(obj), user=request.user)
    return crud.form_page(
        request,
        form,
        save=lambda: entity.change(
            obj, form.service_data(), expected_version=form.expected_version, actor=request.user
        ),
        saved=_("Đã lưu %(what)s “%%(obj)s”.") % {"what": what},
        title=_("Sửa %(what)s “%(obj)s”") % {"what": what, "obj": obj.code},
        breadcrumbs=_crumbs(obj.exercise, (obj.code, obj.get_absolute_url()), (_("Sửa"), None)),
        cancel_url=obj.get_absolute_url(),
        classification=obj.classification,
    )


def _delete_page(
    request: HttpRequest, entity: crud.Entity[Any], obj: Any, *, what: str
) -> HttpResponse:
    return crud.delete_page(
        request,
        entity,
        obj,
        what=what,
        breadcrumbs=_crumbs(obj.exercise, (obj.code, obj.get_absolute_url())),
        success_url=reverse("review:overview", args=[obj.exercise_id]),
    )


def _decorate_actions(actions: Any, today: Any, user: Any = None) -> list[Any]:
    """Badges and the overdue flag; with `user`, whether they may approve a pending closure."""
    rows = list(actions)
    for row in rows:
        row.status_badge = STATUS_BADGES.get(row.status, "")
        row.is_overdue = row.is_overdue_on(today)
        row.can_approve = (
            user is not None
            and row.status == ActionStatus.DONE_PENDING_APPROVAL
            and user.has_perm(services.APPROVE_ACTION, row)
        )
    return rows


# --- the exercise's review overview ----------------------------------------------------------


OVERVIEW_PER_PAGE = 25


@login_required
def overview_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """The exercise's review: each list a page at a time (`?obs_page=`, `?dir_page=`,
    `?act_page=`, filters kept), the totals counted in the database over all rows."""
    user = request.user
    exercise = _exercise(user, exercise_pk)
    today = local_today()
    conferences = list(selectors.conference_list(user).filter(exercise=exercise))
    found = selectors.observation_search(
        user,
        exercise.pk,
        q=request.GET.get("q", ""),
        kind=request.GET.get("kind", ""),
        area=request.GET.get("area", ""),
        state=request.GET.get("state", ""),
    )
    observation_page = paginate_as(
        request, found, "obs_page", OVERVIEW_PER_PAGE, anchor="observations"
    )
    observations = list(observation_page.object_list)
    directive_page = paginate_as(
        request,
        selectors.directive_actions(user, exercise.pk).order_by("created_at", "code"),
        "dir_page",
        OVERVIEW_PER_PAGE,
        anchor="directives",
    )
    directives = list(directive_page.object_list)
    action_page = paginate_as(
        request,
        selectors.action_tracker(
            user, selectors.ActionFilters(exercise=str(exercise.pk)), today=today
        ),
        "act_page",
        OVERVIEW_PER_PAGE,
        anchor="actions",
    )
    actions = _decorate_actions(action_page.object_list, today)
    log_classified_reads(user, [*conferences, *observations, *directives, *actions])
    return render_page(
        request,
        "review/overview.html",
        {
            "exercise": exercise,
            "conferences": conferences,
            "observations": observations,
            "observation_page": observation_page,
            "observation_counts": selectors.observation_counts(user, exercise.pk),
            "directives": directives,
            "directive_page": directive_page,
            "actions": actions,
            "action_page": action_page,
            "action_counts": selectors.action_counts(user, exercise.pk, today),
            "filters": request.GET,
            "kinds": ObservationKind.choices,
            "areas": ObservationArea.choices,
            "states": ObservationState.choices,
            "can_record": _can_record(user, exercise),
            "can_manage_actions": user.has_perm(
                services.MANAGE_ACTION, CorrectiveAction(exercise=exercise)
            ),
            "breadcrumbs": [*_crumbs(exercise)[:-1], (_("Tổng kết, rút kinh nghiệm"), None)],
            "page_classification": marking_of(
                [
                    exercise.classification,
                    *(r.classification for r in [*conferences, *observations, *directives]),
                    *(a.classification for a in actions),
                ]
            ),
        },
    )


# --- conferences -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conference_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not user.has_perm(services.RECORD, Conference(exercise=exercise)):
        raise PermissionDenied(_("Bạn không có quyền ghi hội nghị của cuộc diễn tập này."))
    form = ConferenceForm(request.POST or None, instance=Conference(exercise=exercise), user=user)
    return crud.form_page(
        request,
        form,
        save=lambda: services.conference_create(
            exercise=exercise, **form.service_data(), actor=user
        ),
        saved=_("Đã thêm hội nghị “%(obj)s”."),
        title=_("Thêm hội nghị tổng kết"),
        breadcrumbs=[*_crumbs(exercise), (_("Thêm hội nghị"), None)],
        cancel_url=reverse("review:overview", args=[exercise.pk]),
        classification=exercise.classification,
    )


# The conference screen shows the latest entries; older ones come a batch at a time (htmx).
CONFERENCE_LATEST = 20


def _conference_observations(user: Any, conference: Conference) -> Any:
    return selectors.observation_list(user).filter(conference=conference)


def _conference_directives(user: Any, conference: Conference) -> Any:
    return (
        selectors.directive_list(user)
        .filter(conference=conference)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=selectors.action_list(user).order_by("code"),
                to_attr="visible_actions",
            )
        )
    )


def _latest(queryset: Any, batch: int, total: int) -> tuple[list[Any], int | None]:
    """Batch `batch` (1 = the newest) of `queryset` in reading order (oldest first), and the
    number of the next, older batch if there is one."""
    start = (batch - 1) * CONFERENCE_LATEST
    rows = list(queryset.order_by("-created_at", "-pk")[start : start + CONFERENCE_LATEST])
    rows.reverse()
    older = batch + 1 if total > start + CONFERENCE_LATEST else None
    return rows, older


def _conference_context(request: HttpRequest, conference: Conference) -> dict[str, Any]:
    user = request.user
    today = local_today()
    observation_qs = _conference_observations(user, conference)
    directive_qs = _conference_directives(user, conference)
    # Counted over all rows, and the page keeps the marking of the most classified entry of the
    # conference, shown now or loaded on demand (as when the page listed them all).
    observation_stats = observation_qs.order_by().aggregate(
        n=Count("pk"), top=Max("classification")
    )
    directive_stats = directive_qs.order_by().aggregate(n=Count("pk"), top=Max("classification"))
    observation_total, directive_total = observation_stats["n"], directive_stats["n"]
    observations, observations_older = _latest(observation_qs, 1, observation_total)
    directives, directives_older = _latest(directive_qs, 1, directive_total)
    for directive in directives:
        _decorate_actions(directive.visible_actions, today)
    chairs = list(conference.chairs.all())
    can_record = user.has_perm(services.RECORD, conference)
    return {
        "conference": conference,
        "exercise": conference.exercise,
        "chairs": chairs,
        "observations": observations,
        "observation_total": observation_total,
        "observations_older": observations_older,
        "directives": directives,
        "directive_total": directive_total,
        "directives_older": directives_older,
        "can_record": can_record,
        "can_manage_actions": user.has_perm(services.MANAGE_ACTION, conference),
        "observation_form": QuickObservationForm(user=user, exercise=conference.exercise_id)
        if can_record
        else None,
        "directive_form": QuickDirectiveForm(
            user=user, exercise=conference.exercise_id, chairs=chairs
        )
        if can_record
        else None,
        "breadcrumbs": _crumbs(conference.exercise, (conference.code, None)),
        "page_classification": marking_of(
            [
                conference.classification,
                observation_stats["top"],
                directive_stats["top"],
            ]
        ),
        **crud.detail_header(conference, can_manage=can_record),
        "edit_url": reverse("review:conference_edit", args=[conference.exercise_id, conference.pk])
        if can_record
        else None,
        "delete_url": reverse(
            "review:conference_delete", args=[conference.exercise_id, conference.pk]
        )
        if can_record
        else None,
    }


@login_required
def conference_detail_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    conference = _record(CONFERENCE, request.user, exercise_pk, pk)
    log_classified_read(request.user, conference)
    return render_page(
        request, "review/conference_detail.html", _conference_context(request, conference)
    )


def _older_batch(request: HttpRequest) -> int:
    try:
        return max(2, int(request.GET.get("batch", "2")))
    except ValueError:
        return 2


@login_required
@require_GET
def conference_observations_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    """htmx: an older batch of the conference's observations, to put above those shown."""
    user = request.user
    conference = _record(CONFERENCE, user, exercise_pk, pk)
    queryset = _conference_observations(user, conference)
    rows, older = _latest(queryset, _older_batch(request), queryset.count())
    log_classified_reads(user, rows)
    return render_page(
        request,
        "review/partials/observation_older.html",
        {
            "conference": conference,
            "observations": rows,
            "observations_older": older,
        },
    )


@login_required
@require_GET
def conference_directives_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    """htmx: an older batch of the conference's directives (with their actions)."""
    user = request.user
    conference = _record(CONFERENCE, user, exercise_pk, pk)
    queryset = _conference_directives(user, conference)
    rows, older = _latest(queryset, _older_batch(request), queryset.count())
    today = local_today()
    for directive in rows:
        _decorate_actions(directive.visible_actions, today)
    log_classified_reads(user, rows)
    return render_page(
        request,
        "review/partials/directive_older.html",
        {
            "conference": conference,
            "directives": rows,
            "directives_older": older,
            "can_manage_actions": user.has_perm(services.MANAGE_ACTION, conference),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_edit_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    conference = _for_change(CONFERENCE, request.user, exercise_pk, pk)
    return _edit_page(request, CONFERENCE, conference, ConferenceForm, what=_("hội nghị"))


@login_required
@require_http_methods(["GET", "POST"])
def conference_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    conference = _for_change(CONFERENCE, request.user, exercise_pk, pk)
    return _delete_page(request, CONFERENCE, conference, what=_("hội nghị"))


def _quick_answer(
    request: HttpRequest,
    conference: Conference,
    *,
    form_template: str,
    form_context: dict[str, Any],
    item_template: str | None,
    item_context: dict[str, Any],
    status: int,
    saved: str,
) -> HttpResponse:
    """htmx: the fresh (or refused) form, plus the new item appended out of band.

    Without htmx: back to the conference page with a message (the form posts like any other).
    """
    if not getattr(request, "htmx", False):
        if status == 200:
            messages.success(request, saved)
        else:
            messages.error(request, _("Chưa lưu: hãy kiểm tra nội dung đã nhập."))
        return redirect(conference.get_absolute_url())
    context = {"conference": conference, "exercise": conference.exercise, **form_context}
    context["new_item"] = item_template
    context.update(item_context)
    context["saved_message"] = saved if status == 200 else ""
    return render_page(request, form_template, context, status=status)


@login_required
@require_POST
def conference_observation_add_view(
    request: HttpRequest, exercise_pk: int, pk: int
) -> HttpResponse:
    user = request.user
    conference = _record(CONFERENCE, user, exercise_pk, pk)
    if not user.has_perm(services.RECORD, conference):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận xét tại hội nghị này."))
    form = QuickObservationForm(request.POST, user=user, exercise=conference.exercise_id)
    observation = None
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            observation = services.observation_create(
                exercise=conference.exercise,
                conference=conference,
                kind=data["kind"],
                area=data["area"],
                observation=data["observation"],
                discussion=data["discussion"],
                conclusion=data["conclusion"],
                recommendation=data["recommendation"],
                raised_by_person=data["raised_by_person"],
                tags=data["tags"],
                actor=user,
            )
        except ValidationError as exc:
            crud.apply_service_errors(form, exc)
        else:
            status = 200
            # A fresh form keeps the kind and area: the next speaker often goes on the same theme.
            form = QuickObservationForm(
                user=user,
                exercise=conference.exercise_id,
                initial={"kind": data["kind"], "area": data["area"]},
            )
    return _quick_answer(
        request,
        conference,
        form_template="review/partials/observation_form.html",
        form_context={"observation_form": form, "can_record": True},
        item_template="review/partials/observation_item.html" if observation else None,
        item_context={
            "observation": observation,
            "observation_total": _conference_observations(user, conference).count()
            if observation
            else None,
        },
        status=status,
        saved=_("Đã ghi nhận xét %(code)s.") % {"code": observation.code} if observation else "",
    )


@login_required
@require_POST
def conference_directive_add_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    conference = _record(CONFERENCE, user, exercise_pk, pk)
    if not user.has_perm(services.RECORD, conference):
        raise PermissionDenied(_("Bạn không có quyền ghi chỉ đạo tại hội nghị này."))
    chairs = list(conference.chairs.all())
    form = QuickDirectiveForm(
        request.POST, user=user, exercise=conference.exercise_id, chairs=chairs
    )
    directive = None
    status = 422
    if form.is_valid():
        rows = form.action_rows()
        if rows and not user.has_perm(services.MANAGE_ACTION, conference):
            raise PermissionDenied(_("Bạn không có quyền giao việc khắc phục."))
        try:
            from django.db import transaction

            with transaction.atomic():
                directive = services.directive_create(
                    exercise=conference.exercise,
                    conference=conference,
                    text=form.cleaned_data["text"],
                    given_by=form.cleaned_data["given_by"],
                    actor=user,
                )
                for row in rows:
                    services.action_create(
                        exercise=conference.exercise,
                        directive=directive,
                        title=row["title"],
                        owner=row["owner"],
                        responsible=row["responsible"],
                        due=row["due"],
                        start=conference.held_on,
                        actor=user,
                    )
        except ValidationError as exc:
            directive = None
            crud.apply_service_errors(form, exc)
        else:
            status = 200
            given_by = form.cleaned_data["given_by"]
            form = QuickDirectiveForm(
                user=user,
                exercise=conference.exercise_id,
                chairs=chairs,
                initial={"given_by": given_by.pk if given_by else None},
            )
    if directive is not None:
        directive = _directive_with_actions(user, directive.pk)
    return _quick_answer(
        request,
        conference,
        form_template="review/partials/directive_form.html",
        form_context={"directive_form": form, "can_record": True},
        item_template="review/partials/directive_item.html" if directive else None,
        item_context={
            "directive": directive,
            "can_manage_actions": True,
            "directive_total": _conference_directives(user, conference).count()
            if directive
            else None,
        },
        status=status,
        saved=_("Đã ghi chỉ đạo %(code)s.") % {"code": directive.code} if directive else "",
    )


def _directive_with_actions(user: Any, pk: int) -> Directive:
    directive = (
        selectors.directive_list(user)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=selectors.action_list(user).order_by("code"),
                to_attr="visible_actions",
            )
        )
        .get(pk=pk)
    )
    _decorate_actions(directive.visible_actions, local_today())
    return directive


# --- observations ----------------------------------------------------------------------------


@login_required
def observation_detail_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    observation = _record(OBSERVATION, user, exercise_pk, pk)
    log_classified_read(user, observation)
    can_record = user.has_perm(services.RECORD, observation)
    return render_page(
        request,
        "review/observation_detail.html",
        {
            "observation": observation,
            "exercise": observation.exercise,
            "transitions": observation.transitions.select_related("by"),
            "moves": services.observation_moves(observation) if can_record else [],
            "actions": _decorate_actions(
                selectors.action_list(user).filter(observation=observation), local_today()
            ),
            "can_manage_actions": user.has_perm(services.MANAGE_ACTION, observation),
            "breadcrumbs": _crumbs(observation.exercise, (observation.code, None)),
            "page_classification": observation.classification,
            **crud.detail_header(observation, can_manage=can_record),
            "edit_url": reverse("review:observation_edit", args=[observation.exercise_id, pk])
            if can_record
            else None,
            "delete_url": reverse("review:observation_delete", args=[observation.exercise_id, pk])
            if can_record
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_edit_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    observation = _for_change(OBSERVATION, request.user, exercise_pk, pk)
    return _edit_page(request, OBSERVATION, observation, ObservationForm, what=_("nhận xét"))


@login_required
@require_http_methods(["GET", "POST"])
def observation_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    observation = _for_change(OBSERVATION, request.user, exercise_pk, pk)
    return _delete_page(request, OBSERVATION, observation, what=_("nhận xét"))


@login_required
@require_POST
def observation_move_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    observation = _for_change(OBSERVATION, request.user, exercise_pk, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.observation_transition(
                observation=observation,
                to_state=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Đã chuyển trạng thái nhận xét %(code)s.") % {"code": observation.code}
            )
    return redirect(observation.get_absolute_url())


# --- directives ------------------------------------------------------------------------------


@login_required
def directive_detail_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    directive = _record(DIRECTIVE, user, exercise_pk, pk)
    log_classified_read(user, directive)
    can_record = user.has_perm(services.RECORD, directive)
    return render_page(
        request,
        "review/directive_detail.html",
        {
            "directive": directive,
            "exercise": directive.exercise,
            "actions": _decorate_actions(
                selectors.action_list(user).filter(directive=directive), local_today()
            ),
            "can_manage_actions": user.has_perm(services.MANAGE_ACTION, directive),
            "breadcrumbs": _crumbs(directive.exercise, (directive.code, None)),
            "page_classification": directive.classification,
            **crud.detail_header(directive, can_manage=can_record),
            "edit_url": reverse("review:directive_edit", args=[directive.exercise_id, pk])
            if can_record
            else None,
            "delete_url": reverse("review:directive_delete", args=[directive.exercise_id, pk])
            if can_record
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def directive_edit_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    directive = _for_change(DIRECTIVE, request.user, exercise_pk, pk)
    return _edit_page(request, DIRECTIVE, directive, DirectiveForm, what=_("chỉ đạo"))


@login_required
@require_http_methods(["GET", "POST"])
def directive_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    directive = _for_change(DIRECTIVE, request.user, exercise_pk, pk)
    return _delete_page(request, DIRECTIVE, directive, what=_("chỉ đạo"))


# --- corrective actions ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not user.has_perm(services.MANAGE_ACTION, CorrectiveAction(exercise=exercise)):
        raise PermissionDenied(_("Bạn không có quyền giao việc khắc phục."))
    initial: dict[str, Any] = {}
    for name, selector in (
        ("directive", selectors.directive_list),
        ("observation", selectors.observation_list),
    ):
        if request.GET.get(name):
            source = get_visible_or_404(
                selector(user).filter(exercise=exercise), pk=request.GET[name]
            )
            initial[name] = source.pk
    form = ActionForm(
        request.POST or None,
        instance=CorrectiveAction(exercise=exercise),
        user=user,
        exercise=exercise,
        initial=initial,
    )
    return crud.form_page(
        request,
        form,
        save=lambda: services.action_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã giao việc khắc phục “%(obj)s”."),
        title=_("Giao việc khắc phục"),
        breadcrumbs=[*_crumbs(exercise), (_("Giao việc khắc phục"), None)],
        cancel_url=reverse("review:overview", args=[exercise.pk]),
        classification=exercise.classification,
    )


@login_required
def action_detail_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    action = _record(ACTION, user, exercise_pk, pk)
    log_classified_read(user, action)
    can_manage = user.has_perm(services.MANAGE_ACTION, action)
    can_work = user.has_perm(services.WORK_ON_ACTION, action)
    open_for_work = action.status not in (ActionStatus.CLOSED, ActionStatus.CANCELLED)
    return render_page(
        request,
        "review/action_detail.html",
        {
            "action": action,
            "exercise": action.exercise,
            "is_overdue": action.is_overdue_on(local_today()),
            "status_badge": STATUS_BADGES.get(action.status, ""),
            "moves": services.action_moves(action, user),
            "evidence": list(action.evidence.select_related("uploaded_by")),
            "can_work": can_work and open_for_work,
            "progress_form": ActionProgressForm(instance=action, user=user)
            if can_work and open_for_work
            else None,
            "evidence_form": EvidenceForm() if can_work and open_for_work else None,
            "observation_visible": action.observation_id is not None
            and selectors.observation_list(user).filter(pk=action.observation_id).exists(),
            "directive_visible": action.directive_id is not None
            and selectors.directive_list(user).filter(pk=action.directive_id).exists(),
            "breadcrumbs": _crumbs(action.exercise, (action.code, None)),
            "page_classification": action.classification,
            **crud.detail_header(action, can_manage=can_manage),
            "edit_url": reverse("review:action_edit", args=[action.exercise_id, pk])
            if can_manage
            else None,
            "delete_url": reverse("review:action_delete", args=[action.exercise_id, pk])
            if can_manage
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    action = _for_change(ACTION, request.user, exercise_pk, pk)
    return _edit_page(request, ACTION, action, ActionForm, what=_("việc khắc phục"))


@login_required
@require_http_methods(["GET", "POST"])
def action_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    action = _for_change(ACTION, request.user, exercise_pk, pk)
    return _delete_page(request, ACTION, action, what=_("việc khắc phục"))


def _action_for_work(user: Any, exercise_pk: int, pk: int) -> CorrectiveAction:
    action: CorrectiveAction = _record(ACTION, user, exercise_pk, pk)
    if not (
        user.has_perm(services.WORK_ON_ACTION, action)
        or user.has_perm(services.APPROVE_ACTION, action)
    ):
        raise PermissionDenied(_("Bạn không có quyền cập nhật việc khắc phục này."))
    return action


@login_required
@require_POST
def action_move_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    action = _action_for_work(request.user, exercise_pk, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            moved = services.action_transition(
                action=action,
                to_status=form.cleaned_data["to"],
                note=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Việc khắc phục %(code)s: %(status)s.")
                % {"code": moved.code, "status": moved.get_status_display()},
            )
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = action.get_absolute_url()
    return redirect(target)


@login_required
@require_POST
def action_progress_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    action = _action_for_work(request.user, exercise_pk, pk)
    form = ActionProgressForm(request.POST, instance=copy.copy(action), user=request.user)
    if form.is_valid():
        try:
            services.action_update(
                action=action,
                changes=form.service_data(),
                expected_version=form.expected_version,
                actor=request.user,
            )
        except ConcurrentEditError as exc:
            messages.error(request, exc.messages[0])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã lưu kết quả thực hiện."))
    return redirect(action.get_absolute_url())


@login_required
@require_POST
def action_evidence_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    action = _action_for_work(request.user, exercise_pk, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                action=action,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã tải lên minh chứng."))
    else:
        messages.error(request, _("Hãy chọn tệp minh chứng."))
    return redirect(action.get_absolute_url())


@login_required
def action_evidence_download_view(
    request: HttpRequest, exercise_pk: int, pk: int, evidence_pk: int
) -> HttpResponse:
    action = _record(ACTION, request.user, exercise_pk, pk)
    evidence = get_visible_or_404(ActionEvidence.objects.filter(action=action), pk=evidence_pk)
    log_classified_read(request.user, action, AccessLog.Action.DOWNLOAD)
    return attachment_response(
        evidence.file.open("rb"), filename=evidence.filename, content_type=evidence.content_type
    )


# --- the tracker and notifications -----------------------------------------------------------


TRACKER_PER_PAGE = 25


def _tracker(request: HttpRequest, *, mine: bool) -> HttpResponse:
    user = request.user
    today = local_today()
    filters = selectors.ActionFilters(
        exercise=request.GET.get("exercise", ""),
        owner=request.GET.get("owner", ""),
        status=request.GET.get("status", ""),
        overdue=request.GET.get("overdue") == "1",
        q=request.GET.get("q", "").strip(),
    )
    page = paginate(
        request, selectors.action_tracker(user, filters, mine=mine, today=today), TRACKER_PER_PAGE
    )
    rows = _decorate_actions(page, today, user)
    log_classified_reads(user, rows)
    visible = selectors.action_list(user)
    if mine:
        visible = visible.filter(selectors.owned_by_q(user))
    counts = visible.aggregate(
        open=Count("pk", filter=Q(status__in=["open", "in_progress"])),
        overdue=Count("pk", filter=Q(status__in=["open", "in_progress"], due__lt=today)),
        pending=Count("pk", filter=Q(status=ActionStatus.DONE_PENDING_APPROVAL)),
    )
    from kvpt.organisations.selectors import agency_list

    # The filters' options show a code / a name only: no related rows, two columns each.
    exercises = (
        exercise_list(user)
        .filter(corrective_actions__isnull=False)
        .select_related(None)
        .only("pk", "code")
        .distinct()
    )
    owners = (
        agency_list(user)
        .filter(corrective_actions__isnull=False)
        .select_related(None)
        .only("pk", "name")
        .distinct()
    )
    title = _("Việc của tôi") if mine else _("Theo dõi việc khắc phục")
    return render_page(
        request,
        "review/tracker.html",
        {
            "title": title,
            "mine": mine,
            "page_obj": page,
            "rows": rows,
            "counts": counts,
            "filters": request.GET,
            "statuses": ActionStatus.choices,
            "exercises": exercises,
            "owners": owners,
            "is_filtered": any(
                [filters.exercise, filters.owner, filters.status, filters.overdue, filters.q]
            ),
            "breadcrumbs": [(title, None)],
            "page_classification": marking_of(r.classification for r in rows),
        },
        partial="review/partials/tracker_results.html",
    )


@login_required
def tracker_view(request: HttpRequest) -> HttpResponse:
    return _tracker(request, mine=False)


@login_required
def my_actions_view(request: HttpRequest) -> HttpResponse:
    return _tracker(request, mine=True)


@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = paginate(request, selectors.notification_list(user))
    return render_page(
        request,
        "review/notifications.html",
        {
            "page_obj": page,
            "unread": selectors.unread_count(user),
            "breadcrumbs": [(_("Thông báo"), None)],
            "page_classification": marking_of(n.action.classification for n in page),
        },
    )


@login_required
@require_POST
def notification_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_visible_or_404(selectors.notification_list(request.user), pk=pk)
    services.notification_mark_read(notification=notification, actor=request.user)
    return redirect(notification.action.get_absolute_url())


@login_required
@require_POST
def notifications_read_all_view(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("Đã đánh dấu mọi thông báo là đã đọc."))
    return redirect("review:notifications")


E = "<int:exercise_pk>"
urlpatterns = [
    path(f"{E}/review/", overview_view, name="overview"),
    path(f"{E}/conferences/new/", conference_create_view, name="conference_create"),
    path(f"{E}/conferences/<int:pk>/", conference_detail_view, name="conference_detail"),
    path(f"{E}/conferences/<int:pk>/edit/", conference_edit_view, name="conference_edit"),
    path(
        f"{E}/conferences/<int:pk>/observations/older/",
        conference_observations_view,
        name="conference_observations",
    ),
    path(
        f"{E}/conferences/<int:pk>/directives/older/",
        conference_directives_view,
        name="conference_directives",
    ),
    path(f"{E}/conferences/<int:pk>/delete/", conference_delete_view, name="conference_delete"),
    path(
        f"{E}/conferences/<int:pk>/observations/",
        conference_observation_add_view,
        name="conference_observation_add",
    ),
    path(
        f"{E}/conferences/<int:pk>/directives/",
        conference_directive_add_view,
        name="conference_directive_add",
    ),
    path(f"{E}/observations/<int:pk>/", observation_detail_view, name="observation_detail"),
    path(f"{E}/observations/<int:pk>/edit/", observation_edit_view, name="observation_edit"),
    path(f"{E}/observations/<int:pk>/delete/", observation_delete_view, name="observation_delete"),
    path(f"{E}/observations/<int:pk>/move/", observation_move_view, name="observation_move"),
    path(f"{E}/directives/<int:pk>/", directive_detail_view, name="directive_detail"),
    path(f"{E}/directives/<int:pk>/edit/", directive_edit_view, name="directive_edit"),
    path(f"{E}/directives/<int:pk>/delete/", directive_delete_view, name="directive_delete"),
    path(f"{E}/actions/new/", action_create_view, name="action_create"),
    path(f"{E}/actions/<int:pk>/", action_detail_view, name="action_detail"),
    path(f"{E}/actions/<int:pk>/edit/", action_edit_view, name="action_edit"),
    path(f"{E}/actions/<int:pk>/delete/", action_delete_view, name="action_delete"),
    path(f"{E}/actions/<int:pk>/move/", action_move_view, name="action_move"),
    path(f"{E}/actions/<int:pk>/progress/", action_progress_view, name="action_progress"),
    path(f"{E}/actions/<int:pk>/evidence/", action_evidence_view, name="action_evidence"),
    path(
        f"{E}/actions/<int:pk>/evidence/<int:evidence_pk>/",
        action_evidence_download_view,
        name="action_evidence_download",
    ),
    path("review/actions/", tracker_view, name="tracker"),
    path("review/my-actions/", my_actions_view, name="my_actions"),
    path("review/notifications/", notifications_view, name="notifications"),
    path("review/notifications/<int:pk>/read/", notification_read_view, name="notification_read"),
    path(
        "review/notifications/read-all/", notifications_read_all_view, name="notifications_read_all"
    ),
]
