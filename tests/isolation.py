"""An environment for a command-line run that sees no register: the app's tests publish lab versions into the
session's data folder, and a command that reads them would answer differently by test order."""
import os
import tempfile

from store.config import ENV_DATA, ENV_URL


def without_register() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != ENV_URL}
    env[ENV_DATA] = tempfile.mkdtemp(prefix="refunds-cli-")  # empty: no register file, so shipped versions only
    return env
