"""A database from before the feature-app split migrates forward with every row intact."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import CanvasToken
from helpdesk.models import AuditEntry
from lti.models import LtiLogin, LtiPendingConnect

BEFORE_SPLIT = [("channels_app", "0003_lti_launch_state")]
# The feature apps did not exist then: migrating to "zero" takes their tables back.
FEATURE_APPS_UNBORN = [("accounts", None), ("helpdesk", None), ("lti", None)]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_tokens_audit_rows_and_lti_records_survive_the_move_to_feature_apps() -> None:
    executor = _migrate(BEFORE_SPLIT + FEATURE_APPS_UNBORN)
    old = executor.loader.project_state(BEFORE_SPLIT).apps
    when = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    old.get_model("channels_app", "CanvasToken").objects.create(
        canvas_user_id=42,
        access_token_encrypted="gAAAA-access",
        refresh_token_encrypted="gAAAA-refresh",
        expires_at=when,
    )
    for n in range(3):
        old.get_model("channels_app", "AuditEntry").objects.create(
            created_at=when,
            actor_canvas_id=3,
            actor_name="Hana Helpdesk",
            target_canvas_id=1,
            target_name="Ada Lovelace",
            action="add",
            channel_type="email",
            address=f"ada{n}@example.edu",
            outcome="ok",
            client_ip="203.0.113.7",
        )
    old.get_model("channels_app", "LtiLogin").objects.create(state_hash="s" * 64, nonce="n" * 32)
    old.get_model("channels_app", "LtiPendingConnect").objects.create(
        key="k" * 43, canvas_user_id=1, page="channels"
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    token = CanvasToken.objects.get()
    assert (token.canvas_user_id, token.access_token_encrypted, token.expires_at) == (
        42,
        "gAAAA-access",
        when,
    )
    assert token.refresh_token_encrypted == "gAAAA-refresh"
    assert sorted(AuditEntry.objects.values_list("address", flat=True)) == [
        "ada0@example.edu",
        "ada1@example.edu",
        "ada2@example.edu",
    ]
    assert {row.client_ip for row in AuditEntry.objects.all()} == {"203.0.113.7"}
    assert LtiLogin.objects.get().nonce == "n" * 32
    assert LtiPendingConnect.objects.get().key == "k" * 43  # kept; without a `sub` it binds nothing
    tables = set(connection.introspection.table_names())
    assert {"accounts_canvastoken", "helpdesk_auditentry", "lti_ltilogin"} <= tables
    assert "channels_app_canvastoken" not in tables
