"""Helpers shared by the test tiers (emulator process management)."""
