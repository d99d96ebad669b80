"""What every browser scenario needs: a console/CSP guard, axe checks, htmx waits, sign-in.

Scenarios call `BrowserUI` methods instead of raw Playwright for the steps that change the page,
so each full page load and each htmx swap is followed by an axe run and a console check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from collections.abc import Callable

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core tag names).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
_axe = Axe()

# Runs in every page before its own scripts (CDP, so the page's CSP does not apply to it):
# counts htmx settles for `BrowserUI.htmx`, and reports CSP violations even if the browser's
# console message for one ever changes.
INIT_SCRIPT = """
window.__htmxSettles = 0;
document.addEventListener("htmx:afterSettle", () => { window.__htmxSettles += 1; });
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || document.URL}:${e.lineNumber}`);
});
"""

_FAILED_RESOURCE = re.compile(
    r"^Failed to load resource: the server responded with a status of (\d+)"
)


@dataclass
class ConsoleGuard:
    """Collects console errors, uncaught exceptions and CSP violations from one browser context.

    Chromium logs every HTTP error answer as a console error ("Failed to load resource: … 422"),
    including the ones the portal sends on purpose (a full-page 403, 422 or 429; a Canvas failure
    is a 200 page, never a portal 5xx). A scenario that causes one declares it with
    `expect_http_error`; every other error fails the test.
    """

    problems: list[str] = field(default_factory=list)
    expected_http: list[tuple[int, str]] = field(default_factory=list)

    def attach(self, context: Any) -> None:
        context.expose_binding("__reportCspViolation", self._on_csp)
        context.add_init_script(INIT_SCRIPT)
        context.on("page", self.watch)

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def expect_http_error(self, status: int, path: str) -> None:
        self.expected_http.append((status, path))

    def _on_csp(self, source: Any, text: str) -> None:
        self.problems.append(f"CSP violation: {text}")

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        failed = _FAILED_RESOURCE.match(message.text)
        if failed:
            status = int(failed.group(1))
            if any(status == s and url.split("?")[0].endswith(p) for s, p in self.expected_http):
                return
        self.problems.append(f"console error: {message.text} ({url})")

    def check(self) -> None:
        assert not self.problems, "browser reported:\n" + "\n".join(self.problems)


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)  # once per document, not once per check
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in results["violations"]
    ]


@dataclass
class BrowserUI:
    """One browser tab on the portal, with the checks every state change must pass."""

    page: Page
    guard: ConsoleGuard
    # With JavaScript off, axe (which needs timers) runs on a copy of the page's DOM in this
    # JavaScript-enabled tab whose own scripts are blocked, so the copy stays the no-JS page.
    axe_mirror: Page | None = None
    axe_runs: int = 0
    # The language the portal's pages are expected in: the accessible names below are looked
    # up in the portal's own catalogs, so one scenario runs in every language.
    lang: str = "en"

    def t(self, msgid: str, *, context: str | None = None, **values: Any) -> str:
        """`msgid` as the page shows it in `lang`: translated, filled in, tags dropped (an
        accessible name is the text, visually hidden parts included)."""
        with translation.override(self.lang):
            text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
        return _text_of(text % values if values else text)

    def tn(self, singular: str, plural: str, count: int, **values: Any) -> str:
        """A sentence with a count (`ngettext`), as `t` does."""
        with translation.override(self.lang):
            text = translation.ngettext(singular, plural, count)
        return _text_of(text % values)

    def check(self, where: str = "") -> None:
        """Zero axe violations (WCAG 2.0/2.1/2.2 A+AA) and no console error so far."""
        self.guard.check()
        if self.axe_mirror is None:
            violations = axe_violations(self.page)
        else:
            url, html = self.page.url, self.page.content()
            self.axe_mirror.route(
                url, lambda route: route.fulfill(body=html, content_type="text/html")
            )
            self.axe_mirror.goto(url)
            self.axe_mirror.unroute(url)
            violations = axe_violations(self.axe_mirror)
        self.axe_runs += 1
        assert not violations, f"axe on {where or self.page.url}:\n" + "\n".join(violations)

    def goto(self, path: str) -> None:
        self.page.goto(path)
        self.check()

    def htmx(self, action: Callable[[], Any], where: str = "") -> None:
        """Do `action`, wait until htmx has swapped and settled its answer, then check the page."""
        before = self.page.evaluate("window.__htmxSettles")
        action()
        self.page.wait_for_function(
            "n => window.__htmxSettles > n && !document.querySelector('.htmx-request')",
            arg=before,
        )
        self.check(where or f"after htmx swap on {self.page.url}")

    # -- the portal's own vocabulary ---------------------------------------------------------

    @property
    def address_field(self):
        # "Email address" alone while the form offers email only (SMS_ENABLED off).
        labels = (self.t("Email address"), self.t("Email address or mobile number"))
        return self.page.get_by_label(
            re.compile("^(" + "|".join(re.escape(label) for label in labels) + ")$")
        )

    def row(self, address: str):
        return self.page.locator("li.channel", has=self.page.get_by_text(address, exact=True))

    def banner(self):
        return self.page.locator("#unconfirmed-banner")

    def status_region(self):
        return self.page.get_by_role("status")

    def alert_region(self):
        return self.page.get_by_role("alert")

    def add(self, address: str, kind: str | None = None) -> None:
        kind = kind or self.t("Email", context="contact method type")
        radio = self.page.get_by_role("radio", name=kind)
        if radio.count():  # no choice to make when the form offers email only (SMS_ENABLED off)
            radio.check()
        self.address_field.fill(address)
        add = self.t("Add", context="button")
        self.htmx(lambda: self.page.get_by_role("button", name=add, exact=True).click())

    def sign_in(
        self, user: str = "Ada Lovelace", *, from_landing: bool = True, landing_lang: str = ""
    ) -> None:
        """Through the portal's landing page (in `landing_lang`: the browser's language decides
        it before sign-in) and the emulator's Canvas login + authorize pages."""
        page = self.page
        if from_landing:
            self.goto("/")
            with translation.override(landing_lang or self.lang):
                sign_in = translation.gettext("Sign in with Canvas")
            page.get_by_role("link", name=sign_in).click()
        self.pass_canvas_sign_in(user)
        expect(page).to_have_url(re.compile(r"/channels/$"))
        self.check()

    def pass_canvas_sign_in(self, user: str) -> None:
        page = self.page
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        login = page.get_by_role("button", name=f"Log in as {user}")
        if login.count():
            login.click()
        page.get_by_role("button", name="Authorize").click()

    def focused(self) -> dict[str, Any]:
        """The focused element: tag, id, text, and its outline (for "visible focus" checks)."""
        return self.page.evaluate(
            """() => {
              const el = document.activeElement;
              const s = getComputedStyle(el);
              return {tag: el.tagName, id: el.id, text: el.innerText || el.value || "",
                      name: el.getAttribute("aria-label") || "",
                      outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth)};
            }"""
        )

    def assert_focus_visible(self) -> None:
        focus = self.focused()
        assert focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2, focus

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than the viewport (0 = no horizontal scrolling)."""
        return self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )


def _text_of(html: str) -> str:
    """The text of `html` as Chromium names it: the visually hidden span is positioned out of
    flow, so its edges count as a space (": name" reads " : name"); spaces collapse."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
