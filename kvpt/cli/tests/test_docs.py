"""The README and the user guide name the demo logins that `kvpt demo` really creates."""

from __future__ import annotations

import re
from pathlib import Path

from kvpt.demo.load import DEMO_LOGINS

REPO = Path(__file__).resolve().parents[3]
LOGIN_ROW = re.compile(r"^\|\s*`([a-z0-9._-]+)`\s*\|", re.MULTILINE)


def documented_logins(path: Path) -> set[str]:
    return set(LOGIN_ROW.findall(path.read_text(encoding="utf-8")))


def test_the_readme_lists_exactly_the_demo_logins() -> None:
    assert documented_logins(REPO / "README.md") == {row[0] for row in DEMO_LOGINS}


def test_the_user_guide_lists_exactly_the_demo_logins() -> None:
    assert documented_logins(REPO / "docs" / "user-guide.md") == {row[0] for row in DEMO_LOGINS}


def test_the_readme_gives_the_demo_password() -> None:
    passwords = {row[1] for row in DEMO_LOGINS}

    assert len(passwords) == 1
    assert passwords.pop() in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_opens_with_the_two_commands() -> None:
    opening = "\n".join((REPO / "README.md").read_text(encoding="utf-8").splitlines()[:30])

    assert "make run" in opening
    assert "make test" in opening
