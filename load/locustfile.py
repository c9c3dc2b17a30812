"""Locust users that speak Streamlit's websocket protocol (load/client.py): no browser per user.

    locust -f load/locustfile.py --headless -u 20 -r 20 -t 30s --host http://127.0.0.1:8501

A user opens the calculator (or the compare page) and then moves the completion slider a step at a time, as a
key press does, with a person's pause between presses. Through a balancer each user first takes its sticky
cookie, so its websocket stays on one replica."""
from __future__ import annotations

import os
import time

from locust import User, between, task

from load.client import Session, sticky_cookie

CALCULATOR = "provider=itmedia&service=website&days_since_payment=10"
SLIDER = "Project completion (%)"
PAGE = os.environ.get("LOAD_PAGE", "")  # "" the calculator; "Compare_providers" the compare page


class SliderUser(User):
    abstract = False
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.value = 0
        start = time.perf_counter()
        try:
            host = self.host or "http://127.0.0.1:8501"
            self.session = Session(host, cookies=sticky_cookie(host))
            elapsed = self.session.run(CALCULATOR, page_name=PAGE)
            self._report("first load", elapsed)
        except Exception as exc:
            self._report("first load", time.perf_counter() - start, exc)
            raise

    @task
    def key_press(self) -> None:
        self.value = self.value % 100 + 1
        start = time.perf_counter()
        try:
            self._report("key press", self.session.press(SLIDER, self.value, CALCULATOR))
        except Exception as exc:
            self._report("key press", time.perf_counter() - start, exc)

    def on_stop(self) -> None:
        if hasattr(self, "session"):
            self.session.close()

    def _report(self, name: str, seconds: float, exc: Exception | None = None) -> None:
        self.environment.events.request.fire(request_type="ws", name=name, response_time=seconds * 1000,
                                             response_length=0, exception=exc, context={})
