"""Fixtures of the report tests: the demo exercise DT-KVPT-2023 as the seed describes it."""

from __future__ import annotations

import io
from typing import Any

import pytest


def load_all_demo() -> None:
    """`kvpt demo`, plus the demo rows of apps the lead has not wired into it yet."""
    from django.apps import apps

    from kvpt.demo.load import DemoLoader, load_demo
    from kvpt.exercises.models import Exercise

    load_demo(io.StringIO())
    exercise = Exercise.objects.get(code="DT-KVPT-2023")
    if apps.is_installed("kvpt.forces"):
        from kvpt.forces.demo import load_forces_demo
        from kvpt.forces.models import Force

        if not Force.objects.filter(exercise=exercise).exists():
            load_forces_demo(DemoLoader(), exercise)


@pytest.fixture
def demo(db: None) -> Any:
    from kvpt.exercises.models import Exercise

    load_all_demo()
    return Exercise.objects.get(code="DT-KVPT-2023")


@pytest.fixture
def demo_admin(demo: Any) -> Any:
    from kvpt.accounts.models import User

    return User.objects.get(username="admin")


@pytest.fixture(scope="module")
def demo_module(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo loaded once for a whole test module, rolled back at its end (loading is slow).

    Tests using it must not write; they read what the module-level fixtures built.
    """
    from django.db import transaction

    from kvpt.exercises.models import Exercise

    with django_db_blocker.unblock(), transaction.atomic():
        load_all_demo()
        yield Exercise.objects.get(code="DT-KVPT-2023")
        transaction.set_rollback(True)


@pytest.fixture
def in_demo_module(demo_module: Any, django_db_blocker: Any) -> Any:
    """Database access for a test reading the module's demo (see demo_module)."""
    with django_db_blocker.unblock():
        yield demo_module
