"""Write helpers for every service: versioned saves that refuse stale edits, recording the actor."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kvpt.core.models import VersionedModel
from kvpt.core.text import clean_text, nfc

V = TypeVar("V", bound=VersionedModel)


class ConcurrentEditError(ValidationError):
    """Someone saved the same object after this form was opened."""

    def __init__(self, instance: VersionedModel, current_version: int) -> None:
        super().__init__(
            _(
                "Bản ghi “%(obj)s” vừa được người khác sửa (phiên bản %(current)s) sau khi bạn mở "
                "biểu mẫu. Thay đổi của bạn chưa được lưu: hãy tải lại trang để xem bản mới, rồi "
                "nhập lại."
            )
            % {"obj": instance, "current": current_version},
            code="concurrent_edit",
        )
        self.current_version = current_version


def normalise_fields(instance: Any) -> None:
    """NFC every text field: the same word typed on two keyboards must compare equal."""
    for field in instance._meta.concrete_fields:
        if field.get_internal_type() in {"CharField", "TextField", "SlugField", "EmailField"}:
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                is_single_line = field.get_internal_type() != "TextField"
                setattr(
                    instance, field.attname, clean_text(value) if is_single_line else nfc(value)
                )


def set_actor(instance: Any, actor: Any) -> None:
    """Record the actor for simple-history, which reads `_history_user` first.

    Token-authenticated API calls never pass the request middleware, so the request's user alone
    would be missing from their history.
    """
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None


def create_versioned(instance: V, *, actor: Any) -> V:
    """Validate, normalise and insert a new row with its first history record."""
    normalise_fields(instance)
    instance.full_clean()
    set_actor(instance, actor)
    instance.version = 1
    instance.save()
    return instance


def save_versioned(instance: V, *, expected_version: int | None, actor: Any) -> V:
    """Save an edited row only if nobody saved it since `expected_version` was read.

    The row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction holds the
    write lock already) so two concurrent saves cannot both pass the check. The ordinary save path
    runs, so history is written as for any other change.
    """
    if instance.pk is None:
        return create_versioned(instance, actor=actor)
    normalise_fields(instance)
    instance.full_clean()
    with transaction.atomic():
        model = type(instance)
        current = (
            model._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None:
            raise ValidationError(_("Bản ghi này không còn tồn tại."), code="gone")
        if expected_version is not None and current != expected_version:
            raise ConcurrentEditError(instance, current)
        instance.version = current + 1
        set_actor(instance, actor)
        instance.save()
    return instance


def delete_recorded(instance: Any, *, actor: Any) -> None:
    """Delete with the actor recorded in history."""
    set_actor(instance, actor)
    instance.delete()
