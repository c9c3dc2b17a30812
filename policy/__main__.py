import sys

from .cli import main


def _register_catalog():
    """The app's catalog: the register's published versions too (imported only when a command quotes)."""
    from store import register_catalog

    return register_catalog()


sys.exit(main(catalog=_register_catalog))
