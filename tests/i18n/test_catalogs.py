"""The translation catalogs are complete and fresh, and the converted code holds no English
outside the translation functions.

`make messages` (docs/i18n.md) extracts and compiles; the .po and .mo files are committed, so
running the portal needs no gettext tools. These tests need them (GNU gettext: xgettext,
msgfmt) and say so when they are missing.
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.i18n.source_check import CONVERTED, english_outside_translation

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = ("es", "fr", "ar")
NPLURALS = {"es": 2, "fr": 2, "ar": 6}
# What the portal's code needs to extract messages (the rest of the repo holds no portal text).
SOURCES = (
    "manage.py",
    "portal",
    "accounts",
    "canvas",
    "channels_app",
    "helpdesk",
    "lti",
    "templates",
)


def needs_gettext() -> None:
    missing = [tool for tool in ("xgettext", "msgfmt", "msgmerge") if not shutil.which(tool)]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: install GNU gettext (sudo apt-get install gettext)."
        )


def key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory) -> dict[str, polib.POFile]:
    """`makemessages` on a copy of the portal's code (without the committed catalogs)."""
    needs_gettext()
    copy = tmp_path_factory.mktemp("portal")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    (copy / "locale").mkdir()
    languages = [arg for lang in TRANSLATED for arg in ("-l", lang)]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *languages, "--no-location"],
        cwd=copy,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        },
        check=True,
        capture_output=True,
        timeout=120,
    )
    return {
        lang: polib.pofile(str(copy / f"locale/{lang}/LC_MESSAGES/django.po"))
        for lang in TRANSLATED
    }


def committed(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / f"locale/{lang}/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_marked_string_is_in_the_committed_catalog_translated(fresh_catalogs, lang):
    catalog = committed(lang)
    have = {key(entry) for entry in catalog if not entry.obsolete}
    wanted = {key(entry) for entry in fresh_catalogs[lang]}
    assert sorted(wanted - have, key=str) == [], f"missing from locale/{lang}: run `make messages`"
    assert sorted(have - wanted, key=str) == [], f"no longer in the code, still in locale/{lang}"
    untranslated = [entry.msgid for entry in catalog if not entry.translated()]
    fuzzy = [entry.msgid for entry in catalog if entry.fuzzy]
    assert untranslated == [], f"untranslated in locale/{lang}"
    assert fuzzy == [], f"fuzzy (needs review) in locale/{lang}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plural_entries_have_every_form_of_the_language(lang):
    catalog = committed(lang)
    assert f"nplurals={NPLURALS[lang]};" in catalog.metadata["Plural-Forms"]
    for entry in catalog:
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            assert len(forms) == NPLURALS[lang] and all(forms.values()), entry.msgid


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_committed_mo_is_the_compiled_po(tmp_path, lang):
    needs_gettext()
    fresh_mo = tmp_path / "django.mo"
    po = ROOT / f"locale/{lang}/LC_MESSAGES/django.po"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh_mo), str(po)], check=True, timeout=60)
    with fresh_mo.open("rb") as fresh, (po.with_suffix(".mo")).open("rb") as shipped:
        fresh_catalog = gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
        shipped_catalog = gettext.GNUTranslations(shipped)._catalog  # type: ignore[attr-defined]
    assert shipped_catalog == fresh_catalog, f"locale/{lang}: run `make messages` to recompile"


@pytest.mark.parametrize("pattern", CONVERTED)
def test_converted_code_holds_no_english_outside_the_translation_functions(pattern):
    found = english_outside_translation(ROOT, pattern)
    assert found == [], "wrap these in gettext / {% translate %}"
