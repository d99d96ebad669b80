"""Bytes a browser downloads on a first visit: a page and every stylesheet, script and icon it
references, as sent over the wire with `Accept-Encoding: gzip, br` (no cache, nothing reused)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import requests

ACCEPT_ENCODING = "gzip, br"
# <link rel="stylesheet|icon" href="..."> and <script src="...">, the assets a page pulls in.
ASSET = re.compile(r"<(?:link\b[^>]*\bhref|script\b[^>]*\bsrc)=\"([^\"]+)\"", re.IGNORECASE)


@dataclass
class Transfer:
    url: str
    status: int
    encoding: str  # Content-Encoding, "identity" when none
    body_bytes: int  # as transferred (compressed when compressed)
    header_bytes: int  # status line and headers, as HTTP/1.1 text
    decoded_bytes: int


def fetch(
    browser: requests.Session, url: str, timeout: float, *, fetch_site: str = "same-origin"
) -> tuple[Transfer, str]:
    """One GET, counting the body as it came over the wire (not decompressed).

    `Sec-Fetch-Site` as a browser sends it: `none` for the page typed in the address bar,
    `same-origin` for the assets it references (the portal compresses only those: BREACH)."""
    with browser.get(
        url,
        headers={"Accept-Encoding": ACCEPT_ENCODING, "Sec-Fetch-Site": fetch_site},
        allow_redirects=False,
        stream=True,
        timeout=timeout,
    ) as response:
        raw = response.raw.read(decode_content=False)
        encoding = response.headers.get("Content-Encoding", "identity")
        decoded = _decode(raw, encoding)
        headers = f"HTTP/1.1 {response.status_code} {response.reason}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in response.headers.items()
        )
        transfer = Transfer(
            url,
            response.status_code,
            encoding,
            len(raw),
            len(headers.encode()) + 2,
            len(decoded),
        )
    return transfer, decoded.decode(errors="replace")


def _decode(raw: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        import gzip

        return gzip.decompress(raw)
    if encoding == "br":
        try:
            import brotli  # type: ignore[import-not-found]
        except ImportError:
            return raw  # size of the decoded body unknown without the brotli module
        return bytes(brotli.decompress(raw))
    return raw


def first_visit(browser: requests.Session, page_url: str, timeout: float) -> list[Transfer]:
    """The page, then each asset it references once, in order."""
    page, html = fetch(browser, page_url, timeout, fetch_site="none")
    transfers = [page]
    seen: set[str] = set()
    for href in ASSET.findall(html):
        url = urljoin(page_url, href.replace("&amp;", "&"))
        if url not in seen and url.startswith(page_url.split("/", 3)[0] + "//"):
            seen.add(url)
            transfers.append(fetch(browser, url, timeout)[0])
    return transfers


def print_first_visit(title: str, transfers: list[Transfer]) -> None:
    body = sum(t.body_bytes for t in transfers)
    headers = sum(t.header_bytes for t in transfers)
    print(
        f"{title}: {len(transfers)} responses, {body + headers} bytes transferred "
        f"({body} body + {headers} headers; {sum(t.decoded_bytes for t in transfers)} decoded)"
    )
    for t in transfers:
        path = "/" + t.url.split("/", 3)[3]
        print(
            f"  {t.status}  {t.encoding:<8}{t.body_bytes:>8} B"
            f"  ({t.decoded_bytes:>7} decoded)  {path}"
        )
