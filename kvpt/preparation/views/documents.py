"""Pages of documents (văn kiện) of one exercise: list, detail with versions, add, edit, delete,
status, upload of a new version and the download of a version's file.

Outside the user's scope, or above their clearance -> 404 (the document does not exist for them,
its file neither); in scope without the right to change it -> 403; anonymous -> the login page.
Files are served only by `document_version_download_view`, which logs every download.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.uploads import attachment_response
from kvpt.core.views_helpers import log_classified_read, marking_of, render_page
from kvpt.preparation.forms.documents import (
    DocumentForm,
    DocumentVersionForm,
    can_add_document,
)
from kvpt.preparation.models import Document, DocumentStatus, DocumentVersion
from kvpt.preparation.selectors import document_list
from kvpt.preparation.selectors.documents import (
    DocumentFilters,
    document_counts,
    document_downloads,
    document_get,
    document_kinds,
    document_search,
    document_version_get,
    document_versions,
)
from kvpt.preparation.services.documents import (
    PERM,
    can_approve,
    document_add_version,
    document_create,
    document_delete,
    document_record_download,
    document_set_status,
    document_update,
    next_statuses,
)

logger = logging.getLogger(__name__)

DOCUMENT: crud.Entity[Document] = crud.Entity(
    name="document",
    visible=document_list,
    perm=PERM,
    create=document_create,
    update=document_update,
    delete=document_delete,
)

STATUS_BADGES: dict[str, str] = {
    DocumentStatus.APPROVED: "badge-ok",
    DocumentStatus.ARCHIVED: "",
}
# The button that moves a document to each status, as the page words it.
STATUS_ACTIONS = {
    DocumentStatus.APPROVED: (gettext_lazy("Phê duyệt"), "btn-primary"),
    DocumentStatus.DRAFT: (gettext_lazy("Trả lại dự thảo"), ""),
    DocumentStatus.ARCHIVED: (gettext_lazy("Lưu trữ"), ""),
}


def _exercise(user: Any, exercise_pk: int) -> Any:
    from kvpt.exercises.selectors import exercise_list

    return get_visible_or_404(exercise_list(user), pk=exercise_pk)


def _for_change(user: Any, exercise_pk: int, pk: int) -> Document:
    document = document_get(user, exercise_pk, pk)
    require_perm(user, PERM, document)
    return document


def _crumbs(exercise: Any, document: Document | None = None) -> crud.Crumbs:
    crumbs: crud.Crumbs = [
        (_("Diễn tập"), reverse("exercises:list")),
        (exercise.code, exercise.get_absolute_url()),
        (_("Văn kiện"), reverse("preparation:document_list", args=[exercise.pk])),
    ]
    if document is not None:
        crumbs.append((document.code, document.get_absolute_url()))
    return crumbs


def _visible_agency_ids(user: Any, ids: set[int | None]) -> set[int]:
    """Of these agencies, those the user may see (one query): hidden ones are not named."""
    from kvpt.organisations.selectors import agency_list

    wanted = {i for i in ids if i}
    if not wanted:
        return set()
    return set(agency_list(user).filter(pk__in=wanted).values_list("pk", flat=True))


def serve_version(version: DocumentVersion, user: Any) -> HttpResponse:
    """The version's file as an attachment; the download is logged before a byte leaves."""
    try:
        fileobj = version.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        logger.error("stored file missing: %s (%s)", version.file.name, version)
        raise Http404(_("Tệp của phiên bản này không còn trong kho lưu trữ.")) from exc
    document_record_download(version=version, actor=user)
    return attachment_response(
        fileobj, filename=version.filename, content_type=version.content_type
    )


# --- pages -------------------------------------------------------------------------------------


@login_required
def document_list_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    filters = DocumentFilters(
        kind=request.GET.get("kind", ""),
        status=request.GET.get("status", ""),
        subcommittee=request.GET.get("subcommittee", ""),
        q=request.GET.get("q", ""),
    )
    context = crud.list_context(request, document_search(user, exercise.pk, filters))
    rows = list(context["page_obj"])
    for row in rows:
        row.status_badge = STATUS_BADGES.get(row.status, "")
    from kvpt.exercises.selectors import committee_list

    context.update(
        exercise=exercise,
        rows=rows,
        counts=document_counts(user, exercise.pk),
        kinds=document_kinds(),
        statuses=DocumentStatus.choices,
        subcommittees=committee_list(user).filter(exercise=exercise, kind="subcommittee"),
        is_filtered=any(vars(filters).values()),
        can_add=can_add_document(user, exercise),
        breadcrumbs=[*_crumbs(exercise)[:-1], (_("Văn kiện"), None)],
        page_classification=marking_of([exercise.classification, context["page_classification"]]),
    )
    return render_page(
        request,
        "preparation/documents/list.html",
        context,
        partial="preparation/documents/partials/results.html",
    )


@login_required
def document_detail_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    document = document_get(user, exercise_pk, pk)
    log_classified_read(user, document)
    can_manage = user.has_perm(PERM, document)
    versions = list(document_versions(document))
    statuses = next_statuses(document, user) if can_manage else []
    is_draft = document.status == DocumentStatus.DRAFT
    return render_page(
        request,
        "preparation/documents/detail.html",
        {
            "document": document,
            "exercise": document.exercise,
            "status_badge": STATUS_BADGES.get(document.status, ""),
            "versions": versions,
            "custodian_visible": document.custodian_id
            in _visible_agency_ids(user, {document.custodian_id}),
            "status_actions": [
                (status, *STATUS_ACTIONS[DocumentStatus(status)]) for status in statuses
            ],
            "can_approve": can_manage and can_approve(user, document),
            "can_manage": can_manage,
            "can_upload": can_manage and is_draft,
            "downloads": document_downloads(document) if can_manage else None,
            "edit_url": (
                reverse("preparation:document_update", args=[document.exercise_id, document.pk])
                if can_manage and document.status != DocumentStatus.ARCHIVED
                else None
            ),
            "delete_url": (
                reverse("preparation:document_delete", args=[document.exercise_id, document.pk])
                if can_manage and is_draft
                else None
            ),
            "history_url": crud.history_url(document),
            "breadcrumbs": [*_crumbs(document.exercise), (document.code, None)],
            "page_classification": max(document.classification, document.exercise.classification),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_create_view(request: HttpRequest, exercise_pk: int) -> HttpResponse:
    user = request.user
    exercise = _exercise(user, exercise_pk)
    if not can_add_document(user, exercise):
        raise PermissionDenied(_("Bạn không có quyền thêm văn kiện cho cuộc diễn tập này."))
    form = DocumentForm(request.POST or None, instance=Document(exercise=exercise), user=user)
    return crud.form_page(
        request,
        form,
        save=lambda: document_create(exercise=exercise, **form.service_data(), actor=user),
        saved=_("Đã thêm văn kiện “%(obj)s”."),
        title=_("Thêm văn kiện"),
        breadcrumbs=[*_crumbs(exercise), (_("Thêm mới"), None)],
        cancel_url=reverse("preparation:document_list", args=[exercise.pk]),
        classification=exercise.classification,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_update_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    document = _for_change(request.user, exercise_pk, pk)
    return crud.update_page(
        request,
        DOCUMENT,
        document,
        DocumentForm,
        saved=_("Đã lưu văn kiện “%(obj)s”."),
        title=_("Sửa văn kiện “%(obj)s”"),
        breadcrumbs=_crumbs(document.exercise, document),
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_delete_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    document = _for_change(request.user, exercise_pk, pk)
    return crud.delete_page(
        request,
        DOCUMENT,
        document,
        what=_("văn kiện"),
        breadcrumbs=_crumbs(document.exercise, document),
        success_url=reverse("preparation:document_list", args=[document.exercise_id]),
    )


@login_required
@require_POST
def document_status_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    document = _for_change(user, exercise_pk, pk)
    version = request.POST.get("version", "")
    try:
        updated = document_set_status(
            document=document,
            status=request.POST.get("status", ""),
            expected_version=int(version) if version.isdigit() else None,
            actor=user,
        )
    except ConcurrentEditError as exc:
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Văn kiện “%(obj)s” đã chuyển sang “%(status)s”.")
            % {"obj": updated, "status": updated.get_status_display()},
        )
    return redirect(document.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def document_version_upload_view(request: HttpRequest, exercise_pk: int, pk: int) -> HttpResponse:
    user = request.user
    document = _for_change(user, exercise_pk, pk)
    form = DocumentVersionForm(request.POST or None, request.FILES or None)
    return crud.form_page(
        request,
        form,
        save=lambda: document_add_version(
            document=document,
            upload=form.cleaned_data["file"],
            note=form.cleaned_data.get("note", ""),
            actor=user,
        ),
        saved=_("Đã tải lên phiên bản mới: %(obj)s."),
        title=_("Tải lên phiên bản mới của “%(obj)s”") % {"obj": document},
        breadcrumbs=[*_crumbs(document.exercise, document), (_("Tải lên phiên bản"), None)],
        cancel_url=document.get_absolute_url(),
        classification=document.classification,
        success_url=lambda version: document.get_absolute_url(),
        template="preparation/documents/upload.html",
    )


@login_required
@require_GET
def document_version_download_view(
    request: HttpRequest, exercise_pk: int, pk: int, number: int
) -> HttpResponse:
    version = document_version_get(request.user, exercise_pk, pk, number)
    return serve_version(version, request.user)


urlpatterns = [
    path("<int:exercise_pk>/documents/", document_list_view, name="document_list"),
    path("<int:exercise_pk>/documents/new/", document_create_view, name="document_create"),
    path("<int:exercise_pk>/documents/<int:pk>/", document_detail_view, name="document_detail"),
    path(
        "<int:exercise_pk>/documents/<int:pk>/edit/",
        document_update_view,
        name="document_update",
    ),
    path(
        "<int:exercise_pk>/documents/<int:pk>/delete/",
        document_delete_view,
        name="document_delete",
    ),
    path(
        "<int:exercise_pk>/documents/<int:pk>/status/",
        document_status_view,
        name="document_status",
    ),
    path(
        "<int:exercise_pk>/documents/<int:pk>/versions/new/",
        document_version_upload_view,
        name="document_version_upload",
    ),
    path(
        "<int:exercise_pk>/documents/<int:pk>/versions/<int:number>/file/",
        document_version_download_view,
        name="document_version_download",
    ),
]
