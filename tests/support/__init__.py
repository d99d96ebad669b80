"""Helpers the test tiers import (fixtures stay in the conftest files); processes come from the
top-level `harness` package."""
