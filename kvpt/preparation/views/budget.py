"""Pages of the budget (kinh phí) of one exercise: the grouped page with totals, and each line.

Outside the user's scope (or above their clearance) -> 404; in scope without the right to change
the line -> 403; anonymous -> the login page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kvpt.core import crud
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import (
    log_classified_reads,
    marking_of,
    render_page,
)
from kvpt.exercises.selectors import exercise_list
from kvpt.preparation.forms.budget import BudgetLineForm
from kvpt.preparation.forms.works import can_add_record
from kvpt.preparation.models import BudgetLine
from kvpt.preparation.selectors import budget_line_list
from kvpt.preparation.selectors.budget import (
    budget_page,
    budget_summary,
    exercise_budget_lines,
    is_unsettled,
)
from kvpt.preparation.services.budget import (
    budget_line_create,
    budget_line_delete,
    budget_line_update,
)
from kvpt.preparation.services.budget_sheets import budget_export
from kvpt.preparation.services.works import PERM

BUDGET_LINE: crud.Entity[BudgetLine] = crud.Entity(
    name="budget_line",
    visible=budget_line_list,
    perm=PERM,
    create=budget_line_create,
    update=budget_line_update,
    delete=budget_line_delete,
)


def _exercise(user: Any, exercise_pk: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_pk)


def _line(user: Any, exercise_pk: int, pk: int) -> BudgetLine:
    return get_visible_or_404(exercise_budget_lines(user, exercise_pk), pk=pk)


def _line_for_change(user: Any, exercise_pk: int, pk: int) -> BudgetLine:
    line = _line(user, exercise_pk, pk)
    if not user.has_perm(PERM, line):
        raise PermissionDenied(_("Bạn không có quyền sửa dòng kinh phí này."))
    return line


def _crumbs(exercise: Any, line: BudgetLine | None = None) -> crud.Crumbs:
    crumbs: crud.Crumbs = [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        (_("Kinh phí"), reverse("preparation:budget", args=[exercise.pk])),
    ]
    if line is not None:
        crumbs.append((line.code, line.get_absolute_url()))
    return crumbs


@login_required
def budget_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    summary, page = budget_page(user, exercise.pk, request.GET.get("page"))
    lines = list(page.object_list)
    log_classified_reads(user, lines)
    return render_page(
        request,
        "preparation/budget/page.html",
        {
            "exercise": exercise,
            "summary": summary,
            "line_count": page.paginator.count,
            "page_obj": page,
            "can_add": can_add_record(user, exercise),
            "breadcrumbs": [*_crumbs(exercise)[:-1], (_("Kinh phí"), None)],
            # The page names the works paid from each line too: their marking counts.
            "page_classification": marking_of(
                [exercise.classification]
                + [line.classification for line in lines]
                + [w.classification for line in lines for w in line.visible_works]
            ),
        },
    )


@login_required
def budget_line_detail_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    line = _line(user, exercise_pk, pk)
    log_classified_reads(user, [line, *line.visible_works])  # type: ignore[attr-defined]
    can_manage = user.has_perm(PERM, line)
    return render_page(
        request,
        "preparation/budget/detail.html",
        {
            "line": line,
            "exercise": line.exercise,
            "works": line.visible_works,  # type: ignore[attr-defined]
            "unsettled": is_unsettled(line),
            "can_manage": can_manage,
            "edit_url": reverse("preparation:budget_line_update", args=[line.exercise_id, line.pk])
            if can_manage
            else None,
            "delete_url": reverse(
                "preparation:budget_line_delete", args=[line.exercise_id, line.pk]
            )
            if can_manage
            else None,
            "history_url": crud.history_url(line),
            "breadcrumbs": [*_crumbs(line.exercise), (line.code, None)],
            "page_classification": marking_of(
                [line.classification, *(w.classification for w in line.visible_works)]  # type: ignore[attr-defined]
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not can_add_record(user, exercise):
        raise PermissionDenied(_("Bạn không có quyền thêm dòng kinh phí cho cuộc diễn tập này."))
    form = BudgetLineForm(request.POST or None, instance=BudgetLine(exercise=exercise), user=user)
    return crud.form_page(
        request,
        form,
        save=lambda: budget_line_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm dòng kinh phí “%(obj)s”."),
        title=_("Thêm dòng kinh phí"),
        breadcrumbs=[*_crumbs(exercise), (_("Thêm mới"), None)],
        cancel_url=reverse("preparation:budget", args=[exercise.pk]),
        classification=exercise.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_update_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    line = _line_for_change(request.user, exercise_pk, pk)
    return crud.update_page(
        request,
        BUDGET_LINE,
        line,
        BudgetLineForm,
        saved=_("Đã lưu dòng kinh phí “%(obj)s”."),
        title=_("Sửa dòng kinh phí “%(obj)s”"),
        breadcrumbs=_crumbs(line.exercise, line),
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    line = _line_for_change(request.user, exercise_pk, pk)
    return crud.delete_page(
        request,
        BUDGET_LINE,
        line,
        what=_("dòng kinh phí"),
        breadcrumbs=_crumbs(line.exercise, line),
        success_url=reverse("preparation:budget", args=[line.exercise_id]),
    )


@login_required
@require_GET
def budget_export_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """The budget page as an Excel file, for whoever may see the page."""
    from kvpt.core.spreadsheets import XLSX_CONTENT_TYPE

    user = request.user
    exercise = _exercise(user, exercise_pk)
    data = budget_export(exercise=exercise, summary=budget_summary(user, exercise.pk), actor=user)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in exercise.code)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kinh-phi-{safe}.xlsx"'
    response["Cache-Control"] = "no-store"  # classified exports must not linger in caches
    return response


urlpatterns = [
    path("<int:exercise_pk>/budget/", budget_view, name="budget"),
    path("<int:exercise_pk>/budget/export.xlsx", budget_export_view, name="budget_export"),
    path("<int:exercise_pk>/budget/new/", budget_line_create_view, name="budget_line_create"),
    path("<int:exercise_pk>/budget/<int:pk>/", budget_line_detail_view, name="budget_line_detail"),
    path(
        "<int:exercise_pk>/budget/<int:pk>/edit/",
        budget_line_update_view,
        name="budget_line_update",
    ),
    path(
        "<int:exercise_pk>/budget/<int:pk>/delete/",
        budget_line_delete_view,
        name="budget_line_delete",
    ),
]
