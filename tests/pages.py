"""Opening the app's pages in AppTest as a browser would: app.py is the entry point, the URL may carry a scenario,
and a deployment's secrets may be given."""
from pathlib import Path
from typing import Optional

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def opened(page: str = "app.py", secrets: Optional[dict] = None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if secrets:
        at.secrets.update(secrets)
    at.query_params.update({k: str(v) for k, v in params.items()})
    if page != "app.py":
        at.switch_page(page)
    return at.run()
