"""Writes to documents (văn kiện): add, edit, delete, status, new versions, and the download log.

Every function is the last line of defence. The actor must hold "preparation.change_record" on the
document (the exercise's editors, or a member of the document's subcommittee: checked before and
after a change, so a member cannot move a document to a subcommittee they do not sit on). Referenced
records must be visible to the actor and belong to the same exercise; the marking is never below
the exercise's nor above the actor's clearance.

Status (docs/guide/documents.md):

- draft -> approved: by an approver (org admin, steering leader, staff planner, system admin), and
  only once at least one version has been uploaded.
- approved -> draft: an approver returns it for rework (new versions are uploaded only to drafts,
  so the approved file is the one that was approved).
- approved -> archived: by an approver, at any time (quản lý văn kiện after use).
- draft -> archived: by an approver, only once the exercise is reviewing or cancelled (a draft that
  was never approved is filed away with the rest). A closed exercise is read-only: archive first.
- archived is final: an archived document is no longer edited, uploaded to, or deleted.

Only drafts are deleted; approved and archived documents are records to keep.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kvpt.core import writes
from kvpt.core.models import AccessLog, Classification
from kvpt.core.permissions import require_perm, roles_on
from kvpt.core.services import bump_revision, ensure_exercise_open
from kvpt.core.uploads import DOCUMENT_KINDS, check_upload
from kvpt.preparation.models import Document, DocumentKind, DocumentStatus, DocumentVersion

logger = logging.getLogger(__name__)

PERM = "preparation.change_record"
APPROVERS = frozenset({"system_admin", "org_admin", "steering_leader", "staff_planner"})
S = DocumentStatus

# The fields `document_update` accepts in `changes`; the form edits the same, in this order.
DOCUMENT_FIELDS = (
    "kind",
    "code",
    "number",
    "title",
    "subcommittee",
    "classification",
    "custodian",
    "issued_on",
)

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.APPROVED, S.ARCHIVED}),
    S.APPROVED: frozenset({S.DRAFT, S.ARCHIVED}),
    S.ARCHIVED: frozenset(),
}
# Exercise statuses in which a draft may be archived without having been approved.
ARCHIVE_DRAFTS_WHEN = frozenset({"reviewing", "cancelled"})


# --- checks ------------------------------------------------------------------------------------


def can_approve(actor: Any, document: Document) -> bool:
    return bool(roles_on(actor, document) & APPROVERS)


def _check_exercise_visible(actor: Any, exercise: Any) -> None:
    from kvpt.exercises.selectors import exercise_list

    if exercise is None or not exercise_list(actor).filter(pk=exercise.pk).exists():
        raise ValidationError(
            {"exercise": _("Không tìm thấy cuộc diễn tập này trong phạm vi của bạn.")}
        )


def _check_references(actor: Any, document: Document, before: Document | None) -> None:
    """Kind from the active catalogue, subcommittee of this exercise, custodian the actor sees.

    A reference the record already had (`before`) stays acceptable as it is.
    """
    from kvpt.exercises.models import CommitteeKind
    from kvpt.exercises.selectors import committee_list
    from kvpt.organisations.selectors import agency_list

    kind_changed = before is None or document.kind_id != before.kind_id
    if kind_changed and not DocumentKind.objects.filter(pk=document.kind_id, active=True).exists():
        raise ValidationError({"kind": _("Hãy chọn một loại văn kiện trong danh mục.")})
    subcommittee_changed = before is None or before.subcommittee_id != document.subcommittee_id
    if document.subcommittee_id and subcommittee_changed:
        writes.require_visible(
            committee_list(actor).filter(
                exercise_id=document.exercise_id, kind=CommitteeKind.SUBCOMMITTEE
            ),
            document.subcommittee,
            "subcommittee",
            _("Không tìm thấy tiểu ban này trong cuộc diễn tập."),
        )
    if document.custodian_id and (before is None or before.custodian_id != document.custodian_id):
        writes.require_visible(
            agency_list(actor),
            document.custodian,
            "custodian",
            _("Không tìm thấy cơ quan này trong phạm vi của bạn."),
        )


def _check_marking(actor: Any, document: Document) -> None:
    """A document inherits its exercise's level and may be set higher, never lower."""
    floor = int(document.exercise.classification)
    if int(document.classification) < floor:
        raise ValidationError(
            {
                "classification": _(
                    "Độ mật của văn kiện không được thấp hơn độ mật của cuộc diễn tập "
                    "(“%(level)s”)."
                )
                % {"level": Classification(floor).label}
            }
        )
    writes.check_clearance(actor, document.classification)


def _refuse_archived(document: Document) -> None:
    if document.status == S.ARCHIVED:
        raise ValidationError(
            _("Văn kiện “%(obj)s” đã lưu trữ: chỉ còn để xem và tải xuống.") % {"obj": document},
            code="archived",
        )


# --- add, edit, delete -------------------------------------------------------------------------


def document_create(
    *,
    exercise: Any,
    kind: DocumentKind | None,
    code: str,
    title: str,
    number: str = "",
    subcommittee: Any = None,
    classification: int | None = None,
    custodian: Any = None,
    issued_on: Any = None,
    actor: Any,
) -> Document:
    """A new draft document of `exercise`; its marking defaults to the exercise's."""
    _check_exercise_visible(actor, exercise)
    if kind is None:
        raise ValidationError({"kind": _("Hãy chọn loại văn kiện.")})
    document = Document(
        exercise=exercise,
        kind=kind,
        code=code,
        number=number or "",
        title=title,
        subcommittee=subcommittee,
        classification=exercise.classification if classification is None else classification,
        custodian=custodian,
        issued_on=issued_on,
        status=S.DRAFT,
    )
    require_perm(actor, PERM, document)
    with transaction.atomic():
        _check_references(actor, document, None)
        _check_marking(actor, document)
        writes.check_code_unique(Document, document.code, None, within={"exercise": exercise})
        return writes.insert(document, actor=actor)


def document_update(
    *,
    document: Document,
    changes: Mapping[str, Any],
    expected_version: int | None,
    actor: Any,
) -> Document:
    writes.check_fields(changes, DOCUMENT_FIELDS)
    with transaction.atomic():
        current = writes.current_for_write(
            document,
            expected_version=expected_version,
            require=lambda d: require_perm(actor, PERM, d),
        )
        _refuse_archived(current)
        before = writes.fresh(current)
        writes.apply_changes(current, changes)
        if current.kind_id is None:
            raise ValidationError({"kind": _("Hãy chọn loại văn kiện.")})
        # A subcommittee member may not hand the document to a subcommittee they do not sit on.
        require_perm(actor, PERM, current)
        _check_references(actor, current, before)
        _check_marking(actor, current)
        writes.check_code_unique(
            Document, current.code, current.pk, within={"exercise_id": current.exercise_id}
        )
        return writes.update(current, expected_version=expected_version, actor=actor)


def document_delete(*, document: Document, expected_version: int | None, actor: Any) -> None:
    """Delete a draft with its versions; the stored files go once the deletion is committed."""
    with transaction.atomic():
        current = writes.current_for_write(
            document,
            expected_version=expected_version,
            require=lambda d: require_perm(actor, PERM, d),
        )
        if current.status != S.DRAFT:
            raise ValidationError(
                _(
                    "Chỉ xóa được văn kiện đang ở dạng dự thảo; văn kiện “%(obj)s” đã %(status)s "
                    "và là hồ sơ cần giữ."
                )
                % {"obj": current, "status": current.get_status_display().lower()},
                code="not_draft",
            )
        names = list(current.versions.values_list("file", flat=True))
        writes.delete(current, actor=actor, what=_("văn kiện"))
        transaction.on_commit(lambda: _remove_files(names))


def _remove_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the row is gone either way; an orphan file is only disk space
            logger.warning("could not delete stored file %s", name)


# --- status ------------------------------------------------------------------------------------


def next_statuses(document: Document, actor: Any) -> list[str]:
    """The statuses `actor` may move `document` to now (for the page's buttons)."""
    if not can_approve(actor, document):
        return []
    result = []
    for status in TRANSITIONS.get(document.status, frozenset()):
        try:
            _check_transition(document, status)
        except ValidationError:
            continue
        result.append(status)
    return [s for s in S.values if s in result]


def _check_transition(document: Document, status: str) -> None:
    if status not in S.values:
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    if status == document.status:
        raise ValidationError(
            {"status": _("Văn kiện đã ở trạng thái “%(s)s”.") % {"s": S(status).label}}
        )
    if status not in TRANSITIONS[document.status]:
        raise ValidationError(
            {
                "status": _("Không thể chuyển văn kiện từ “%(from)s” sang “%(to)s”.")
                % {"from": S(document.status).label, "to": S(status).label}
            }
        )
    if status == S.APPROVED and not document.versions.exists():
        raise ValidationError(
            {
                "status": _(
                    "Chưa thể phê duyệt: văn kiện chưa có tệp nào. Hãy tải lên ít nhất một "
                    "phiên bản trước."
                )
            }
        )
    if (
        status == S.ARCHIVED
        and document.status == S.DRAFT
        and document.exercise.status not in ARCHIVE_DRAFTS_WHEN
    ):
        raise ValidationError(
            {
                "status": _(
                    "Chỉ lưu trữ được văn kiện đã phê duyệt; bản dự thảo chỉ được lưu trữ khi "
                    "cuộc diễn tập đang tổng kết hoặc đã hủy."
                )
            }
        )


def document_set_status(
    *, document: Document, status: str, expected_version: int | None, actor: Any
) -> Document:
    with transaction.atomic():
        current = writes.current_for_write(
            document,
            expected_version=expected_version,
            require=lambda d: require_perm(actor, PERM, d),
        )
        if not can_approve(actor, current):
            raise PermissionDenied(
                _(
                    "Chỉ lãnh đạo Ban Chỉ đạo, cán bộ tham mưu hoặc quản trị đơn vị mới được "
                    "phê duyệt, trả lại hoặc lưu trữ văn kiện."
                )
            )
        _check_transition(current, status)
        current.status = status
        return writes.update(current, expected_version=expected_version, actor=actor)


# --- versions and downloads --------------------------------------------------------------------


def document_add_version(
    *,
    document: Document,
    upload: Any,
    note: str = "",
    actor: Any,
    field: str = "file",
) -> DocumentVersion:
    """Check the file (kvpt.core.uploads), store it under our own name, number it last + 1.

    Only a draft takes new versions; the earlier versions are kept.
    """
    require_perm(actor, PERM, document)
    checked = check_upload(upload, field=field, label=_("Tệp văn kiện"), allowed=DOCUMENT_KINDS)
    stored: str | None = None
    try:
        with transaction.atomic():
            # The row lock serialises numbering: two uploads at once get n and n + 1.
            current = (
                Document.objects.select_for_update().select_related("exercise").get(pk=document.pk)
            )
            require_perm(actor, PERM, current)
            _refuse_archived(current)
            if current.status != S.DRAFT:
                raise ValidationError(
                    {
                        field: _(
                            "Văn kiện đã phê duyệt: muốn tải lên bản mới, hãy trả lại dự thảo "
                            "trước (bản đã phê duyệt vẫn được giữ)."
                        )
                    },
                    code="not_draft",
                )
            ensure_exercise_open(current.exercise_id)
            last = current.versions.aggregate(last=Max("number"))["last"] or 0
            version = DocumentVersion(
                document=current,
                number=last + 1,
                filename=checked.filename,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                note=_clean_note(note),
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            version.file.save(checked.filename, checked.file, save=False)
            stored = version.file.name
            version.full_clean(exclude=["file"])
            version.save()
            bump_revision(current.exercise_id)
    except IntegrityError as exc:
        _remove_files([stored] if stored else [])
        raise ValidationError(
            {field: _("Có người vừa tải lên một phiên bản khác cùng lúc; hãy thử lại.")}
        ) from exc
    except BaseException:
        _remove_files([stored] if stored else [])
        raise
    return version


def _clean_note(note: str) -> str:
    from kvpt.core.text import clean_text

    return clean_text(note)[:400]


def document_record_download(*, version: DocumentVersion, actor: Any) -> AccessLog:
    """Every download is logged, whatever the document's marking (the security officer asks)."""
    document = version.document
    return AccessLog.objects.create(
        user=actor,
        action=AccessLog.Action.DOWNLOAD,
        model=document._meta.label_lower,
        object_id=str(document.pk),
        object_repr=f"{document} (v{version.number})"[:255],
        classification=int(document.classification),
    )
