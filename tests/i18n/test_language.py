"""Which language a page is in (portal/languages.py): Canvas's locale at sign-in, the browser's
before it, the footer switch over both until sign-out; and `<html lang dir>` to match."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from canvas_emulator.demo_users import DEMO_ARABIC, DEMO_SPANISH, DEMO_STUDENT
from harness.emulator import EmulatorProcess
from portal.languages import accept_language_choice, closest_language
from tests.support.canvas import sign_in

HTML_TAG = re.compile(r"<html lang=\"([^\"]+)\" dir=\"([^\"]+)\">")


def html_lang(response) -> tuple[str, str]:
    found = HTML_TAG.search(response.content.decode())
    assert found, response.content[:300]
    return found.group(1), found.group(2)


@pytest.mark.parametrize(
    ("canvas_locale", "language"),
    [
        ("es", "es"),
        ("es-ES", "es"),
        ("fr", "fr"),
        ("fr-CA", "fr"),
        ("ar", "ar"),
        ("ar_SA", "ar"),  # Canvas's internal spelling (§15.2), should one ever leak out
        ("en-GB", "en"),
        ("EN-au", "en"),
        ("pt-BR", None),
        ("zh-Hans", None),
        ("da-x-k12", None),
        ("", None),
        (None, None),
        ("es" + "-x" * 40, None),  # longer than any tag Canvas has: not a locale
    ],
)
def test_a_canvas_locale_maps_to_the_closest_shipped_language(canvas_locale, language):
    assert closest_language(canvas_locale) == language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("pt-BR,pt;q=0.9,es;q=0.5,en;q=0.4", "es"),
        ("en;q=0.2, ar;q=0.8", "ar"),
        ("es;q=0, fr", "fr"),
        ("ja, zh-Hans", None),
        ("es;q=bogus, en", "en"),
        ("", None),
    ],
)
def test_accept_language_gives_the_most_wanted_shipped_language(header, language):
    assert accept_language_choice(header) == language


def sign_in_with_locale(canvas: EmulatorProcess, client: Client, locale: str) -> Client:
    user = canvas.create_user(
        name="Locale Student", login_id=f"loc-{locale}", locale=locale, email="l@example.edu"
    )
    return sign_in(canvas, client, user["id"])


def test_a_student_whose_canvas_is_in_spanish_gets_the_portal_in_spanish(canvas, client, db):
    sign_in(canvas, client, DEMO_SPANISH)
    assert client.session["canvas_locale"] == "es"
    # The error page of a signed-in student: the layout and the sentence in Spanish.
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert html_lang(page) == ("es", "ltr")
    assert page["Content-Language"] == "es"
    text = page.content.decode()
    assert "Página no encontrada" in text and "Cerrar sesión" in text
    assert "Page not found" not in text


def test_an_arabic_student_gets_arabic_right_to_left(canvas, client, db):
    sign_in(canvas, client, DEMO_ARABIC)
    page = client.get("/no-such-page/")
    assert html_lang(page) == ("ar", "rtl")
    assert "الصفحة غير موجودة" in page.content.decode()


def test_french_canadian_canvas_gives_french(canvas, client, db):
    sign_in_with_locale(canvas, client, "fr-CA")
    page = client.get("/no-such-page/")
    assert html_lang(page) == ("fr", "ltr")
    assert "Page introuvable" in page.content.decode()


def test_a_canvas_locale_the_portal_lacks_gives_english_not_the_browsers_language(
    canvas, client, db
):
    sign_in_with_locale(canvas, client, "pt-BR")
    page = client.get("/no-such-page/", headers={"Accept-Language": "es"})
    assert html_lang(page) == ("en", "ltr")
    assert "Page not found" in page.content.decode()


def test_the_default_english_student_gets_english(student):
    page = student.get("/no-such-page/", headers={"Accept-Language": "fr"})
    assert html_lang(page) == ("en", "ltr")


def test_before_sign_in_the_browsers_language_is_used(client, db):
    landing = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert html_lang(landing) == ("es", "ltr")
    text = landing.content.decode()
    assert "Iniciar sesión con Canvas" in text and "Métodos de contacto" in text
    assert "Accept-Language" in landing["Vary"]
    english = client.get("/", headers={"Accept-Language": "ja"})
    assert html_lang(english) == ("en", "ltr")
    assert "Sign in with Canvas" in english.content.decode()


def test_sign_in_problems_are_in_the_browsers_language(client, db):
    cancelled = client.get(
        "/oauth/callback/?error=access_denied&state=x", headers={"Accept-Language": "ar"}
    )
    assert cancelled.status_code == 403
    assert html_lang(cancelled) == ("ar", "rtl")
    text = cancelled.content.decode()
    assert "أُلغي تسجيل الدخول" in text and "حاول تسجيل الدخول مرة أخرى" in text


def test_the_footer_switch_works_without_javascript_and_wins_until_sign_out(canvas, db):
    client = Client(enforce_csrf_checks=True)
    sign_in(canvas, client, DEMO_SPANISH)
    page = client.get("/no-such-page/")
    form = re.search(
        r'<form class="language-switch" method="post" action="([^"]+)"', page.content.decode()
    )
    assert form, "the footer has a language form"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    # The browser sends the page it was on as Referer; set_language goes back there.
    switched = client.post(
        form.group(1),
        {"language": "fr", "csrfmiddlewaretoken": token},
        headers={"Referer": "http://testserver/no-such-page/"},
    )
    assert switched.status_code == 302
    assert switched["Location"] == "http://testserver/no-such-page/"
    after = client.get("/no-such-page/")
    assert html_lang(after) == ("fr", "ltr"), "the choice beats Canvas's Spanish"
    # Sign-out ends the choice: the landing page goes back to the browser's language.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', after.content.decode()).group(
        1
    )
    out = client.post("/logout/", {"csrfmiddlewaretoken": token})
    assert out.status_code == 302
    landing = client.get(out["Location"], headers={"Accept-Language": "en"})
    assert html_lang(landing) == ("en", "ltr")
    assert "You are signed out." in landing.content.decode()


def test_the_switch_needs_the_csrf_token(client, db):
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/language/", {"language": "ar", "next": "/"})
    assert refused.status_code == 403
    assert html_lang(strict.get("/")) == ("en", "ltr")


def test_the_switch_does_not_redirect_off_site(client, db):
    switched = client.post(
        "/language/",
        {"language": "es", "next": "https://evil.example/"},
        headers={"Referer": "https://evil.example/page"},
    )
    assert switched.status_code == 302 and switched["Location"] == "/"


def test_a_language_cookie_the_portal_does_not_ship_is_ignored(client, db):
    client.cookies["portal_language"] = '"><script>'
    page = client.get("/", headers={"Accept-Language": "fr"})
    assert html_lang(page) == ("fr", "ltr")


def test_a_forged_canvas_locale_never_reaches_the_page(canvas, client, db):
    sign_in(canvas, client, DEMO_STUDENT)
    session = client.session
    session["canvas_locale"] = 'es" onload="alert(1)'
    session.save()
    page = client.get("/no-such-page/")
    assert html_lang(page) == ("en", "ltr")  # not a shipped language: English
    assert "onload" not in page.content.decode()
