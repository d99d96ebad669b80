"""A launch from Canvas navigation shows the portal in the launching user's locale
(`launch_presentation.locale`, docs/canvas-behaviour.md §15.3), before any sign-in."""

from __future__ import annotations

import re

from django.test import Client

from canvas_emulator.demo_users import DEMO_ARABIC, DEMO_SPANISH
from tests.lti.conftest import Lti


def test_the_connect_page_of_a_spanish_launch_is_in_spanish(lti: Lti):
    response, _ = lti.launch(Client(), DEMO_SPANISH, top_level=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="es" dir="ltr">' in page
    assert "Conecte su cuenta de Canvas" in page
    assert "Connect your Canvas account" not in page


def test_an_arabic_launch_is_right_to_left_and_stays_so_after_connecting(lti: Lti):
    window = lti.connect(DEMO_ARABIC)
    page = window.get("/no-such-page/").content.decode()
    assert re.search(r'<html lang="ar" dir="rtl">', page)
    assert "تسجيل الخروج" in page  # Sign out


def test_the_launch_locale_comes_from_the_claim_not_the_browser(lti: Lti):
    client = Client(headers={"Accept-Language": "fr"})
    started = lti.start(client, DEMO_SPANISH)
    fields = lti.authorize(started, DEMO_SPANISH)
    response = client.post("/lti/launch", fields, headers={"Sec-Fetch-Dest": "document"})
    assert '<html lang="es" dir="ltr">' in response.content.decode()


def test_the_tool_configuration_labels_each_placement_per_language(client: Client, settings):
    config = client.get("/lti/config.json").json()
    placements = {p["placement"]: p for p in config["extensions"][0]["settings"]["placements"]}
    user_nav = placements["user_navigation"]
    # Bare language keys: Canvas falls back from es-ES to es, never from pt to pt-BR (§15.3).
    assert user_nav["labels"] == {
        "en": "Contact Methods",
        "es": "Métodos de contacto",
        "fr": "Modes de contact",
        "ar": "طرق الاتصال",
    }
    assert user_nav["text"] == "Contact Methods"
    assert placements["account_navigation"]["labels"]["es"] == (
        "Servicio de asistencia de Métodos de contacto"
    )
    assert config["title"] == "Contact Methods"
