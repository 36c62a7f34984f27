"""Shared setup of the document tests: documents, versions, a subcommittee member."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.urls import reverse

from kvpt.accounts.models import Role, User
from kvpt.core.testing import files
from kvpt.core.testing.factories import UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.exercises.models import Committee, CommitteeMember, Exercise
from kvpt.preparation.models import Document, DocumentKind, DocumentVersion
from kvpt.preparation.services.documents import document_add_version

# The catalogue migration 0002 seeds (the tests' database may be built without migrations).
CATALOGUE = dict(import_module("kvpt.preparation.migrations.0002_document_kinds").KINDS)


def kind(code: str = "KH-DT") -> DocumentKind:
    order = list(CATALOGUE).index(code) + 1
    return DocumentKind.objects.get_or_create(
        code=code, defaults={"name": CATALOGUE[code], "order": order}
    )[0]


def make_document(
    exercise: Exercise, code: str = "VK-01", *, title: str = "Kế hoạch diễn tập", **extra: Any
) -> Document:
    extra.setdefault("kind", kind())
    extra.setdefault("classification", exercise.classification)
    return Document.objects.create(exercise=exercise, code=code, title=title, **extra)


def add_version(
    document: Document, actor: User, kind_name: str = "pdf", name: str | None = None
) -> DocumentVersion:
    upload = files.sample(kind_name)
    if name is not None:
        upload.name = name
    return document_add_version(document=document, upload=upload, actor=actor)


def subcommittee(world: World, code: str = "TB-VK") -> Committee:
    return Committee.objects.create(
        exercise=world.exercise, kind="subcommittee", code=code, name=f"Tiểu ban {code}"
    )


def subcommittee_member(world: World, committee: Committee) -> User:
    """frank sits on `committee` and holds the subcommittee member role on the exercise."""
    frank = UserFactory.create(username="frank", person=world.person)
    grant(frank, Role.SUBCOMMITTEE_MEMBER, exercise=world.exercise)
    CommitteeMember.objects.create(committee=committee, person=world.person)
    return frank


def url(name: str, document: Document, *more: Any) -> str:
    return reverse(f"preparation:{name}", args=[document.exercise_id, document.pk, *more])


def api(document: Document, suffix: str = "") -> str:
    return f"/api/v1/exercises/{document.exercise_id}/documents/{document.pk}{suffix}"
