"""The API's get / create / update / delete flow, shared by every app's kvpt/<app>/api.py.

Endpoints stay declared one by one with ninja's decorators (so the OpenAPI document names each
path, schema and error), and their bodies call these, which answer alike everywhere: outside
scope 404, without the permission 403, a stale `version` 409, refused input 422 on the field (the
status codes come from kvpt.core.api's error handlers). See docs/adding-an-entity.md §6.

    @router.patch("/units/{unit_id}", response={200: UnitOut, **UPDATE_ERRORS})
    def patch_unit(request, unit_id: int, payload: UnitPatch) -> Unit:
        return api_crud.update(request, UNIT, unit_id, payload.model_dump(exclude_unset=True),
                               changes=_unit_changes)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from kvpt.core.api import ErrorOut, PagePagination
from kvpt.core.crud import Entity
from kvpt.core.models import AccessLog
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, log_classified_reads

M = TypeVar("M", bound=Model)

# The `response=` error entries of each kind of endpoint, for the OpenAPI document.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
UPDATE_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 409: ErrorOut}

# (user, payload as a dict, the record or None on create) -> the service's keyword arguments.
Changes = Callable[[Any, dict[str, Any], Any], dict[str, Any]]
Selector = Callable[[Any], QuerySet[Any]]


class LoggedPagePagination(PagePagination):
    """PagePagination that logs the classified rows of the page it returns (one INSERT)."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        log_classified_reads(request.user, page["items"], AccessLog.Action.API)
        return page


# --- payload -> service arguments --------------------------------------------------------------


def pick(data: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The plain fields the payload carries (a PATCH carries only those it changes)."""
    return {name: data[name] for name in names if name in data}


def resolve_ref(
    queryset: QuerySet[Any],
    data: dict[str, Any],
    name: str,
    label: str,
    *,
    current: Model | None = None,
    required: bool = False,
) -> Any:
    """Resolve `<name>_id` or `<name>_code` within what the caller may see.

    The record's present reference (`current`) is accepted as given even when the caller cannot
    see it (a district admin re-sending her district's province), so a full PUT round-trips.
    """
    ref_id, ref_code = data.get(f"{name}_id"), data.get(f"{name}_code")
    if ref_id is None and not ref_code:
        if required:
            raise ValidationError(
                {f"{name}_id": _("Cần cho biết %(what)s (id hoặc mã).") % {"what": label}}
            )
        return None
    if current is not None and (ref_id == current.pk or (ref_code and ref_code == current.code)):  # type: ignore[attr-defined]
        return current
    found = (
        queryset.filter(pk=ref_id).first()
        if ref_id is not None
        else queryset.filter(code=ref_code).first()
    )
    if found is None:
        field = f"{name}_id" if ref_id is not None else f"{name}_code"
        raise ValidationError(
            {field: _("Không tìm thấy %(what)s này trong phạm vi của bạn.") % {"what": label}}
        )
    return found


def reference(
    data: dict[str, Any],
    name: str,
    queryset: QuerySet[Any],
    label: str,
    *,
    current: Model | None,
    required: bool = False,
) -> dict[str, Any]:
    """`{name: record}` when the payload names it, or on create when it is required; else {}.

    `current` is the record being updated (None on create): its present reference round-trips.
    """
    named = f"{name}_id" in data or f"{name}_code" in data
    if not named and not (required and current is None):
        return {}
    present = None
    if current is not None and getattr(current, f"{name}_id") is not None:
        present = getattr(current, name)
    return {name: resolve_ref(queryset, data, name, label, current=present, required=required)}


# --- endpoints' bodies -------------------------------------------------------------------------


def get_logged(request: HttpRequest, queryset: QuerySet[M], pk: Any) -> M:
    """One visible record (404 otherwise); a classified one's read is logged."""
    obj = get_visible_or_404(queryset, pk=pk)
    log_classified_read(request.user, obj, AccessLog.Action.API)
    return obj


def create(
    request: HttpRequest,
    entity: Entity[M],
    changes: dict[str, Any],
    *,
    under: str,
    out: Selector | None = None,
) -> Status[M]:
    """Create through the service; the record it goes `under` must be one the caller manages.

    201 with the record as `out` (default: the entity's selector) shows it.
    """
    user = request.user
    if changes.get(under) is not None:
        require_perm(user, entity.perm, changes[under])
    obj = entity.create(**changes, actor=user)
    return Status(201, get_visible_or_404((out or entity.visible)(user), pk=obj.pk))


def update(
    request: HttpRequest,
    entity: Entity[M],
    pk: Any,
    data: dict[str, Any],
    *,
    changes: Changes,
    out: Selector | None = None,
) -> M:
    """PUT or PATCH: `data` carries `version` (409 when stale) and the fields to change."""
    user = request.user
    obj = entity.get_for_change(user, pk)
    version = data.pop("version")
    entity.change(obj, changes(user, data, obj), expected_version=version, actor=user)
    return get_visible_or_404((out or entity.visible)(user), pk=obj.pk)


def delete(request: HttpRequest, entity: Entity[M], pk: Any, version: int | None) -> Status[None]:
    """DELETE, refused (409) when `version` is given and stale, 422 while still referenced."""
    obj = entity.get_for_change(request.user, pk)
    entity.remove(obj, expected_version=version, actor=request.user)
    return Status(204, None)
