"""The models this app held move to the feature apps that own them (accounts, helpdesk, lti).

State only: each feature app's 0001 migration takes over the existing table with its rows.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("channels_app", "0003_lti_launch_state")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CanvasToken"),
                migrations.DeleteModel(name="AuditEntry"),
                migrations.DeleteModel(name="LtiLogin"),
                migrations.DeleteModel(name="LtiPendingConnect"),
            ]
        )
    ]
