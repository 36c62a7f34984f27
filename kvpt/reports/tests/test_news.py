"""The news summary: a public article from releasable fields of unclassified records only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from kvpt.core.models import Classification
from kvpt.reports.build import build_news_output
from kvpt.reports.data import collect_summary
from kvpt.reports.news import NotPublishableError, build_news
from kvpt.reports.releasable import RELEASABLE_FIELDS, NotReleasableError, public
from kvpt.reports.tests.helpers import save_artifact

pytestmark = pytest.mark.django_db

PRIVATE = "ZQXPRIV"  # in every field nobody declared releasable
SECRET = "ZQXMAT"  # in every field of a classified record
APPS = ("organisations", "exercises", "preparation", "forces", "review", "evaluation", "scenario")
SKIPPED = {"path", "search_text", "password", "username", "key_hash", "key_prefix"}


def _add_conference(exercise: Any) -> None:
    if not apps.is_installed("kvpt.review"):
        return
    from kvpt.organisations.models import Person
    from kvpt.review.models import Conference, Directive

    if Conference.objects.filter(exercise=exercise).exists():
        return  # the demo has it (kvpt/review/demo.py)
    Conference.objects.create(
        exercise=exercise,
        code="HN-01",
        title="Hội nghị tổng kết, rút kinh nghiệm diễn tập khu vực phòng thủ huyện năm 2023",
        held_on=dt.date(2023, 8, 31),
    )
    head = Person.objects.get(code="CB-388-0001")
    for code, text in (
        ("CD-01", "UBND huyện khẩn trương bàn giao công trình sở chỉ huy diễn tập cho BCHQS huyện"),
        ("CD-02", "Tổ chức thanh quyết toán, chi trả đầy đủ kịp thời kinh phí theo quy định"),
    ):
        Directive.objects.create(exercise=exercise, code=code, text=text, given_by=head)


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        and not f.choices
        and f.name not in SKIPPED
    ]


def _plant_sentinels() -> int:
    """Every text field nobody declared releasable gets PRIVATE; one record of each classified
    kind becomes Mật with SECRET in every text field. Returns how many rows were touched."""
    touched = 0
    for label in APPS:
        if not apps.is_installed(f"kvpt.{label}"):
            continue
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            fields = _text_fields(model)
            releasable = RELEASABLE_FIELDS.get(model._meta.label_lower, ())
            classifiable = any(f.name == "classification" for f in model._meta.concrete_fields)
            first = True
            for pk in model._default_manager.values_list("pk", flat=True).order_by("pk"):
                make_secret = (
                    classifiable and first and model._meta.label_lower != "exercises.exercise"
                )
                first = False
                changes: dict[str, Any] = {}
                for field in fields:
                    if field.name in releasable and not make_secret:
                        continue
                    word = SECRET if make_secret else PRIVATE
                    value: Any = f"{word} {pk}"
                    if isinstance(field, models.JSONField):
                        value = [value]
                    elif field.max_length and len(value) > field.max_length:
                        continue
                    changes[field.name] = value
                if make_secret:
                    changes["classification"] = Classification.CONFIDENTIAL
                if changes:
                    model._default_manager.filter(pk=pk).update(**changes)
                    touched += 1
    return touched


def test_a_classified_sentinel_never_reaches_the_article(demo: Any, demo_admin: Any) -> None:
    _add_conference(demo)
    before = build_news(collect_summary(demo_admin, demo))
    assert "hội nghị tổng kết" in before
    assert _plant_sentinels() > 50
    demo.refresh_from_db()
    article = build_news(collect_summary(demo_admin, demo))  # a superuser sees every record
    save_artifact("news-with-sentinels.txt", article.encode())
    assert PRIVATE not in article
    assert SECRET not in article
    # Still an article: the releasable facts of the unclassified records are there.
    assert "Lang Chánh" in article
    assert "hội nghị tổng kết" in article


def test_the_article_reads_like_the_seed(demo: Any, demo_admin: Any) -> None:
    _add_conference(demo)
    output = build_news_output(demo_admin, demo)
    article = output.content.decode("utf-8")
    save_artifact("news-DT-KVPT-2023.txt", output.content)
    assert output.marking == Classification.UNCLASSIFIED
    assert article.startswith("Hội nghị tổng kết, rút kinh nghiệm")
    assert (
        "Ngày 31 tháng 8 năm 2023, Ban Chỉ đạo diễn tập khu vực phòng thủ huyện Lang Chánh"
        in article
    )
    assert "Nguyễn Văn Hùng, Bí thư Huyện ủy, Chủ tịch HĐND huyện" in article
    assert "7 tiểu ban" in article
    assert "đổ bê tông hơn 2 km đường giao thông" in article
    # Mật works (bunkers, the command post) are not named in a public article.
    assert "Hầm Huyện ủy" not in article
    if apps.is_installed("kvpt.review"):
        assert "bàn giao công trình sở chỉ huy diễn tập" in article


def test_a_classified_exercise_has_no_public_article(demo: Any, demo_admin: Any) -> None:
    type(demo).objects.filter(pk=demo.pk).update(classification=Classification.CONFIDENTIAL)
    demo.refresh_from_db()
    with pytest.raises(NotPublishableError):
        build_news(collect_summary(demo_admin, demo))


def test_a_field_not_declared_releasable_cannot_be_read(world: Any) -> None:
    exercise = public(world.exercise)
    assert exercise is not None
    assert exercise.name == world.exercise.name
    with pytest.raises(NotReleasableError):
        _ = exercise.code_name
    world.exercise.classification = Classification.CONFIDENTIAL
    assert public(world.exercise) is None
