"""Help-desk mode in a real browser: find a user, replace their email in one step, see the
audit entry; axe on every help-desk page state."""

from playwright.sync_api import expect

from canvas_emulator.demo_users import DEMO_BOUNCING
from harness.emulator import EmulatorProcess
from helpdesk import audit, wording
from helpdesk.models import AuditEntry

from .helpers import BrowserUI

BEN_OLD = "ben.okafor@demo.example.edu"  # Ben's bouncing email (docs/emulator.md)
BEN_NEW = "ben.new@example.org"


def test_helpdesk_replaces_a_bouncing_email_and_audits_it(
    ui: BrowserUI, portal: EmulatorProcess
) -> None:
    page = ui.page
    ui.sign_in("Hana Helpdesk")
    page.get_by_role("link", name="Help desk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a user")
    ui.check("help-desk search page")

    # Too short a term is explained, not sent to Canvas.
    page.get_by_label("Name, login id, email or SIS id").fill("ok")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-message")).to_contain_text("3")
    ui.check("search with a short term")

    # Part of the bouncing student's email finds him.
    page.get_by_label("Name, login id, email or SIS id").fill("okafor@demo")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("table")
    expect(results).to_contain_text("Ben Okafor")
    expect(results).to_contain_text("S1002")
    ui.check("search results")

    page.get_by_role("link", name="Ben Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact methods of Ben Okafor")
    # Canvas shows bounce counts only to site admins (docs/canvas-behaviour.md §1.3), so no
    # "Bouncing" badge here.
    expect(ui.row(BEN_OLD)).to_contain_text("Active")
    ui.check("Ben's contact methods")

    page.get_by_role("link", name="Replace an email address").click()
    ui.check("replace form")
    page.get_by_label("Email address to replace").select_option(label=f"{BEN_OLD} (active)")
    page.get_by_label("New email address").fill(BEN_NEW)
    page.get_by_label("Skip confirmation (the user will not be asked to confirm)").check()
    page.get_by_role("button", name="Replace").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Contact methods of Ben Okafor")
    expect(ui.status_region()).to_contain_text(BEN_NEW)
    expect(ui.row(BEN_NEW)).to_contain_text("Active")  # Hana may skip confirmation
    expect(page.locator("li.channel", has_text=BEN_OLD)).to_have_count(0)
    ui.check("after the replace")
    live = {c["address"]: c["workflow_state"] for c in portal.channels(DEMO_BOUNCING)}
    assert live[BEN_NEW] == "active"
    assert live[BEN_OLD] == "retired"

    page.get_by_role("link", name="Audit log", exact=True).click()
    rows = page.get_by_role("table")
    expect(rows).to_contain_text(BEN_NEW)
    expect(rows).to_contain_text(BEN_OLD)
    expect(rows).to_contain_text("Hana Helpdesk")
    ui.check("audit log")
    changes = AuditEntry.objects.exclude(action=audit.READ_PAGE)
    assert set(changes.values_list("target_canvas_id", flat=True)) == {DEMO_BOUNCING}
    # The add, making it the default (Ben's old address was his default), the removal.
    assert changes.count() == 3
    # Opening the log is itself recorded, with no user as its target.
    assert (
        AuditEntry.objects.filter(action=audit.READ_PAGE, actor_name="Hana Helpdesk").count() == 1
    )


def test_hana_sees_why_bens_mail_does_not_arrive_and_fixes_it(
    ui: BrowserUI, portal: EmulatorProcess
) -> None:
    page = ui.page
    ui.sign_in("Hana Helpdesk")
    ui.goto(f"/helpdesk/users/{DEMO_BOUNCING}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact methods of Ben Okafor")

    ui.htmx(lambda: page.get_by_role("link", name="Check delivery").click(), "delivery panel")
    conclusion = page.locator("#delivery-conclusion")
    expect(conclusion).to_contain_text(f"Every notification goes to {BEN_OLD}, which has bounced")
    expect(page.locator("#delivery-panel")).to_contain_text("550 5.1.1")
    # Loaded in place by htmx: still Ben's page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact methods of Ben Okafor")

    page.get_by_role("link", name="Replace an email address").click()
    expect(page.locator("#default-note")).to_contain_text(
        "the new address becomes the default in its place"
    )
    page.get_by_label("Email address to replace").select_option(label=f"{BEN_OLD} (active)")
    page.get_by_label("New email address").fill(BEN_NEW)
    page.get_by_label("Skip confirmation (the user will not be asked to confirm)").check()
    page.get_by_label("Reason or ticket reference").fill("INC-77 no mail")
    ui.check("replace form filled in")
    page.get_by_role("button", name="Replace").click()
    expect(ui.status_region()).to_contain_text(f"{BEN_NEW} is the default email now")

    ui.htmx(lambda: page.get_by_role("link", name="Check delivery").click(), "panel after")
    new_row = page.locator("#delivery-panel li", has_text=BEN_NEW)
    expect(new_row).to_contain_text("Active")
    expect(new_row).to_contain_text("Default")
    expect(page.locator("#delivery-conclusion")).to_contain_text("Nothing here stops delivery")
    ui.goto(f"/helpdesk/users/{DEMO_BOUNCING}/delivery/")  # the panel's own page, without htmx
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery to Ben Okafor")
    emails = [
        c
        for c in portal.channels(DEMO_BOUNCING)
        if c["type"] == "email" and c["workflow_state"] != "retired"
    ]
    assert [(c["address"], c["workflow_state"]) for c in emails] == [(BEN_NEW, "active")]
    reasons = set(
        AuditEntry.objects.exclude(action=audit.READ_PAGE).values_list("reason", flat=True)
    )
    assert reasons == {"INC-77 no mail"}


def test_rosa_sees_the_parts_her_role_cannot_read_hidden_with_a_sentence(
    ui: BrowserUI, portal: EmulatorProcess
) -> None:
    page = ui.page
    ui.sign_in("Rosa Support")
    ui.goto(f"/helpdesk/users/{DEMO_BOUNCING}/")
    ui.htmx(lambda: page.get_by_role("link", name="Check delivery").click(), "Rosa's panel")
    expect(page.locator("#messages-missing")).to_have_text(str(wording.MESSAGES_NOT_ALLOWED))
    expect(page.locator("#bounces-missing")).to_have_text(str(wording.BOUNCES_NOT_ALLOWED))
    expect(page.locator("#delivery-panel")).not_to_contain_text("550 5.1.1")


def test_helpdesk_pages_refuse_a_student(ui: BrowserUI, portal: EmulatorProcess) -> None:
    ui.sign_in("Ada Lovelace")
    ui.guard.expect_http_error(403, f"/helpdesk/users/{DEMO_BOUNCING}/")
    response = ui.page.goto(f"/helpdesk/users/{DEMO_BOUNCING}/")
    assert response is not None and response.status == 403
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(ui.page.get_by_text("Ben")).to_have_count(0)
    ui.check("403 page")
