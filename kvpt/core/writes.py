"""Checks and guarded writes that every app's services share (kvpt/<app>/services.py).

A service stays the one place that decides a write; these only spare it the parts that are the same
for every kind of record: read the stored row, refuse a stale version, refuse fields it does not
take, name a clashing code, and turn the database's refusals into messages a user can act on.
Use them inside the service's own `transaction.atomic()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from kvpt.core.models import Classification, VersionedModel
from kvpt.core.scope import get_scope
from kvpt.core.services import (
    ConcurrentEditError,
    create_versioned,
    delete_recorded,
    save_versioned,
)

V = TypeVar("V", bound=VersionedModel)
N = TypeVar("N", bound=models.Model)


# --- reading the row to change -----------------------------------------------------------------


def fresh(instance: V) -> V:
    """The stored row, whatever an unsaved form did to the caller's copy."""
    model = type(instance)
    try:
        return model._default_manager.get(pk=instance.pk)
    except model.DoesNotExist as exc:
        raise ValidationError(_("Bản ghi này không còn tồn tại."), code="gone") from exc


def check_version(instance: VersionedModel, expected_version: int | None) -> None:
    """Refuse early (before any other check) an edit made from a stale copy."""
    if expected_version is not None and instance.version != expected_version:
        raise ConcurrentEditError(instance, instance.version)


def current_for_write(
    instance: V, *, expected_version: int | None, require: Callable[[V], None]
) -> V:
    """The stored row, once `require` (the permission check) and the version check passed.

    Permission first: a user who may not change the record learns nothing about its versions.
    """
    current = fresh(instance)
    require(current)
    check_version(current, expected_version)
    return current


def check_fields(changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """An update names only fields its service accepts (an API typo must not pass silently)."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: _("Trường này không sửa được ở đây.") for name in unknown})


def apply_changes(instance: Any, changes: Mapping[str, Any]) -> None:
    for name, value in changes.items():
        setattr(instance, name, value)


# --- checks ------------------------------------------------------------------------------------


def require_visible(queryset: models.QuerySet[Any], obj: Any, field: str, message: str) -> None:
    """A referenced record must be one the actor can see; hidden and absent look the same."""
    if obj is not None and not queryset.filter(pk=obj.pk).exists():
        raise ValidationError({field: message})


def check_clearance(actor: Any, level: int) -> None:
    """Nobody marks a record above what they may read themselves."""
    if int(level) > get_scope(actor).clearance:
        raise ValidationError(
            {
                "classification": _(
                    "Không thể đặt độ mật “%(level)s” cao hơn mức bạn được tiếp cận."
                )
                % {"level": Classification(int(level)).label}
            }
        )


def check_code_unique(
    model: type[models.Model],
    code: str,
    exclude_pk: int | None,
    *,
    within: Mapping[str, Any] | None = None,
) -> None:
    """A clear message before the database's own unique check (which stays as the backstop).

    `within` limits the check for codes unique inside a parent, e.g. `{"exercise": exercise}`.
    """
    code = (code or "").strip()
    clash = model._default_manager.filter(code__iexact=code, **(within or {}))
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if code and clash.exists():
        raise ValidationError(
            {
                "code": _("Mã “%(code)s” đã được dùng cho một %(kind)s khác; hãy chọn mã khác.")
                % {"code": code, "kind": model._meta.verbose_name}
            }
        )


def check_not_own_ancestor(obj: N, parent: N | None, message: str) -> None:
    """Walking up from `parent` must not reach `obj`: a record cannot sit under its own subtree."""
    seen: set[Any] = set()
    node: Any = parent
    while node is not None and node.pk not in seen:
        if obj.pk and node.pk == obj.pk:
            raise ValidationError({"parent": message})
        seen.add(node.pk)
        node = node.parent


# --- guarded writes ----------------------------------------------------------------------------


def insert(instance: V, *, actor: Any) -> V:
    """create_versioned, with a race on a unique code reported on the `code` field."""
    try:
        with transaction.atomic():
            return create_versioned(instance, actor=actor)
    except IntegrityError as exc:
        raise _code_taken(instance) from exc


def update(instance: V, *, expected_version: int | None, actor: Any) -> V:
    """save_versioned, with a race on a unique code reported on the `code` field."""
    try:
        with transaction.atomic():
            return save_versioned(instance, expected_version=expected_version, actor=actor)
    except IntegrityError as exc:
        raise _code_taken(instance) from exc


def _code_taken(instance: Any) -> ValidationError:
    # Reached only when two writers raced past check_code_unique with the same code.
    return ValidationError(
        {"code": _("Mã “%(code)s” vừa được dùng cho bản ghi khác.") % {"code": instance.code}}
    )


def delete(instance: Any, *, actor: Any, what: str) -> None:
    """delete_recorded, naming what still refers to the record when the database refuses."""
    try:
        with transaction.atomic():
            delete_recorded(instance, actor=actor)
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError(
            _("Không thể xóa %(what)s “%(obj)s” vì đang được dùng bởi: %(users)s.")
            % {"what": what, "obj": instance, "users": _describe_references(exc)},
            code="protected",
        ) from exc


def _describe_references(exc: ProtectedError | RestrictedError) -> str:
    counts: dict[str, int] = {}
    objs = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    for obj in objs:
        label = str(obj._meta.verbose_name_plural)
        counts[label] = counts.get(label, 0) + 1
    return ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
