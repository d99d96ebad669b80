"""Finding English a user could see that is not marked for translation.

Templates: the text between tags and the visible attributes (`aria-label`, `title`, `alt`,
`placeholder`), outside `{% translate %}` and `{% blocktranslate %}`, read with Django's own
template lexer. Python: string constants that read as sentences, except docstrings, arguments
of the translation functions, exceptions raised and log calls (those are for operators), and SQL.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

# The code whose every user-visible string is translated: all of the portal's.
CONVERTED = (
    "templates/*.html",
    "templates/django/forms/*.html",
    "lti/templates/lti/*.html",
    "accounts/*.py",
    "lti/*.py",
    "portal/*.py",
    "portal/views/*.py",
    "helpdesk/*.py",
    "helpdesk/templatetags/*.py",
    "templates/helpdesk/*.html",
    "channels_app/*.py",
    "channels_app/templatetags/*.py",
    "templates/channels/*.html",
)
# Operator-facing: start-up refusals and configuration, in English by design (docs/deploy.md).
OPERATOR_FILES = {
    "portal/settings.py",
    "portal/config_safety.py",
    "portal/checks.py",
    "portal/env.py",
    "portal/gunicorn.conf.py",
    "portal/logging.py",
}
TRANSLATE_CALLS = {
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "_",
}
SQL_CALLS = {"execute", "executemany"}
VISIBLE_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "aria-description"}
WORD = re.compile(r"[^\W\d_]{2,}")
SENTENCE = re.compile(r"^[A-Z][^\n]*\s\S+\s\S+.*[.!?)]$", re.DOTALL)
HOLE = "\x00"  # where a template tag or variable stood


def english_outside_translation(root: Path, pattern: str) -> list[str]:
    found: list[str] = []
    for path in sorted(root.glob(pattern)):
        relative = path.relative_to(root).as_posix()
        if relative in OPERATOR_FILES or "/migrations/" in relative:
            continue
        text = path.read_text(encoding="utf-8")
        problems = _template(text) if path.suffix == ".html" else _python(text)
        found += [f"{relative}: {problem}" for problem in problems]
    return found


def _template(source: str) -> list[str]:
    """Translated blocks and every tag become holes; what remains is checked as HTML."""
    pieces: list[str] = []
    depth = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            # Translated blocks, and {% comment %} blocks (never shown), are skipped.
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
            pieces.append(HOLE)
        elif token.token_type == TokenType.TEXT and depth == 0:
            pieces.append(token.contents)
        else:
            pieces.append(HOLE)
    checker = _VisibleText()
    checker.feed("".join(pieces))
    checker.close()
    return checker.problems


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._raw = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._raw += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and WORD.search(value.replace(HOLE, " ")):
                self.problems.append(f'<{tag} {name}="{value.replace(HOLE, "…")}">')

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._raw = max(0, self._raw - 1)

    def handle_data(self, data: str) -> None:
        text = data.replace(HOLE, " ").strip()
        if not self._raw and WORD.search(text):
            self.problems.append(repr(text))


def _python(source: str) -> list[str]:
    tree = ast.parse(source)
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            exempt.add(id(node.value))  # docstrings and other bare strings
        elif isinstance(node, ast.Raise) or (isinstance(node, ast.Call) and _exempt_call(node)):
            exempt.update(id(inner) for inner in ast.walk(node))
    return [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in exempt
        and SENTENCE.match(node.value)
    ]


def _exempt_call(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in TRANSLATE_CALLS:
        return True
    # cursor.execute("SELECT ..."): SQL for the database, never shown.
    if name in SQL_CALLS:
        return True
    # logger.warning(...), logging.info(...): for operators' logs, in English.
    owner = func.value if isinstance(func, ast.Attribute) else None
    return isinstance(owner, ast.Name) and owner.id in {"logger", "logging", "log"}
