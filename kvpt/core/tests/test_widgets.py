"""FastSelect writes exactly what Django's Select writes, in one pass and one query."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from kvpt.core.widgets import FastSelect, FastSelectMultiple, FastSelectsMixin, render_attrs

CHOICES: list[tuple[Any, Any]] = [
    ("", "— chưa chọn —"),
    (1, "Hậu cần & kỹ thuật"),
    (2, 'Ban "chỉ huy" <b>'),
    ("x&y", "Đội đặc nhiệm"),
    (3, mark_safe("<em>an toàn</em>")),
    (4, gettext_lazy("Tất cả")),
    (5, 1234567),
    (None, "không"),
]
GROUPED: list[tuple[Any, Any]] = [
    ("", "—"),
    ("Tỉnh <A>", [(10, "Sở Y tế"), (11, "Sở Giao thông vận tải")]),
    (12, "Đơn vị lẻ"),
    ("Huyện", [("13", "Xã Đông Hòa"), (14, "Xã Đại Lộc")]),
]


def both(
    choices: Any, value: Any, *, multiple: bool = False, attrs: dict[str, Any] | None = None
) -> tuple[str, str]:
    slow_cls = forms.SelectMultiple if multiple else forms.Select
    fast_cls = FastSelectMultiple if multiple else FastSelect
    slow = slow_cls(attrs=dict(attrs or {}), choices=choices)
    fast = fast_cls(attrs=dict(attrs or {}), choices=choices)
    given = {"id": "id_pick", "required": True, "aria-describedby": 'id_pick_help"<'}
    return slow.render("pick", value, dict(given)), fast.render("pick", value, dict(given))


@pytest.mark.parametrize("value", [None, "", 1, "1", 2, "x&y", 3, 5, [1, 2], "nope"])
def test_it_writes_the_same_html_as_djangos_select(value: Any) -> None:
    slow, fast = both(CHOICES, value)
    assert fast == slow


@pytest.mark.parametrize("value", [None, [], [1, "x&y"], ["2", 4, 5], "3"])
def test_it_writes_the_same_html_as_djangos_select_multiple(value: Any) -> None:
    slow, fast = both(CHOICES, value, multiple=True, attrs={"size": 6, "class": "wide"})
    assert fast == slow


@pytest.mark.parametrize("value", [None, 11, "13", 12])
def test_it_writes_optgroups_as_django_does(value: Any) -> None:
    slow, fast = both(GROUPED, value, attrs={"disabled": True, "data-x": False})
    assert fast == slow


def test_it_escapes_labels_values_and_attributes() -> None:
    html = FastSelect(choices=[('a"<&', 'x <script>"&')], attrs={"title": 'a"b'}).render(
        "n<", 'a"<&'
    )
    assert '<select name="n&lt;" title="a&quot;b">' in html
    assert '<option value="a&quot;&lt;&amp;" selected>x &lt;script&gt;&quot;&amp;</option>' in html
    assert "<script>" not in html
    assert render_attrs({"a": True, "b": False, "c": 0}) == ' a c="0"'


def test_it_greys_out_disabled_values() -> None:
    html = FastSelect(choices=[(1, "một"), (2, "hai")], disabled_values=[2]).render("n", 1)
    assert '<option value="1" selected>một</option>' in html
    assert '<option value="2" disabled>hai</option>' in html


class _Pick(FastSelectsMixin, forms.Form):
    one = forms.ChoiceField(choices=CHOICES[1:4])
    many = forms.MultipleChoiceField(choices=CHOICES[1:4], required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:3], widget=forms.RadioSelect)
    flag = forms.NullBooleanField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["late"] = forms.ChoiceField(choices=CHOICES[:3])


def test_the_mixin_makes_every_plain_select_fast_and_leaves_other_widgets() -> None:
    form = _Pick(initial={"one": 2})
    rendered = {name: str(form[name]) for name in form.fields}
    kinds = {name: type(form.fields[name].widget) for name in form.fields}
    assert kinds["one"] is FastSelect
    assert kinds["many"] is FastSelectMultiple
    assert kinds["late"] is FastSelect
    assert kinds["radio"] is forms.RadioSelect
    assert kinds["flag"] is forms.NullBooleanSelect
    # What a form without the mixin writes for the same field.
    reference = _Reference(initial={"one": 2})
    assert rendered["one"] == str(reference["one"])
    assert rendered["many"] == str(reference["many"])
    # The class of the form's declared fields is untouched: the swap is per form instance.
    assert type(_Pick.base_fields["one"].widget) is forms.Select


class _Reference(forms.Form):
    one = forms.ChoiceField(choices=CHOICES[1:4])
    many = forms.MultipleChoiceField(choices=CHOICES[1:4], required=False)


@pytest.mark.django_db
@pytest.mark.parametrize("empty_label", ["— chưa chọn —", None])
def test_a_model_select_reads_its_queryset_once_and_matches_django(
    world: Any, empty_label: str | None
) -> None:
    from kvpt.organisations.models import Agency

    queryset = Agency.objects.order_by("name")
    assert queryset.count() >= 2

    class _Form(forms.Form):
        agency = forms.ModelChoiceField(queryset=queryset, empty_label=empty_label)

    class _FastForm(FastSelectsMixin, _Form):
        pass

    last = queryset.last()
    assert last is not None
    slow = str(_Form(initial={"agency": last.pk})["agency"])
    with CaptureQueriesContext(connection) as queries:
        fast = str(_FastForm(initial={"agency": last.pk})["agency"])
    assert fast == slow
    assert len(queries) == 1
    assert f'<option value="{last.pk}" selected>{last.name}</option>' in fast
    assert (" required" in fast) is (empty_label is not None)
