"""Forms of preparation tasks: add / edit, the table's bulk edit, and the Excel import upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kvpt.core.forms import VersionedModelForm, vn_date_field
from kvpt.core.scope import get_scope
from kvpt.core.widgets import FastSelectsMixin, lean_choices
from kvpt.preparation.models import Task, TaskStatus
from kvpt.preparation.selectors.tasks import (
    EditScope,
    exercise_subcommittees,
    task_assignee_choices,
    task_edit_scope,
    task_owner_choices,
)
from kvpt.preparation.services.tasks import TASK_FIELDS


def _person_label(person: Any) -> str:
    return f"{person.full_name} ({person.code})"


def _agency_label(agency: Any) -> str:
    return f"{agency.name} ({agency.code})"


def _allowed_subcommittees(user: Any, exercise: Any, scope: EditScope) -> Any:
    subcommittees = exercise_subcommittees(exercise.pk)
    if scope.everything:
        return subcommittees
    return subcommittees.filter(pk__in=scope.subcommittee_ids)


class TaskForm(VersionedModelForm):
    """Add or edit a task of `exercise`; choices limited to what the user may pick."""

    start = vn_date_field(_("Ngày bắt đầu"))
    due = vn_date_field(_("Hạn hoàn thành"))
    completed_on = vn_date_field(_("Ngày hoàn thành"))

    class Meta:
        model = Task
        fields = list(TASK_FIELDS)
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "depends_on": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "code": _("Mã ổn định trong cuộc diễn tập, ví dụ CV-03; dùng để nhập/xuất Excel."),
            "progress": _("Từ 0 đến 100. Khi chuyển sang “Hoàn thành”, tiến độ tự thành 100%."),
            "completed_on": _("Để trống: hệ thống ghi ngày hôm nay khi công việc hoàn thành."),
            "depends_on": _("Các công việc phải xong trước (giữ Ctrl để chọn nhiều)."),
        }

    def __init__(self, *args: Any, exercise: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exercise = exercise or self.instance.exercise
        self.exercise = exercise
        scope = task_edit_scope(self.user, exercise)
        fields: Any = self.fields
        fields["subcommittee"].queryset = _allowed_subcommittees(self.user, exercise, scope)
        fields["subcommittee"].required = not scope.everything
        fields["subcommittee"].empty_label = _("— không thuộc tiểu ban —")
        # An owner or assignee already on the task stays offered (someone with a wider scope may
        # have named it), unless it is marked above the user's clearance.
        from kvpt.organisations.models import Agency, Person

        clearance = get_scope(self.user).clearance
        self.limit_choices(
            "owner",
            task_owner_choices(self.user, exercise),
            also_visible=Agency.objects.filter(classification__lte=clearance),
            label=_agency_label,
            reads=("name", "code"),
        )
        self.limit_choices(
            "assignee",
            task_assignee_choices(self.user, exercise),
            also_visible=Person.objects.filter(classification__lte=clearance),
            label=_person_label,
            reads=("full_name", "code"),
        )
        from kvpt.preparation.selectors import task_list

        others = task_list(self.user).filter(exercise=exercise).order_by("code")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        fields["owner"].empty_label = _("— chưa chọn —")
        fields["assignee"].empty_label = _("— chưa chọn —")
        fields["depends_on"].queryset = others
        lean_choices(fields["depends_on"], "code", "title", label=lambda t: f"{t.code} - {t.title}")
        fields["progress"].widget.attrs.update({"min": 0, "max": 100})
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("classification", exercise.classification)

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["depends_on"] = list(data.get("depends_on") or [])
        return data


class _RowChoice(forms.MultipleChoiceField):
    """Rows are checked by the service (which rows a page shows changes between requests)."""

    def valid_value(self, value: Any) -> bool:
        return True


class TaskBulkForm(FastSelectsMixin, forms.Form):
    """Set the same fields on the chosen rows; a blank field is left as it is on every row.

    Each chosen row comes as "<id>:<version>" so a row saved meanwhile is caught.
    """

    task = _RowChoice(label=_("Công việc đã chọn"), required=True)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    progress = forms.IntegerField(
        label=_("Tiến độ (%)"), required=False, min_value=0, max_value=100
    )
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Người thực hiện"), queryset=None, required=False
    )
    subcommittee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Tiểu ban"), queryset=None, required=False
    )
    due = vn_date_field(_("Hạn hoàn thành"))
    # A blank field means "leave as it is", so emptying a field needs its own, explicit choice.
    clear = forms.MultipleChoiceField(
        label=_("Xóa trên các dòng đã chọn"),
        required=False,
        choices=[("assignee", _("người thực hiện")), ("due", _("hạn hoàn thành"))],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any, exercise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["status"].choices = [("", _("— giữ nguyên —")), *TaskStatus.choices]
        fields["assignee"].queryset = task_assignee_choices(user, exercise)
        lean_choices(fields["assignee"], "full_name", "code", label=_person_label)
        fields["assignee"].empty_label = _("— giữ nguyên —")
        scope = task_edit_scope(user, exercise)
        fields["subcommittee"].queryset = _allowed_subcommittees(user, exercise, scope)
        fields["subcommittee"].empty_label = _("— giữ nguyên —")
        fields["task"].error_messages["required"] = _("Hãy chọn ít nhất một công việc.")

    def clean_task(self) -> dict[int, int | None]:
        versions: dict[int, int | None] = {}
        for raw in self.cleaned_data["task"]:
            pk, _sep, version = str(raw).partition(":")
            if not pk.isdigit():
                raise forms.ValidationError(_("Lựa chọn không hợp lệ."))
            versions[int(pk)] = int(version) if version.isdigit() else None
        return versions

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in data.get("clear") or ():
            if data.get(name):
                self.add_error(name, _("Vừa chọn giá trị mới vừa chọn xóa: hãy bỏ một trong hai."))
        return data

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        for name in ("status", "assignee", "subcommittee", "due"):
            if data.get(name):
                changes[name] = data[name]
        if data.get("progress") is not None:
            changes["progress"] = data["progress"]
        for name in data.get("clear") or ():
            changes[name] = None
        return changes


class TaskImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_(
            "Các cột như tệp xuất ra; thứ tự cột tùy ý. Dòng có mã công việc đã có sẽ được cập "
            "nhật, mã mới sẽ được thêm."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
