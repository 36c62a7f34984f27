"""The page flow every kind of record shares: detail, create, edit and delete, full page or htmx.

An app declares each kind of record once as an `Entity` (its selector, its permission, its
services) and writes its views as short functions on top of these helpers, so every page answers
the same way: outside the user's scope 404 (the selector hides it), in scope without the permission
403 (`require_perm`), invalid input 422 with the form kept, a stale edit 409 with what the user
typed kept, success a flash message and a redirect. See docs/adding-an-entity.md §8.

    UNIT = Entity(name="unit", visible=selectors.unit_list, perm=MANAGE,
                  create=services.unit_create, update=services.unit_update,
                  delete=services.unit_delete)

    @login_required
    @require_http_methods(["GET", "POST"])
    def unit_update_view(request, pk):
        unit = UNIT.get_for_change(request.user, pk)
        return crud.update_page(request, UNIT, unit, UnitForm, saved=_("Đã lưu “%(obj)s”."), ...)
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kvpt.core.forms import DeleteForm, VersionedModelForm
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.services import ConcurrentEditError
from kvpt.core.views_helpers import log_classified_reads, marking_of, paginate, render_page

M = TypeVar("M", bound=models.Model)
Crumbs = list[tuple[str, str | None]]

FORM_TEMPLATE = "crud/form.html"
DELETE_TEMPLATE = "crud/confirm_delete.html"


@dataclass(frozen=True)
class Entity(Generic[M]):
    """One kind of record as its pages and API endpoints reach it.

    The services keep their own readable signatures (`unit_update(*, unit, changes, ...)`);
    `name` is the keyword they take the record by, so the shared flow can call them.
    """

    name: str
    visible: Callable[[Any], QuerySet[M]]
    perm: str
    create: Callable[..., M]
    update: Callable[..., M]
    delete: Callable[..., None]

    def get(self, user: Any, pk: Any) -> M:
        """The record if `user` may see it; 404 otherwise (hidden and absent look the same)."""
        return get_visible_or_404(self.visible(user), pk=pk)

    def get_for_change(self, user: Any, pk: Any) -> M:
        """The record if `user` may change it: 404 outside scope, then 403 without the role."""
        obj = self.get(user, pk)
        require_perm(user, self.perm, obj)
        return obj

    def change(
        self, obj: M, changes: dict[str, Any], *, expected_version: int | None, actor: Any
    ) -> M:
        return self.update(
            **{self.name: obj}, changes=changes, expected_version=expected_version, actor=actor
        )

    def remove(self, obj: M, *, expected_version: int | None, actor: Any) -> None:
        self.delete(**{self.name: obj}, expected_version=expected_version, actor=actor)


# --- small pieces ------------------------------------------------------------------------------


def history_url(obj: models.Model) -> str:
    return reverse("core:history", args=[obj._meta.label_lower, obj.pk])


def detail_header(
    obj: models.Model, *, can_manage: bool, edit: str | None = None, delete: str | None = None
) -> dict[str, Any]:
    """Context for crud/detail.html's buttons: edit and delete (URL names) only for managers."""
    return {
        "can_manage": can_manage,
        "edit_url": reverse(edit, args=[obj.pk]) if can_manage and edit else None,
        "delete_url": reverse(delete, args=[obj.pk]) if can_manage and delete else None,
        "history_url": history_url(obj),
    }


def record_crumbs(section: str, list_url_name: str, obj: models.Model | None = None) -> Crumbs:
    """Section › record (linked): the trail the add, edit and delete pages extend."""
    crumbs: Crumbs = [(section, reverse(list_url_name))]
    if obj is not None:
        crumbs.append((str(obj), obj.get_absolute_url()))  # type: ignore[attr-defined]
    return crumbs


def list_context(request: HttpRequest, queryset: QuerySet[Any], **extra: Any) -> dict[str, Any]:
    """One page of rows, its classified rows logged (one INSERT), the page marked as its top row."""
    page = paginate(request, queryset)
    log_classified_reads(request.user, page)
    return {
        "page_obj": page,
        "filters": request.GET,
        "page_classification": marking_of(getattr(o, "classification", 0) for o in page),
        **extra,
    }


def chosen_parent(
    request: HttpRequest,
    param: str,
    visible: QuerySet[M],
    *,
    perm: str,
    managed: QuerySet[Any],
    refusal: str,
) -> M | None:
    """The record a create page was opened under (`?<param>=pk`), or None.

    Named and hidden -> 404; named without the permission -> 403; not named, and the user manages
    nothing (`managed` is empty) -> 403 with `refusal`, so nobody fills in a form they cannot save.
    """
    if request.GET.get(param):
        parent = get_visible_or_404(visible, pk=request.GET[param])
        require_perm(request.user, perm, parent)
        return parent
    if not managed.exists():
        raise PermissionDenied(refusal)
    return None


def apply_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the named field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def run_service(form: Any, call: Callable[[], M]) -> tuple[M | None, int]:
    """Run a service; on refusal keep the input and say why: 409 for a stale edit, else 422."""
    try:
        return call(), 200
    except ConcurrentEditError as exc:
        form.add_error(None, exc.messages[0])
        return None, 409
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None, 422


# --- pages -------------------------------------------------------------------------------------


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    save: Callable[[], M],
    saved: str,
    title: str,
    breadcrumbs: Crumbs,
    cancel_url: str,
    classification: int = 0,
    success_url: Callable[[M], str] | None = None,
    template: str = FORM_TEMPLATE,
) -> HttpResponse:
    """GET shows `form`; a valid POST runs `save` and redirects (to the saved record by default).

    `saved` is the flash message, with `%(obj)s` for the saved record.
    """
    status = 200
    if request.method == "POST":
        if form.is_valid():
            obj, status = run_service(form, save)
            if obj is not None:
                messages.success(request, saved % {"obj": obj})
                return redirect(success_url(obj) if success_url else obj.get_absolute_url())  # type: ignore[attr-defined]
        else:
            status = 422
    context = {
        "form": form,
        "title": title,
        "breadcrumbs": breadcrumbs,
        "cancel_url": cancel_url,
        "page_classification": classification,
    }
    return render_page(request, template, context, status=status)


def create_page(
    request: HttpRequest,
    entity: Entity[M],
    form_class: type[VersionedModelForm],
    *,
    initial: dict[str, Any] | None = None,
    saved: str,
    title: str,
    breadcrumbs: Crumbs,
    cancel_url: str,
) -> HttpResponse:
    """The add page: `entity.create(**form.service_data(), actor=user)` on a valid POST.

    `breadcrumbs` lead to where the record is added; "Thêm mới" is appended.
    """
    form = form_class(request.POST or None, user=request.user, initial=initial)
    return form_page(
        request,
        form,
        save=lambda: entity.create(**form.service_data(), actor=request.user),
        saved=saved,
        title=title,
        breadcrumbs=[*breadcrumbs, (_("Thêm mới"), None)],
        cancel_url=cancel_url,
    )


def update_page(
    request: HttpRequest,
    entity: Entity[M],
    obj: M,
    form_class: type[VersionedModelForm],
    *,
    saved: str,
    title: str,
    breadcrumbs: Crumbs,
) -> HttpResponse:
    """The edit page: the form's changes saved only if nobody saved `obj` since it was opened.

    `title` may name the record as `%(obj)s`; `breadcrumbs` lead to it, "Sửa" is appended.
    """
    # The form edits a copy: validation writes into its instance, and the title, breadcrumbs and
    # the service must still see the record as stored.
    form = form_class(request.POST or None, instance=copy.copy(obj), user=request.user)
    return form_page(
        request,
        form,
        save=lambda: entity.change(
            obj, form.service_data(), expected_version=form.expected_version, actor=request.user
        ),
        saved=saved,
        title=title % {"obj": obj},
        breadcrumbs=[*breadcrumbs, (_("Sửa"), None)],
        cancel_url=obj.get_absolute_url(),  # type: ignore[attr-defined]
        classification=getattr(obj, "classification", 0),
    )


def delete_page(
    request: HttpRequest,
    entity: Entity[M],
    obj: M,
    *,
    what: str,
    breadcrumbs: Crumbs,
    success_url: str,
) -> HttpResponse:
    """Confirm, then delete through the service; a refusal (still referenced) is shown in place.

    `what` names the kind in the messages ("đơn vị"); the form carries the version the page was
    opened with, so a record changed meanwhile is not deleted unseen (409).
    """
    form = DeleteForm(
        request.POST if request.method == "POST" else None,
        initial={"version": getattr(obj, "version", None)},
    )
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            entity.remove(
                obj, expected_version=form.cleaned_data.get("version"), actor=request.user
            )
        except ConcurrentEditError as exc:
            error, status = exc.messages[0], 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 422
        else:
            messages.success(request, _("Đã xóa %(what)s “%(obj)s”.") % {"what": what, "obj": obj})
            return redirect(success_url)
    return render_page(
        request,
        DELETE_TEMPLATE,
        {
            "object": obj,
            "form": form,
            "error": error,
            "what": what,
            "breadcrumbs": [*breadcrumbs, (_("Xóa"), None)],
            "cancel_url": obj.get_absolute_url(),  # type: ignore[attr-defined]
            "page_classification": getattr(obj, "classification", 0),
        },
        status=status,
    )
