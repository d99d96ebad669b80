"""What sign-in tells the feature apps above it, which accounts/ must not import."""

from django.dispatch import Signal

# Sent after a Canvas OAuth sign-in stored the user's token and started their session, with
# `request` and `user_id`. Receivers may call Canvas with the new token; their failures are theirs.
user_signed_in = Signal()
