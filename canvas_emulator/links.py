"""``Api.paginate`` for ordinary lists: page slicing and the ``Link`` header.

Canvas's pagination: docs/canvas-behaviour.md §2."""

from __future__ import annotations

import math
from urllib.parse import quote_plus

from .wire import HttpError, Request, Response, generic_error, json_response

PER_PAGE = 10  # Api::PER_PAGE
MAX_PER_PAGE = 100  # Api::MAX_PER_PAGE
# Never echoed into Link URLs (build_links_hash); page/per_page are re-added last.
_DROPPED_PARAMS = {"page", "per_page", "access_token", "api_key"}
# build_links_from_hash emits rels in this order, joined by "," without a space.
_REL_ORDER = ("current", "next", "prev", "first", "last")


def _ruby_to_i(raw: str) -> int:
    """String#to_i: leading integer or 0 (``"12abc"`` → 12, ``"abc"`` → 0)."""
    digits = ""
    for index, char in enumerate(raw.strip()):
        if char.isdigit() or (index == 0 and char in "+-"):
            digits += char
        else:
            break
    try:
        return int(digits)
    except ValueError:
        return 0


def per_page(req: Request) -> int:
    raw = req.str_param("per_page")
    if raw is None or raw == "":
        return PER_PAGE
    return min(max(_ruby_to_i(raw), 1), MAX_PER_PAGE)


def _page_number(req: Request) -> int:
    raw = req.str_param("page")
    if raw is None or raw == "":
        return 1
    if not raw.strip().isdigit() or int(raw) < 1:
        # Folio::InvalidPage → 404 via api_error_json's generic branch (§2, UNVERIFIED).
        raise HttpError(generic_error(404, "not_found"))
    return int(raw)


def link_header(req: Request, page: int, size: int, last: int) -> str:
    kept = sorted(
        ((k, v) for k, v in req.query_pairs if k not in _DROPPED_PARAMS), key=lambda kv: kv[0]
    )
    prefix = "".join(f"{quote_plus(k)}={quote_plus(v)}&" for k, v in kept)
    base = f"{req.base_url}{req.path}"
    pages = {"current": page, "first": 1, "last": last}
    if page < last:
        pages["next"] = page + 1
    if page > 1:
        pages["prev"] = page - 1
    parts = [
        f'<{base}?{prefix}page={pages[rel]}&per_page={size}>; rel="{rel}"'
        for rel in _REL_ORDER
        if rel in pages
    ]
    return ",".join(parts)


def paginate[T](req: Request, items: list[T]) -> tuple[list[T], str]:
    """Slice ``items`` for the request and build its Link header.

    A page past the end answers ``[]`` with 200 (kept for backwards compatibility, §2).
    """
    size = per_page(req)
    page = _page_number(req)
    last = max(1, math.ceil(len(items) / size))
    start = (page - 1) * size
    return items[start : start + size], link_header(req, page, size, last)


def paginated_response[T](req: Request, payload: list[T]) -> Response:
    page, link = paginate(req, payload)
    return json_response(page, Link=link)
