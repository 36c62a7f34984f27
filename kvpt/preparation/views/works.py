"""Pages of the works (công trình) of one exercise: list and totals, detail, edit, handover.

Outside the user's scope (or above their clearance) -> 404; in scope without the right to change
the record -> 403; anonymous -> the login page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kvpt.core import crud
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, marking_of, render_page
from kvpt.exercises.selectors import committee_list, exercise_list
from kvpt.preparation.forms.works import (
    WorkForm,
    WorkHandoverForm,
    can_add_record,
)
from kvpt.preparation.models import Work, WorkConstruction, WorkKind, WorkStatus
from kvpt.preparation.selectors import budget_line_list, work_list
from kvpt.preparation.selectors.works import (
    WorkFilters,
    exercise_works,
    totals_text,
    work_search,
    work_totals,
)
from kvpt.preparation.services.works import (
    PERM,
    work_create,
    work_delete,
    work_hand_over,
    work_update,
)

WORK: crud.Entity[Work] = crud.Entity(
    name="work",
    visible=work_list,
    perm=PERM,
    create=work_create,
    update=work_update,
    delete=work_delete,
)

STATUS_BADGES: dict[str, str] = {
    WorkStatus.BUILDING: "badge-warn",
    WorkStatus.DONE: "badge-ok",
    WorkStatus.HANDED_OVER: "badge-ok",
}


def _exercise(user: Any, exercise_pk: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_pk)


def _work(user: Any, exercise_pk: int, pk: int) -> Work:
    return get_visible_or_404(exercise_works(user, exercise_pk), pk=pk)


def _work_for_change(user: Any, exercise_pk: int, pk: int) -> Work:
    work = _work(user, exercise_pk, pk)
    if not user.has_perm(PERM, work):
        raise PermissionDenied(_("Bạn không có quyền sửa công trình này."))
    return work


def _crumbs(exercise: Any, work: Work | None = None) -> crud.Crumbs:
    crumbs: crud.Crumbs = [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        (_("Công trình"), reverse("preparation:work_list", args=[exercise.pk])),
    ]
    if work is not None:
        crumbs.append((work.code, work.get_absolute_url()))
    return crumbs


def visible_agency_ids(user: Any, ids: set[int | None]) -> set[int]:
    """Of these agencies, those the user may see (one query): hidden ones are not named."""
    from kvpt.organisations.selectors import agency_list

    wanted = {i for i in ids if i}
    if not wanted:
        return set()
    return set(agency_list(user).filter(pk__in=wanted).values_list("pk", flat=True))


@login_required
def work_list_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    filters = WorkFilters(
        kind=request.GET.get("kind", ""),
        construction=request.GET.get("construction", ""),
        status=request.GET.get("status", ""),
        subcommittee=request.GET.get("subcommittee", ""),
        q=request.GET.get("q", ""),
    )
    context = crud.list_context(request, work_search(user, exercise.pk, filters))
    rows = list(context["page_obj"])
    agencies = visible_agency_ids(user, {r.owner_id for r in rows} | {r.custodian_id for r in rows})
    for row in rows:
        row.status_badge = STATUS_BADGES.get(row.status, "")
        row.owner_visible = row.owner_id in agencies
        row.custodian_visible = row.custodian_id in agencies
    totals = work_totals(user, exercise.pk)
    context.update(
        exercise=exercise,
        rows=rows,
        totals=totals,
        totals_text=totals_text(totals),
        kinds=WorkKind.choices,
        constructions=WorkConstruction.choices,
        statuses=WorkStatus.choices,
        subcommittees=committee_list(user).filter(exercise=exercise, kind="subcommittee"),
        is_filtered=any(vars(filters).values()),
        can_add=can_add_record(user, exercise),
        breadcrumbs=[*_crumbs(exercise)[:-1], (_("Công trình"), None)],
        page_classification=marking_of(
            [
                exercise.classification,
                context["page_classification"],
                *(t.classification for t in totals),
            ]
        ),
    )
    return render_page(
        request,
        "preparation/works/list.html",
        context,
        partial="preparation/works/partials/results.html",
    )


@login_required
def work_detail_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    work = _work(user, exercise_pk, pk)
    log_classified_read(user, work)
    can_manage = user.has_perm(PERM, work)
    agencies = visible_agency_ids(user, {work.owner_id, work.custodian_id, work.handed_over_to_id})
    budget_line_visible = (
        work.budget_line_id is not None
        and budget_line_list(user).filter(pk=work.budget_line_id).exists()
    )
    return render_page(
        request,
        "preparation/works/detail.html",
        {
            "work": work,
            "exercise": work.exercise,
            "status_badge": STATUS_BADGES.get(work.status, ""),
            "agencies": agencies,
            "budget_line_visible": budget_line_visible,
            "can_manage": can_manage,
            "can_hand_over": can_manage and work.status == WorkStatus.DONE,
            "edit_url": reverse("preparation:work_update", args=[work.exercise_id, work.pk])
            if can_manage
            else None,
            "delete_url": reverse("preparation:work_delete", args=[work.exercise_id, work.pk])
            if can_manage
            else None,
            "history_url": crud.history_url(work),
            "breadcrumbs": [*_crumbs(work.exercise), (work.code, None)],
            "page_classification": marking_of(
                [
                    work.classification,
                    work.budget_line.classification if budget_line_visible else 0,  # type: ignore[union-attr]
                ]
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not can_add_record(user, exercise):
        raise PermissionDenied(_("Bạn không có quyền thêm công trình cho cuộc diễn tập này."))
    form = WorkForm(request.POST or None, instance=Work(exercise=exercise), user=user)
    return crud.form_page(
        request,
        form,
        save=lambda: work_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm công trình “%(obj)s”."),
        title=_("Thêm công trình"),
        breadcrumbs=[*_crumbs(exercise), (_("Thêm mới"), None)],
        cancel_url=reverse("preparation:work_list", args=[exercise.pk]),
        classification=exercise.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_update_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    work = _work_for_change(request.user, exercise_pk, pk)
    return crud.update_page(
        request,
        WORK,
        work,
        WorkForm,
        saved=_("Đã lưu công trình “%(obj)s”."),
        title=_("Sửa công trình “%(obj)s”"),
        breadcrumbs=_crumbs(work.exercise, work),
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    work = _work_for_change(request.user, exercise_pk, pk)
    return crud.delete_page(
        request,
        WORK,
        work,
        what=_("công trình"),
        breadcrumbs=_crumbs(work.exercise, work),
        success_url=reverse("preparation:work_list", args=[work.exercise_id]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_handover_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    work = _work_for_change(user, exercise_pk, pk)
    form = WorkHandoverForm(request.POST or None, user=user, work=work)
    return crud.form_page(
        request,
        form,
        save=lambda: work_hand_over(
            work=work,
            receiving_agency=form.cleaned_data["receiving_agency"],
            on=form.cleaned_data["on"],
            record_number=form.cleaned_data["record_number"],
            expected_version=form.expected_version,
            actor=user,
        ),
        saved=_("Đã bàn giao công trình “%(obj)s”."),
        title=_("Bàn giao công trình “%(obj)s”") % {"obj": work},
        breadcrumbs=[*_crumbs(work.exercise, work), (_("Bàn giao"), None)],
        cancel_url=work.get_absolute_url(),
        classification=work.classification,
    )


urlpatterns = [
    path("<int:exercise_pk>/works/", work_list_view, name="work_list"),
    path("<int:exercise_pk>/works/new/", work_create_view, name="work_create"),
    path("<int:exercise_pk>/works/<int:pk>/", work_detail_view, name="work_detail"),
    path("<int:exercise_pk>/works/<int:pk>/edit/", work_update_view, name="work_update"),
    path("<int:exercise_pk>/works/<int:pk>/delete/", work_delete_view, name="work_delete"),
    path("<int:exercise_pk>/works/<int:pk>/handover/", work_handover_view, name="work_handover"),
]
