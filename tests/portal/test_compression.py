"""Compressed pages without a BREACH leak (portal/compression.py, docs/security.md): pages are
gzipped only for requests the portal's own pages made, and the secrets in a page change with
every response."""

import gzip
import re

from django.test import Client

OWN = {"HTTP_ACCEPT_ENCODING": "gzip, br", "HTTP_SEC_FETCH_SITE": "same-origin"}
CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')
NONCE_IN_PAGE = re.compile(r'nonce="([^"]+)"')


def test_a_page_the_portals_own_page_asked_for_comes_compressed_and_reads_the_same(
    student: Client,
):
    plain = student.get("/channels/", HTTP_SEC_FETCH_SITE="same-origin")
    packed = student.get("/channels/", **OWN)
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 2
    page = gzip.decompress(packed.content).decode()
    assert "Add a contact method" in page
    assert "Sec-Fetch-Site" in packed["Vary"]


def test_a_page_typed_in_the_address_bar_comes_compressed(client: Client, db):
    answer = client.get("/", HTTP_ACCEPT_ENCODING="gzip", HTTP_SEC_FETCH_SITE="none")
    assert answer["Content-Encoding"] == "gzip"


def test_a_request_another_site_made_gets_an_uncompressed_page_whose_size_leaks_nothing(
    student: Client,
):
    for started_by in (
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {},
    ):
        answer = student.get("/channels/", HTTP_ACCEPT_ENCODING="gzip, br", **started_by)
        assert answer.status_code == 200
        assert not answer.has_header("Content-Encoding"), started_by
        assert "Add a contact method" in answer.content.decode()
        assert "Sec-Fetch-Site" in answer["Vary"]


def test_the_secrets_in_a_compressed_page_differ_in_every_response(student: Client):
    pages = [gzip.decompress(student.get("/channels/", **OWN).content).decode() for _ in range(2)]
    tokens = [CSRF_IN_PAGE.search(page).group(1) for page in pages]
    nonces = [NONCE_IN_PAGE.search(page).group(1) for page in pages]
    assert tokens[0] != tokens[1]  # the CSRF token is masked afresh for each response
    assert nonces[0] != nonces[1]
    assert "sessionid" not in pages[0]
    session_key = student.cookies["sessionid"].value
    assert session_key not in pages[0]
