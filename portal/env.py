"""How portal/settings.py reads the environment: one `environs.Env`, with the portal's rules.

environs (on marshmallow) parses each type strictly and, on a malformed value, stops start-up
with an error naming the variable: `Environment variable "CANVAS_RETRIES" invalid: Not a valid
integer.` A typo such as `LTI_GLOBAL_NAVIGATION=ture` is refused instead of read as false.

Two rules are the portal's own, the same for every variable:

* Surrounding spaces are never part of a value (a stray space in an env file is invisible).
* A variable set to an empty value counts as unset, so it takes its default. `.env.example`
  lists optional variables as `NAME=`, and a systemd EnvironmentFile made from it must start.

Only the process environment is read, never a `.env` file (12-factor): systemd's
EnvironmentFile= or `set -a; . file` loads the file (docs/deploy.md).
"""

from typing import Any

from environs import Env
from marshmallow.validate import URL


class PortalEnv(Env):
    """environs' reader, with blank values counting as unset (see the module docstring)."""

    def _get_value(self, env_key: str, default: Any) -> Any:
        # environs' own hook for where a value comes from (its FileAwareEnv overrides it too).
        # Returning `default` for a blank value is what environs does for an unset one: typed
        # readers get their default, custom parsers parse the default. environs is pinned and
        # tests/production/test_settings_env.py checks an empty value still means the default.
        value = super()._get_value(env_key, default)
        if isinstance(value, str):
            value = value.strip()
            return value or default
        return value


env = PortalEnv(expand_vars=False)


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list, as operators write it: spaces around items and empty items go."""
    return [item.strip() for item in env.list(name, default.split(",")) if item.strip()]


def env_url(name: str, default: str = "") -> str:
    """An absolute http(s) URL (a host without a dot, such as localhost, is allowed)."""
    return env.str(name, default, validate=URL(schemes={"http", "https"}, require_tld=False))
