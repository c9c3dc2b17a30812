"""An environment for a command-line run that sees no register: the app's tests publish lab versions into the
session's data folder, and a command that reads them would answer differently by test order."""
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from store.config import ENV_DATA, ENV_URL


@contextmanager
def without_register() -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != ENV_URL}
    with tempfile.TemporaryDirectory(prefix="refunds-cli-") as empty:  # no register file, so shipped versions only
        env[ENV_DATA] = empty
        yield env
