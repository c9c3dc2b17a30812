"""A second person on the calculator, pressing the completion slider's arrow key until told to stop: what the
hostile-input tests and the batch benchmark measure while something heavy runs on the same server."""
from __future__ import annotations

import threading

from .client import Session

CALCULATOR = "provider=socialbeat&service=website&amount_paid=5000&completion_pct=20&days_since_payment=3"


class KeyPresses(threading.Thread):
    """`pause`: seconds between presses (0: as fast as the server answers; a person's pace leaves the rest of the
    host to the work being measured)."""

    def __init__(self, base: str, pause: float = 0.0):
        super().__init__(daemon=True)
        self.session = Session(base)
        self.session.run(CALCULATOR)
        self.pause = pause
        self.stop = threading.Event()
        self.seconds: list[float] = []

    def press(self, n: int) -> float:
        took = self.session.press("Project completion (%)", 20 + n % 2, CALCULATOR, timeout=120)
        self.seconds.append(took)
        return took

    def run(self) -> None:
        n = 0
        while not self.stop.wait(self.pause):
            self.press(n)
            n += 1

    def close(self) -> None:
        self.stop.set()
        self.join(timeout=120)
        self.session.close()
