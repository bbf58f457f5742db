"""Settings for the run command: one machine, plain HTTP on the loopback address, demo council."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("BURGH_DEBUG", False)


def _local_secret_key() -> str:
    # Made once per checkout and kept out of the repository (var/ is ignored).
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret_key()
