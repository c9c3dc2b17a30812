"""A Streamlit session without a browser: open /_stcore/stream, ask for a run of a page with a query string,
read the ForwardMsgs until the run finishes, and move a slider as a key press would (a fragment's slider reruns
only its fragment, as the browser asks). Enough of the protocol to load the app as its users do."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.sync.client import connect


@dataclass
class Slider:
    id: str
    label: str
    value: list[float]
    fragment_id: str


@dataclass
class Session:
    base: str  # http://127.0.0.1:8501
    cookies: str = ""  # e.g. the balancer's sticky cookie
    sliders: dict[str, Slider] = field(default_factory=dict)
    metrics: dict[str, str] = field(default_factory=dict)  # label -> the value last drawn
    alerts: list[str] = field(default_factory=list)  # the text of every warning, error, info and success drawn
    page_hash: str = ""
    messages: int = 0

    def __post_init__(self) -> None:
        parts = urlsplit(self.base)
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}"}
        if self.cookies:
            headers["Cookie"] = self.cookies
        self.ws = connect(f"ws://{parts.netloc}/_stcore/stream", subprotocols=["streamlit"],  # type: ignore[call-overload]
                          additional_headers=headers, max_size=None, open_timeout=30, legacy=True)

    def run(self, query: str = "", page_name: str = "", timeout: float = 60.0) -> float:
        """A full run of a page (a first load, or a page switch): seconds until it finished."""
        state = ClientState(query_string=query, page_name=page_name, page_script_hash=self.page_hash)
        return self._send(state, timeout)

    def press(self, label: str, value: float, query: str = "", timeout: float = 60.0) -> float:
        """Set a slider (as one key press does) and wait for its rerun: seconds until it finished."""
        slider = self.sliders[label]
        widget = WidgetState(id=slider.id)
        widget.double_array_value.data[:] = [value]
        state = ClientState(query_string=query, page_script_hash=self.page_hash, fragment_id=slider.fragment_id,
                            widget_states=WidgetStates(widgets=[widget]))
        return self._send(state, timeout)

    def _send(self, state: ClientState, timeout: float) -> float:
        start = time.perf_counter()
        self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        deadline = start + timeout
        while True:
            raw = self.ws.recv(timeout=max(deadline - time.perf_counter(), 0.01))
            msg = ForwardMsg.FromString(raw if isinstance(raw, bytes) else raw.encode())
            self.messages += 1
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":  # the page this run drew (a page_name run switches to it)
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "delta":
                self._note(msg)
            elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return time.perf_counter() - start

    def _note(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        kind = delta.new_element.WhichOneof("type")
        if kind == "slider":
            s = delta.new_element.slider
            self.sliders[s.label] = Slider(s.id, s.label, list(s.value), delta.fragment_id)
        elif kind == "metric":
            self.metrics[delta.new_element.metric.label] = delta.new_element.metric.body
        elif kind == "alert":
            self.alerts.append(delta.new_element.alert.body.replace("\\", ""))

    def close(self) -> None:
        self.ws.close()


def sticky_cookie(base: str) -> str:
    """The balancer's cookie for a new visitor (a first GET, as a browser's), to pin the websocket to a replica."""
    import urllib.request

    with urllib.request.urlopen(base, timeout=30) as r:
        cookies = [c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or []]
    return "; ".join(cookies)
