"""Pages of preparation tasks: the table (filters, bulk edit), the timeline, one task, and the
Excel export and import. They parse, call a selector or service, and render.

Outside the user's scope -> 404 (the selectors hide it); in scope without the permission -> 403;
anonymous -> the login page.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core import spreadsheets as xl
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.views_helpers import log_classified_reads, marking_of, paginate, render_page
from kvpt.exercises.selectors import exercise_list
from kvpt.preparation.forms.tasks import TaskBulkForm, TaskForm, TaskImportForm
from kvpt.preparation.models import Task, TaskCategory, TaskStatus
from kvpt.preparation.selectors import task_list
from kvpt.preparation.selectors.tasks import (
    SORTS,
    TIMELINE_PER_PAGE,
    TaskFilters,
    exercise_subcommittees,
    is_overdue,
    overdue_count,
    task_edit_scope,
    task_owner_choices,
    task_search,
    task_timeline,
    tasks_shown,
    timeline_order,
    timeline_span,
)
from kvpt.preparation.services.task_sheets import (
    can_import_tasks,
    columns,
    task_export,
    task_import,
)
from kvpt.preparation.services.tasks import (
    PERM,
    can_add_tasks,
    task_bulk_update,
    task_create,
    task_delete,
    task_update,
)

TASK: crud.Entity[Task] = crud.Entity(
    name="task",
    visible=task_list,
    perm=PERM,
    create=task_create,
    update=task_update,
    delete=task_delete,
)

# Between the dry run and the confirmation the checked file waits in the shared cache (the
# database: several app servers share it), under the user, the exercise and its SHA-256.
_IMPORT_KEEP_SECONDS = 30 * 60


def _import_cache_key(user: Any, exercise: Any, digest: str) -> str:
    return f"kvpt:task-import:{user.pk}:{exercise.pk}:{digest}"


def _exercise(user: Any, exercise_pk: int) -> Any:
    return get_visible_or_404(exercise_list(user), pk=exercise_pk)


def _crumbs(exercise: Any, *extra: tuple[str, str | None]) -> crud.Crumbs:
    return [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        (_("Công việc chuẩn bị"), reverse("preparation:task_list", args=[exercise.pk])),
        *extra,
    ]


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


# --- the table ---------------------------------------------------------------------------------


def _list_context(request: HttpRequest, exercise: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    filters = TaskFilters.from_query(request.GET)
    page = paginate(request, task_search(user, exercise.pk, filters))
    rows = list(page.object_list)
    log_classified_reads(user, rows)
    scope = task_edit_scope(user, exercise)
    for task in rows:
        task.overdue = is_overdue(task)
        task.editable = scope.allows(task)
    level = marking_of([exercise.classification, *(t.classification for t in rows)])
    bulk_form = extra.pop("bulk_form", None) or TaskBulkForm(user=user, exercise=exercise)
    return {
        "exercise": exercise,
        "page_obj": page,
        "rows": rows,
        "filters": filters,
        "overdue_total": overdue_count(user, exercise.pk),
        "subcommittees": list(exercise_subcommittees(exercise.pk)),
        "owners": list(
            task_owner_choices(user, exercise).filter(
                pk__in=task_list(user).filter(exercise=exercise).values("owner_id")
            )
        ),
        "categories": TaskCategory.choices,
        "statuses": TaskStatus.choices,
        "sorts": SORTS,
        "can_add": scope.anything,
        "can_bulk": scope.anything and any(t.editable for t in rows),
        "bulk_form": bulk_form,
        "page_classification": level,
        "table_classification": level,
        "is_htmx": _is_htmx(request),
        "query": request.GET.urlencode(),
        "breadcrumbs": [*_crumbs(exercise)[:-1], (_("Công việc chuẩn bị"), None)],
        **extra,
    }


@login_required
@require_GET
def task_list_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    exercise = _exercise(request.user, exercise_pk)
    return render_page(
        request,
        "preparation/tasks/list.html",
        _list_context(request, exercise),
        partial="preparation/tasks/partials/table.html",
    )


@login_required
@require_POST
def task_bulk_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """Apply one change to the chosen rows: all of them or, on any refusal, none."""
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not task_edit_scope(user, exercise).anything:
        raise PermissionDenied(_("Bạn không có quyền sửa công việc của cuộc diễn tập này."))
    form = TaskBulkForm(request.POST, user=user, exercise=exercise)
    query = request.POST.get("query", "")
    back = reverse("preparation:task_list", args=[exercise.pk]) + (f"?{query}" if query else "")
    status = 422
    error = ""
    if form.is_valid():
        changes = form.changes()
        try:
            saved = task_bulk_update(
                exercise=exercise, versions=form.cleaned_data["task"], changes=changes, actor=user
            )
        except ConcurrentEditError as exc:
            error, status = exc.messages[0], 409
        except PermissionDenied as exc:
            error, status = str(exc), 403
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Đã cập nhật %(n)s công việc: %(codes)s.")
                % {"n": len(saved), "codes": ", ".join(t.code for t in saved)},
            )
            return redirect(back)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    context = _list_context(request, exercise, bulk_form=form, bulk_error=error)
    return render_page(request, "preparation/tasks/list.html", context, status=status)


# --- timeline ----------------------------------------------------------------------------------


@login_required
@require_GET
def task_timeline_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    filters = TaskFilters.from_query(request.GET)
    found = task_search(user, exercise.pk, filters)
    span = timeline_span(found)
    page = paginate(request, timeline_order(found), per_page=TIMELINE_PER_PAGE)
    tasks = list(page.object_list)
    log_classified_reads(user, tasks)
    timeline = task_timeline(tasks, bounds=span)
    return render_page(
        request,
        "preparation/tasks/timeline.html",
        {
            "exercise": exercise,
            "timeline": timeline,
            "page_obj": page,
            "filters": filters,
            "subcommittees": list(exercise_subcommittees(exercise.pk)),
            "statuses": TaskStatus.choices,
            "overdue_total": span.overdue,
            "task_count": span.total,
            "page_classification": marking_of(
                [exercise.classification, *(t.classification for t in tasks)]
            ),
            "breadcrumbs": _crumbs(exercise, (_("Biểu đồ tiến độ"), None)),
        },
    )


# --- one task ----------------------------------------------------------------------------------


@login_required
@require_GET
def task_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = get_visible_or_404(tasks_shown(user), pk=pk)
    blocks = list(task_list(user).filter(depends_on=task).order_by("code"))
    dependencies = list(task.depends_on.all())
    log_classified_reads(user, [task])
    return render_page(
        request,
        "preparation/tasks/detail.html",
        {
            "task": task,
            "exercise": task.exercise,
            "dependencies": dependencies,
            "blocks": blocks,
            "overdue": is_overdue(task),
            **crud.detail_header(
                task,
                can_manage=user.has_perm(PERM, task),
                edit="preparation:task_update",
                delete="preparation:task_delete",
            ),
            "page_classification": marking_of([task.classification, task.exercise.classification]),
            "breadcrumbs": _crumbs(task.exercise, (task.code, None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not can_add_tasks(user, exercise):
        raise PermissionDenied(_("Bạn không có quyền thêm công việc cho cuộc diễn tập này."))
    initial: dict[str, Any] = {}
    if request.GET.get("subcommittee", "").isdigit():
        initial["subcommittee"] = int(request.GET["subcommittee"])
    form = TaskForm(request.POST or None, user=user, exercise=exercise, initial=initial or None)
    return crud.form_page(
        request,
        form,
        save=lambda: task_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm công việc “%(obj)s”."),
        title=_("Thêm công việc chuẩn bị"),
        breadcrumbs=_crumbs(exercise, (_("Thêm mới"), None)),
        cancel_url=reverse("preparation:task_list", args=[exercise.pk]),
        classification=exercise.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = TASK.get_for_change(request.user, pk)
    return crud.update_page(
        request,
        TASK,
        task,
        TaskForm,
        saved=_("Đã lưu công việc “%(obj)s”."),
        title=_("Sửa công việc “%(obj)s”"),
        breadcrumbs=_crumbs(task.exercise, (task.code, task.get_absolute_url())),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = TASK.get_for_change(request.user, pk)
    return crud.delete_page(
        request,
        TASK,
        task,
        what=_("công việc"),
        breadcrumbs=_crumbs(task.exercise, (task.code, task.get_absolute_url())),
        success_url=reverse("preparation:task_list", args=[task.exercise_id]),
    )


# --- Excel -------------------------------------------------------------------------------------


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=xl.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # classified exports must not linger in caches
    return response


def export_filename(exercise: Any) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in exercise.code)
    return f"cong-viec-{safe}.xlsx"


@login_required
@require_GET
def task_export_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    filters = TaskFilters.from_query(request.GET)
    tasks = list(task_search(user, exercise.pk, filters).order_by("code"))
    data = task_export(exercise=exercise, tasks=tasks, actor=user)
    return xlsx_response(data, export_filename(exercise))


@login_required
@require_http_methods(["GET", "POST"])
def task_import_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    """Upload -> dry run (what would change, every problem) -> confirm -> one all-or-nothing write.

    Between the dry run and the confirmation the file waits in the shared cache for 30 minutes.
    """
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not can_import_tasks(user, exercise):
        raise PermissionDenied(_("Bạn không có quyền nhập công việc cho cuộc diễn tập này."))
    form = TaskImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    digest = ""
    if request.method == "POST" and request.POST.get("confirm"):
        data = cache.get(_import_cache_key(user, exercise, request.POST["confirm"]))
        if data is None:
            messages.error(request, _("Tệp xem trước đã hết hạn; hãy tải tệp lên lại."))
            return redirect("preparation:task_import", exercise_pk=exercise.pk)
        result = task_import(exercise=exercise, data=data, dry_run=False, actor=user)
        if result.applied:
            cache.delete(_import_cache_key(user, exercise, request.POST["confirm"]))
            messages.success(
                request,
                _("Đã nhập: thêm %(created)s, sửa %(updated)s công việc.")
                % {"created": len(result.created), "updated": len(result.updated)},
            )
            return redirect("preparation:task_list", exercise_pk=exercise.pk)
        status = 422
    elif request.method == "POST" and form.is_valid():
        try:
            data = xl.check_xlsx_upload(form.cleaned_data["file"])
        except xl.SpreadsheetRejectedError as exc:
            form.add_error("file", exc.messages[0])
            status = 422
        else:
            result = task_import(exercise=exercise, data=data, dry_run=True, actor=user)
            if result.errors:
                status = 422
            else:
                digest = hashlib.sha256(data).hexdigest()
                cache.set(_import_cache_key(user, exercise, digest), data, _IMPORT_KEEP_SECONDS)
    elif request.method == "POST":
        status = 422
    return render_page(
        request,
        "preparation/tasks/import.html",
        {
            "exercise": exercise,
            "form": form,
            "result": result,
            "digest": digest,
            "columns": columns(),
            "max_mb": xl.max_import_bytes() // 1048576,
            "page_classification": exercise.classification,
            "breadcrumbs": _crumbs(exercise, (_("Nhập từ Excel"), None)),
        },
        status=status,
    )


urlpatterns = [
    path("<int:exercise_pk>/tasks/", task_list_view, name="task_list"),
    path("<int:exercise_pk>/tasks/new/", task_create_view, name="task_create"),
    path("<int:exercise_pk>/tasks/bulk/", task_bulk_view, name="task_bulk"),
    path("<int:exercise_pk>/tasks/timeline/", task_timeline_view, name="task_timeline"),
    path("<int:exercise_pk>/tasks/export.xlsx", task_export_view, name="task_export"),
    path("<int:exercise_pk>/tasks/import/", task_import_view, name="task_import"),
    path("tasks/<int:pk>/", task_detail_view, name="task_detail"),
    path("tasks/<int:pk>/edit/", task_update_view, name="task_update"),
    path("tasks/<int:pk>/delete/", task_delete_view, name="task_delete"),
]
