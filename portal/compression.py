"""Compressed pages, only for requests the portal's own pages (or the user) made: no BREACH.

BREACH recovers a secret from a compressed page by making the victim's browser send many
requests that reflect guesses next to the secret, and watching the sizes on the wire. Those
requests come from another site. Browsers say where a request comes from in `Sec-Fetch-Site`;
pages are gzipped only when it is `same-origin` (the portal's own links, forms and htmx) or
`none` (typed or bookmarked), so a request another site makes gets an uncompressed answer and
its size says nothing. A request without the header (an old browser) is not compressed either.

Beneath that, the secrets in pages are never the same in two responses: Django masks the CSRF
token afresh for each response, the CSP nonce is new on each response, and no session id or
Canvas token is ever written into a page. Django's GZipMiddleware also pads each compressed
answer with a random number of bytes (its "Heal The BREACH" mitigation). docs/security.md.
Static files are compressed ahead of time by whitenoise (gzip and brotli); they hold no secret.
"""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

# Sec-Fetch-Site values of requests no other site started.
OWN_REQUESTS = frozenset({"same-origin", "none"})


class SameSiteGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # The answer depends on the header: a shared cache must not hand one to the other.
        patch_vary_headers(response, ("Sec-Fetch-Site",))
        if request.headers.get("Sec-Fetch-Site") not in OWN_REQUESTS:
            return response
        compressed: HttpResponseBase = super().process_response(request, response)
        return compressed
