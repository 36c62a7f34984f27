"""The English catalogue: complete, compiled, switched on by the language switch, never a copy.

Message ids are Vietnamese (docs/decisions/0001-vietnamese-source-strings.md); English lives in
locale/en/LC_MESSAGES/django.po. After adding or changing a string, run `make messages`, translate
the new entries in that file and commit both django.po and django.mo.
"""

from __future__ import annotations

import ast
import gettext
import hashlib
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages
from django.test import Client, override_settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ENGLISH_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
ENGLISH_MO = ENGLISH_PO.with_suffix(".mo")
# The same sources `make messages` reads.
IGNORED = [".venv/*", "var/*", "bench/*"]

# Proper names that stay Vietnamese in English too: msgids whose translation may keep their letters.
PROPER_NAMES_KEPT_AS_IS = frozenset({"Tiếng Việt", "Thanh Hóa"})

HOW_TO_FIX = (
    "Run `make messages`, translate the new entries in locale/en/LC_MESSAGES/django.po "
    "(no empty msgstr, no `#, fuzzy`) and commit django.po with django.mo."
)


@pytest.fixture
def gettext_tools() -> None:
    """GNU gettext is part of the test setup (`make test` installs it): missing is a failure."""
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        pytest.fail(
            "GNU gettext (Debian package gettext) is not installed: run `make test` as root or "
            "`apt-get install gettext`.",
            pytrace=False,
        )


needs_gettext = pytest.mark.usefixtures("gettext_tools")


def _vietnamese_only_letters() -> frozenset[str]:
    """đ, the vowels with a breve, circumflex or horn, and every vowel with a tone mark."""
    tones = ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # huyền, sắc, hỏi, ngã, nặng
    vowels = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
    letters = {"đ", "ă", "â", "ê", "ô", "ơ", "ư"}
    letters |= {unicodedata.normalize("NFC", vowel + tone) for vowel in vowels for tone in tones}
    return frozenset(letters | {letter.upper() for letter in letters})


VIETNAMESE_ONLY = re.compile("[" + "".join(sorted(_vietnamese_only_letters())) + "]")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstrs) and all(self.msgstrs) and "fuzzy" not in self.flags


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def read_po(path: Path) -> dict[tuple[str | None, str], Entry]:
    """The live entries of a .po file by (msgctxt, msgid); the header and obsolete ones left out."""
    entries: dict[tuple[str | None, str], Entry] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, current = Entry(), ""
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue  # comments, references, previous msgids, obsolete entries (#~)
            elif line.startswith('"'):
                _append(entry, current, ast.literal_eval(line))
            elif match := _KEYWORD.match(line):
                current = match[1]
                if current.startswith("msgstr"):
                    entry.msgstrs.append("")
                else:
                    setattr(entry, current, "")
                _append(entry, current, ast.literal_eval(match[2]))
            else:
                raise AssertionError(f"{path}: cannot read the line {line!r}")
        if entry.msgid:
            entries[entry.key] = entry
    return entries


def _append(entry: Entry, keyword: str, text: str) -> None:
    if keyword.startswith("msgstr"):
        entry.msgstrs[-1] += text
    else:
        setattr(entry, keyword, (getattr(entry, keyword) or "") + text)


class _ExtractInto(makemessages.Command):
    """makemessages that writes its .pot/.po under `target` only.

    Stock makemessages sends the messages of every file under a directory named `locale` (here the
    repository root, whose locale/ it finds while walking) to that directory, whatever
    LOCALE_PATHS says: it would msgmerge into the committed catalogue.
    """

    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = str(target)

    def find_files(self, root: str) -> list[Any]:
        files: list[Any] = super().find_files(root)
        for translatable in files:
            translatable.locale_dir = self.target
        self.locale_paths = [self.target]
        return files


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load_mo(path: Path) -> dict[Any, str]:
    with path.open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    # The parsed messages; typeshed does not declare this attribute of GNUTranslations.
    return dict(vars(translations)["_catalog"])


@needs_gettext
def test_the_english_catalogue_translates_every_message_the_code_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(settings.BASE_DIR)  # makemessages reads the sources under the working dir
    committed = _digest(ENGLISH_PO)
    extracted = tmp_path / "locale"
    with override_settings(LOCALE_PATHS=[extracted]):
        call_command(
            _ExtractInto(extracted),
            locale=["en"],
            ignore_patterns=IGNORED,
            no_obsolete=True,
            verbosity=0,
        )
    assert _digest(ENGLISH_PO) == committed, "the extraction must not rewrite the committed file"

    used = read_po(extracted / "en" / "LC_MESSAGES" / "django.po")
    assert len(used) > 100, "the extraction found too few messages; did it read the sources?"
    catalogue = read_po(ENGLISH_PO)
    missing = sorted(
        (key for key in used if key not in catalogue or not catalogue[key].translated),
        key=lambda key: (key[0] or "", key[1]),
    )
    assert not missing, (
        f"{len(missing)} message(s) used in the code have no English translation:\n"
        + "\n".join(
            f"  {msgid!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, msgid in missing
        )
        + f"\n{HOW_TO_FIX}"
    )


@needs_gettext
def test_the_committed_mo_file_is_compiled_from_the_committed_po_file(tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(ENGLISH_PO)],
        check=True,
        capture_output=True,
    )
    assert ENGLISH_MO.exists(), f"{ENGLISH_MO} is missing. {HOW_TO_FIX}"
    assert _load_mo(ENGLISH_MO) == _load_mo(fresh), (
        f"{ENGLISH_MO.name} is out of date with {ENGLISH_PO.name}: run "
        "`uv run python manage.py compilemessages -l en --ignore=.venv --ignore=var` and commit it."
    )


def test_the_english_catalogue_has_no_fuzzy_or_empty_entry_and_a_proper_header() -> None:
    text = ENGLISH_PO.read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    assert "#, fuzzy" not in header
    assert '"Language: en\\n"' in header
    assert '"Project-Id-Version: kvpt\\n"' in header
    untranslated = [entry.msgid for entry in read_po(ENGLISH_PO).values() if not entry.translated]
    assert not untranslated, f"untranslated or fuzzy: {untranslated}. {HOW_TO_FIX}"


@pytest.fixture
def language_restored() -> Iterator[None]:
    """The language middleware activates the request's language in this thread and leaves it."""
    with translation.override(translation.get_language()):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("language_restored")
def test_the_login_page_is_vietnamese_by_default_and_english_after_the_switch() -> None:
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="vi">' in page
    assert "<h1>Đăng nhập</h1>" in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Sign in</h1>" in page
    assert "Đăng nhập" not in page
    assert "Username" in page
    assert "Password" in page


def test_no_english_translation_is_a_copy_of_the_vietnamese() -> None:
    copies = [
        (entry.msgid, msgstr)
        for entry in read_po(ENGLISH_PO).values()
        if entry.msgid not in PROPER_NAMES_KEPT_AS_IS
        for msgstr in entry.msgstrs
        if VIETNAMESE_ONLY.search(unicodedata.normalize("NFC", msgstr))
    ]
    assert not copies, (
        "these English translations contain Vietnamese letters (untranslated copies?); "
        "translate them, or add a proper name that must stay as is to PROPER_NAMES_KEPT_AS_IS:\n"
        + "\n".join(f"  {msgid!r} -> {msgstr!r}" for msgid, msgstr in copies)
    )


def test_the_vietnamese_letter_check_recognises_vietnamese_and_spares_english() -> None:
    assert VIETNAMESE_ONLY.search("Đăng nhập")
    assert VIETNAMESE_ONLY.search("Thường")
    assert VIETNAMESE_ONLY.search("ĐỊA BÀN")
    assert not VIETNAMESE_ONLY.search("Defence-area exercise: “%(obj)s” → 30 days")
