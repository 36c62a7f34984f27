"""Forms of documents: add / edit, upload a version, and the list's filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm, vn_date_field
from kvpt.core.models import Classification
from kvpt.core.scope import get_scope
from kvpt.core.uploads import DOCUMENT_KINDS, KINDS, max_upload_bytes
from kvpt.preparation.models import Document
from kvpt.preparation.selectors.documents import document_kinds
from kvpt.preparation.services.documents import DOCUMENT_FIELDS, PERM


def document_subcommittees(user: Any, exercise: Any) -> QuerySet[Any]:
    """The subcommittees a document of `exercise` may be put under by `user`.

    Editors of the exercise: all of them; a subcommittee member: those they sit on.
    """
    from kvpt.exercises.models import CommitteeKind
    from kvpt.exercises.selectors import committee_list

    committees = committee_list(user).filter(exercise=exercise, kind=CommitteeKind.SUBCOMMITTEE)
    if user.has_perm(PERM, Document(exercise=exercise)):
        return committees
    person_id = getattr(user, "person_id", None)
    return committees.filter(members__person_id=person_id).distinct()


def can_add_document(user: Any, exercise: Any) -> bool:
    """May `user` add a document to `exercise` (as an editor, or for a subcommittee)?"""
    if user.has_perm(PERM, Document(exercise=exercise)):
        return True
    from kvpt.core.permissions import roles_on

    return "subcommittee_member" in roles_on(user, exercise) and (
        document_subcommittees(user, exercise).exists()
    )


class DocumentForm(VersionedModelForm):
    issued_on = vn_date_field(_("Ngày ban hành"))

    class Meta:
        model = Document
        fields = list(DOCUMENT_FIELDS)
        labels = {
            "kind": _("Loại văn kiện"),
            "number": _("Số, ký hiệu"),
            "title": _("Trích yếu"),
            "custodian": _("Cơ quan quản lý"),
        }
        help_texts = {
            "code": _("Mã riêng trong cuộc diễn tập, ví dụ VK-01."),
            "number": _("Ví dụ: 12/KH-BCĐ (không cần gõ chữ “Số:”)."),
            "classification": _("Không thấp hơn độ mật của cuộc diễn tập; có thể cao hơn."),
        }
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        from kvpt.organisations.models import Agency
        from kvpt.organisations.selectors import agency_list

        exercise = self.instance.exercise
        self.limit_choices("kind", document_kinds(include=self.instance.kind_id))
        self.limit_choices("subcommittee", document_subcommittees(user, exercise))
        self.limit_choices(
            "custodian",
            agency_list(user).order_by("name"),
            # A custodian placed by someone who sees more stays, even if this user cannot pick it.
            also_visible=Agency.objects.all(),
            reads=("name",),
        )
        floor = int(exercise.classification)
        clearance = get_scope(user).clearance
        self.fields["classification"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Classification.choices if floor <= value <= clearance
        ]
        if not self.instance.pk:
            self.initial.setdefault("classification", floor)


class DocumentVersionForm(forms.Form):
    """A new version's file and a note; the checks are kvpt.core.uploads' (in the service)."""

    file = forms.FileField(
        label=_("Tệp văn kiện"),
        allow_empty_file=True,  # the service says "rỗng" with the file's name
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=400,
        required=False,
        help_text=_("Ví dụ: bản sửa theo ý kiến Ban Chỉ đạo ngày 12/05."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = max_upload_bytes() / (1024 * 1024)
        kinds = ", ".join(str(KINDS[code].label) for code in DOCUMENT_KINDS)
        self.fields["file"].help_text = _(
            "Nhận: %(kinds)s; tối đa %(limit)s MB. Loại tệp được kiểm tra theo nội dung."
        ) % {"kinds": kinds, "limit": f"{limit:g}".replace(".", ",")}
        self.fields["file"].widget.attrs["accept"] = ",".join(
            ext for code in DOCUMENT_KINDS for ext in KINDS[code].extensions
        )
