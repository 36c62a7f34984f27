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


class ExerciseClosedError(ValidationError):
    """A write to a record of a closed exercise, which is kept as it was."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Cuộc diễn tập đã kết thúc: hồ sơ chỉ còn để xem, trừ các việc khắc phục sau "
                "tổng kết."
            ),
            code="exercise_closed",
        )


CLOSED_STATUS = "closed"


def ensure_exercise_open(exercise_id: int, *, writable_when_closed: bool = False) -> None:
    """Refuse a write to a record of a closed exercise (follow-up actions pass the flag)."""
    from django.apps import apps

    exercise_model = apps.get_model("exercises", "Exercise")
    status = exercise_model._default_manager.filter(pk=exercise_id).values_list("status", flat=True)
    if not writable_when_closed and status.first() == CLOSED_STATUS:
        raise ExerciseClosedError()


def bump_revision(exercise_id: int) -> None:
    """Raise the exercise's revision: a report built from an older one is now stale.

    An UPDATE ... SET revision = revision + 1 rather than a read-modify-write, so two writers to
    the same exercise cannot lose an increment.
    """
    from django.apps import apps
    from django.db.models import F

    exercise_model = apps.get_model("exercises", "Exercise")
    exercise_model._default_manager.filter(pk=exercise_id).update(revision=F("revision") + 1)


def _owning_exercise(instance: Any) -> int | None:
    owner = getattr(instance, "owning_exercise_id", None)
    return owner() if callable(owner) else None


def guard_exercise_write(instance: Any) -> int | None:
    """Before writing a record of an exercise: refuse if closed; return the exercise to bump."""
    exercise_id = _owning_exercise(instance)
    if exercise_id is None or getattr(instance, "is_exercise_root", False):
        # The exercise itself guards its own closure in its service (closed -> reviewing reopens).
        return exercise_id
    ensure_exercise_open(
        exercise_id, writable_when_closed=getattr(instance, "writable_when_closed", False)
    )
    return exercise_id


def create_versioned(instance: V, *, actor: Any) -> V:
    """Validate, normalise and insert a new row with its first history record."""
    normalise_fields(instance)
    instance.full_clean()
    with transaction.atomic():
        set_actor(instance, actor)
        instance.version = 1
        exercise_id = guard_exercise_write(instance)
        instance.save()
        if exercise_id is None:
            exercise_id = _owning_exercise(instance)  # a new exercise has its id only now
        if exercise_id is not None and not getattr(instance, "is_exercise_root", False):
            bump_revision(exercise_id)
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
        is_root = getattr(instance, "is_exercise_root", False)
        columns = ("version", "revision") if is_root else ("version",)
        row = (
            model._default_manager.select_for_update(of=("self",))
            .filter(pk=instance.pk)
            .values_list(*columns)
            .first()
        )
        if row is None:
            raise ValidationError(_("Bản ghi này không còn tồn tại."), code="gone")
        current = row[0]
        if expected_version is not None and current != expected_version:
            raise ConcurrentEditError(instance, current)
        exercise_id = guard_exercise_write(instance)
        instance.version = current + 1
        if is_root:
            # Under the row lock: the stored revision, not the form's copy, plus this write.
            instance.revision = row[1] + 1  # type: ignore[attr-defined]
        set_actor(instance, actor)
        instance.save()
        if exercise_id is not None and not is_root:
            bump_revision(exercise_id)
    return instance


def delete_recorded(instance: Any, *, actor: Any) -> None:
    """Delete with the actor recorded in history."""
    with transaction.atomic():
        exercise_id = guard_exercise_write(instance)
        set_actor(instance, actor)
        instance.delete()
        if exercise_id is not None and not getattr(instance, "is_exercise_root", False):
            bump_revision(exercise_id)
