"""The help desk in the staff member's language: a staff member whose Canvas locale is Spanish gets
the search, a user's page, the delivery panel, the audit log and the CSV header in Spanish, dates
in Spanish (in UTC, labelled); an Arabic one gets the pages right to left."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from canvas_emulator.demo_users import DEMO_BOUNCING, DEMO_STUDENT
from canvas_emulator.permissions import VIEW_NOTIFICATIONS, VIEW_STATISTICS
from canvas_emulator.state import ADMIN_PERMISSIONS
from harness.emulator import EmulatorProcess
from tests.helpdesk.conftest import text_of
from tests.support.canvas import sign_in

pytestmark = pytest.mark.django_db

HTML_TAG = re.compile(r"<html lang=\"([^\"]+)\" dir=\"([^\"]+)\">")
BEN_EMAIL = "ben.okafor@demo.example.edu"


def staff_in(canvas: EmulatorProcess, locale: str) -> Client:
    """A help-desk admin with Hana's rights (the delivery panel's too), whose Canvas speaks
    `locale`."""
    rights = sorted(ADMIN_PERMISSIONS | {VIEW_NOTIFICATIONS, VIEW_STATISTICS})
    staff = canvas.create_user(
        name="Marta Soporte",
        login_id=f"staff-{locale}",
        role="admin",
        permissions=rights,
        locale=locale,
    )
    return sign_in(canvas, Client(), staff["id"])


def html_lang(response) -> tuple[str, str]:
    found = HTML_TAG.search(response.content.decode())
    assert found, response.content[:300]
    return found.group(1), found.group(2)


def in_spanish(when: datetime) -> str:
    with translation.override("es"):
        return date_format(when.astimezone(UTC), "DATE_FORMAT")


def test_a_staff_member_whose_canvas_is_in_spanish_searches_in_spanish(canvas, db):
    marta = staff_in(canvas, "es")
    page = marta.get("/helpdesk/", {"q": "Ada Lovelace"})
    assert page.status_code == 200
    assert html_lang(page) == ("es", "ltr")
    text = text_of(page)
    assert "Servicio de asistencia: buscar un usuario" in page.content.decode()  # the <title>
    assert "Busque un usuario de Canvas para ver y corregir sus métodos de contacto." in text
    assert "1 usuario encontrado" in text
    assert "Nombre, id de inicio de sesión, correo electrónico o id SIS" in text  # the label
    # The help text counts in Spanish too (ngettext), and nothing is left in English.
    assert "Escriba al menos 3 caracteres" in text
    assert "Find a user" not in text and "users found" not in text
    too_short = text_of(marta.get("/helpdesk/", {"q": "ab"}))
    assert "Escriba al menos 3 caracteres: Canvas no busca con menos." in too_short


def test_a_spanish_staff_member_gets_the_users_page_and_delivery_panel_in_spanish(canvas, db):
    marta = staff_in(canvas, "es")
    text = text_of(marta.get(f"/helpdesk/users/{DEMO_STUDENT}/"))
    assert "Herramientas del servicio de asistencia" in text
    assert "Comprobar la entrega" in text
    assert "Reemplazar una dirección de correo electrónico" in text
    assert "Help-desk tools" not in text
    # The panel's conclusion, its date in Spanish ("3 de marzo de 2026"), and its headings.
    panel = text_of(marta.get(f"/helpdesk/users/{DEMO_BOUNCING}/delivery/"))
    since = in_spanish(datetime.now(UTC) - timedelta(days=3))
    assert " de " in since
    assert (
        f"Todas las notificaciones van a {BEN_EMAIL}, que rebota desde el {since}: "
        "reemplácela o pida a Ben Okafor que confirme otra dirección." in panel
    )
    assert f"Último rebote el {since}" in panel
    assert "Generado (UTC)" in panel and "Rebotado" in panel
    assert "Why mail may not arrive" not in panel


def test_a_spanish_staff_member_reads_the_audit_log_and_its_csv_header_in_spanish(canvas, db):
    marta = staff_in(canvas, "es")
    marta.get("/helpdesk/audit/")  # her first reading becomes the row the next one lists
    page = marta.get("/helpdesk/audit/")
    text = text_of(page)
    assert "Registro de auditoría" in text
    assert "1 fila" in text
    assert "Hora (UTC)" in text and "Miembro del personal" in text
    assert "Consultó el registro de auditoría" in text and "Hecho" in text
    assert in_spanish(datetime.now(UTC)) in text  # the row's date, in Spanish, in UTC
    assert "Descargar todas las filas en CSV" in text
    assert "Audit log" not in text and "Read the audit log" not in text

    response = marta.get("/helpdesk/audit.csv")
    body = b"".join(response.streaming_content).decode()
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert header[:5] == [
        "hora (UTC)",
        "id de Canvas del personal",
        "nombre del personal",
        "id de Canvas del usuario",
        "nombre del usuario",
    ]
    assert header[5] == "acción" and header[8] == "resultado"
    assert {row[5] for row in rows} == {"Consultó el registro de auditoría"}
    assert {row[8] for row in rows} == {"Hecho"}


def test_an_english_staff_member_still_gets_the_csv_header_in_english(admin):
    body = b"".join(admin.get("/helpdesk/audit.csv").streaming_content).decode()
    assert next(csv.reader(io.StringIO(body)))[:2] == ["time (UTC)", "staff Canvas id"]


def test_a_staff_member_whose_canvas_is_in_arabic_gets_the_help_desk_right_to_left(canvas, db):
    amal = staff_in(canvas, "ar")
    page = amal.get("/helpdesk/")
    assert html_lang(page) == ("ar", "rtl")
    text = text_of(page)
    assert "البحث عن مستخدم" in text
    assert "سجل التدقيق" in text  # the help desk's navigation
    assert "Find a user" not in text
    audit = amal.get("/helpdesk/audit/")
    assert html_lang(audit) == ("ar", "rtl")
    assert "الوقت (UTC)" in text_of(amal.get("/helpdesk/audit/"))
