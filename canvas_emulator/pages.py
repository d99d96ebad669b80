"""HTML for the Canvas web pages the OAuth flow shows: login, authorize, out-of-band, home.

No inline scripts or styles (a browser test may run them under a strict CSP); the stylesheet is
served from ``/__emulator__/static/emulator.css``. Every dynamic value goes through ``escape``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from .state import User

STATIC_DIR = Path(__file__).with_name("static")
STYLESHEET_URL = "/__emulator__/static/emulator.css"


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | Canvas LMS (emulator)</title>
<link rel="stylesheet" href="{STYLESHEET_URL}">
</head>
<body>
<header class="ic-brand"><p class="ic-brand__name">Canvas <span>emulator</span></p></header>
<main class="ic-box">
{body}
</main>
</body>
</html>
"""


def _hidden(csrf_token: str) -> str:
    return f'<input type="hidden" name="authenticity_token" value="{escape(csrf_token)}">'


def login_page(
    users: list[User], csrf_token: str, *, error: str | None = None, unique_id: str = ""
) -> str:
    """Canvas-style login: one button per user (no passwords in the emulator) or a login id."""
    alert = f'<p class="ic-alert" role="alert">{escape(error)}</p>' if error else ""
    buttons = "\n".join(
        f'<li><button class="Button Button--primary" type="submit" name="user_id" '
        f'value="{user.id}">Log in as {escape(user.name)}</button></li>'
        for user in users
    )
    body = f"""<h1>Log In to Canvas</h1>
{alert}
<form method="post" action="/login/canvas" class="ic-form">
{_hidden(csrf_token)}
<label for="pseudonym_session_unique_id">Login ID</label>
<input id="pseudonym_session_unique_id" name="pseudonym_session[unique_id]" type="text"
 autocomplete="username" value="{escape(unique_id)}">
<button class="Button Button--primary" type="submit">Log In</button>
</form>
<h2>Demo users</h2>
<form method="post" action="/login/canvas" class="ic-users">
{_hidden(csrf_token)}
<ul>
{buttons or "<li>No users yet.</li>"}
</ul>
</form>"""
    return _page("Log In", body)


def confirm_page(app_name: str, user: User, csrf_token: str, scopes: list[str]) -> str:
    """``/login/oauth2/confirm``: the "… is requesting access to your account" screen."""
    scope_items = "".join(f"<li><code>{escape(s)}</code></li>" for s in scopes)
    scope_block = f"<h2>Requested access</h2><ul>{scope_items}</ul>" if scopes else ""
    body = f"""<h1>{escape(app_name)} is requesting access to your account</h1>
<p>You are authorizing this app as <strong>{escape(user.name)}</strong>.</p>
{scope_block}
<div class="ic-actions">
<form method="post" action="/login/oauth2/accept">
{_hidden(csrf_token)}
<button class="Button Button--primary" type="submit">Authorize</button>
</form>
<form method="post" action="/login/oauth2/deny">
{_hidden(csrf_token)}
<button class="Button" type="submit">Cancel</button>
</form>
</div>"""
    return _page("Authorize", body)


def oob_page(code: str | None, error: str | None) -> str:
    """The bare out-of-band landing native apps read the code from.

    docs/canvas-behaviour.md §3.1, step 1.
    """
    if error:
        body = f"<h1>Authorization failed</h1><p>{escape(error)}</p>"
    else:
        body = f"<h1>Authorization complete</h1><p>Your code: <code>{escape(code or '')}</code></p>"
    return _page("Authorization", body)


def home_page(user: User | None) -> str:
    if user is None:
        body = '<h1>Canvas emulator</h1><p><a href="/login/canvas">Log in</a></p>'
    else:
        # Where Canvas shows installed tools: the Account tray (profile) and account admin pages.
        body = (
            f"<h1>Dashboard</h1><p>Logged in as <strong>{escape(user.name)}</strong>.</p>"
            '<nav aria-label="Canvas"><ul><li><a href="/profile">Account (profile)</a></li>'
            '<li><a href="/accounts/1">Admin: Demo University</a></li></ul></nav>'
        )
    return _page("Dashboard", body)


def message_page(title: str, message: str) -> str:
    return _page(title, f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")


# -- LTI platform pages (canvas_emulator/lti.py) ------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    text: str
    href: str
    new_window: bool


def navigation_page(heading: str, user: User, links: list[NavLink]) -> str:
    """A Canvas page whose navigation lists the installed tools' links for this placement."""
    items = "".join(
        f'<li><a href="{escape(link.href)}"'
        + (' target="_blank" rel="noopener"' if link.new_window else "")
        + f">{escape(link.text)}</a></li>"
        for link in links
    )
    body = f"""<h1>{escape(heading)}</h1>
<p>Logged in as <strong>{escape(user.name)}</strong>.</p>
<nav aria-label="{escape(heading)} navigation" class="ic-nav">
<ul>{items or "<li>No tools.</li>"}</ul>
</nav>"""
    return _page(heading, body)


def tool_frame_page(title: str, user: User, src: str) -> str:
    """The tool launched inside Canvas: an iframe whose first request is the tool's login URL."""
    body = f"""<h1>{escape(title)}</h1>
<p>Logged in as <strong>{escape(user.name)}</strong>.</p>
<iframe class="tool_content" name="tool_content" title="{escape(title)}" src="{escape(src)}"
 allow="clipboard-write"></iframe>"""
    return _page(title, body)


def form_post_page(action: str, fields: dict[str, str]) -> str:
    """OIDC ``response_mode=form_post``: a static script submits it; a button without JS."""
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
    )
    body = f"""<form method="post" action="{escape(action)}" data-autosubmit>
{hidden}
<p>Launching the tool…</p>
<button class="Button Button--primary" type="submit">Continue</button>
</form>
<script src="/__emulator__/static/autosubmit.js"></script>"""
    return _page("Launching", body)


def static_file(name: str) -> bytes | None:
    """Files under ``canvas_emulator/static`` only; no path traversal."""
    if "/" in name or name.startswith("."):
        return None
    path = STATIC_DIR / name
    return path.read_bytes() if path.is_file() else None


# -- confirmation pages (canvas_emulator/register.py) -------------------------------------------


@dataclass(frozen=True)
class ChannelRow:
    kind: str  # "Email" or "Text (SMS)"; push rows are not listed, as on Canvas's page
    address: str
    confirmed: bool


def profile_settings_page(user: User, rows: list[ChannelRow], notice: str | None) -> str:
    """``/profile/settings``: where Canvas lands after a confirmation, with its flash notice."""
    flash = f'<p class="ic-flash" role="status">{escape(notice)}</p>' if notice else ""
    items = "".join(
        f"<li>{escape(row.kind)}: {escape(row.address)} "
        + ("(confirmed)" if row.confirmed else "(not confirmed yet)")
        + "</li>"
        for row in rows
    )
    body = f"""<h1>Settings</h1>
{flash}
<p>Logged in as <strong>{escape(user.name)}</strong>.</p>
<h2>Ways to Contact</h2>
<ul class="ic-channels">{items or "<li>No contact methods.</li>"}</ul>"""
    return _page("Settings", body)


def confirm_failed_page() -> str:
    """The ``confirm_failed`` view Canvas shows for a code it cannot use (wording UNVERIFIED)."""
    return message_page(
        "Confirmation failed",
        "This confirmation link is not valid. It may have been mistyped, or the address "
        "may already be confirmed.",
    )
