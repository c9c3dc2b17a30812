"""The one scenario every page shares: kept in st.session_state["scenario"], mirrored in the URL.

Widgets have keys of their own ("w_<field>"); a callback copies a change into the scenario, and a run sets
a widget from the scenario (where they differ) before drawing it, so a value survives pages that do not draw it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, Optional
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from policy import InputError, Scenario, parse_scenario
from policy.eligibility import notice_question, offered_label
from policy.explain import refund_text
from policy.fields import BY_NAME, FieldSpec, in_group
from policy.markdown import md_escape
from policy.money import format_usd
from policy.taxonomy import SERVICES
from policy.versions import latest_payment

from . import cache, history
from .codec import (
    DAYS_MAX,
    DEFAULTS,
    EXAMPLE_AMOUNT,
    UrlWarning,
    dated,
    from_query,
    money_shown,
    money_value,
    page_param_allowed,
    refusal,
    request_not_today,
    request_today,
    to_engine,
    to_query,
    with_payment_date,
)
from .registry import basis, for_case, policies

KEY = "scenario"
# A selectbox whose session-state value is None shows "Choose an option": unknown is a value of its own here.
UNKNOWN = "unknown"
TRISTATE = {UNKNOWN: "Unknown", True: "Yes", False: "No"}


def _to_choice(value: Any) -> Any:
    return UNKNOWN if value is None else value


def _from_choice(choice: Any) -> Any:
    return None if choice == UNKNOWN else choice


SYNCED = "_url_synced"  # the query string this session last wrote


def values() -> dict:
    """The scenario's values: on a session's first run, restored from the URL (warnings kept to show); and
    again whenever the URL is not the one this session wrote, which is the browser's Back or Forward stepping
    to an earlier scenario (each change is a history entry). A page switch clears the URL: that is no step; nor is
    a run an input's change started (see _inputs_moved)."""
    ss = st.session_state
    params = st.query_params
    current = params.to_dict()
    if KEY not in ss or (current and SYNCED in ss and current != ss[SYNCED] and not _inputs_moved()):
        _read_link({name: params.get_all(name) for name in params})
        ss[SYNCED] = current
        ss[LINKED] = {name: value for name, value in current.items() if page_param_allowed(name, value)}
    elif ss[KEY].get("provider") not in basis().policies():
        # its provider withdrawn whole since (in any session): read again as a link naming it is, with its warning
        # (the calculator's service box failed on the provider it no longer knew, a walkthrough)
        _read_link(to_query(ss[KEY]))
    return ss[KEY]


def _read_link(params: Mapping[str, Any]) -> None:
    """The scenario a link's parameters give, with its warnings kept to show until what each is about is entered."""
    ss = st.session_state
    ss[KEY], warnings = from_query(params, basis=basis())
    ss[URL_WARNINGS] = (dict(ss[KEY]), warnings)
    ss[GIVEN] = frozenset(params)
    ss.pop(ENTERED, None)


GIVEN = "_given"  # the parameters the last link read named: an app opened without any starts from its examples


def restored(scenario: dict) -> None:
    """A saved quote's scenario becomes the case: every field of it given, the amount too."""
    st.session_state[KEY] = scenario
    st.session_state[GIVEN] = frozenset(scenario)


INPUTS = "_inputs"  # the keys of the inputs whose change starts a run (see input_key)
INPUTS_LEFT = "_inputs_left"  # their values as the last run left them


def input_key(key: str) -> str:
    """The key of a page's input, watched so that a run its change started is never taken for the browser's Back."""
    st.session_state.setdefault(INPUTS, set()).add(key)
    return key


def form_key(key: str, value: Any, options: Optional[list] = None, labelled_by: Any = None) -> str:
    """The key of a page's own input that starts at `value` (from the shared scenario), and takes it again in every
    run that read the URL (a link, Back, Forward) or where its options no longer hold it. Back to an answer of "Am I
    eligible?" showed an answer taken from the form as it was later, never checked, under that later form. The
    widget is drawn without a value of its own (Streamlit warns where both set it). `labelled_by`: see _relabelled."""
    ss = st.session_state
    linked = linked_page_inputs()
    left = ss.get(FORM_LEFT + key) if key not in ss and linked is None else None  # (the case it was drawn over,
    if left is not None and left[0] == values():  # its value) as the page was last left
        ss[key] = left[1]  # an answer not yet checked, through a visit to another page while the case stayed
    if key not in ss or linked is not None or (options is not None and ss[key] not in options):
        ss[key] = value
    elif _relabelled(key, labelled_by):
        ss[key] = ss[key]  # pushed to the browser again, in its new label
    ss.setdefault(FORM_KEYS, set()).add(key)
    return input_key(key)


LABELLED = "_labelled_by_"


def _relabelled(key: str, labelled_by: Any) -> bool:
    """Whether a select box's labels changed since its value was last pushed to the browser (the service box says
    "(not offered by Step-Into)" after the provider). The browser holds a select box's value as its label and sends
    that back; Streamlit reads a label no option has as a value of its own: after a provider change, the next key
    press set the service to "Website design & development" and the calculator refused it (a walkthrough)."""
    if labelled_by is None:
        return False
    ss = st.session_state
    changed = ss.get(LABELLED + key, labelled_by) != labelled_by
    ss[LABELLED + key] = labelled_by
    return changed


def _inputs_moved() -> bool:
    """Whether an input holds another value than the last run left it: this run is a key press or a click, not
    the browser's Back (which sends the inputs as they were). A press can leave the browser before the previous
    run's address has reached it, so it carries the address before that one, as Back would: a held arrow key on
    "Am I eligible?" took the answer again from the moved slider, silently.

    A scenario input (bound by _bind) that a person moved has its callback called in this run (STORED). One that
    holds another value with no callback called was not moved: the browser sent the value it showed before a run
    that a new request interrupted set another (Back's run, interrupted by Forward at once, set the slider to 40 and
    never drew it; the 41 sent back was taken for a key press, and Forward stayed at 40 under CI's load)."""
    ss = st.session_state
    moved = [key for key, value in ss.get(INPUTS_LEFT, {}).items() if key in ss and ss[key] != value]
    return bool(moved) and (ss.get(STORED, False) or not all(key.startswith(BOUND) for key in moved))


BOUND = "w_"  # the key of a scenario input: _bind's
STORED = "_stored_this_run"  # a scenario input's callback was called in this run: a person moved it


LINKED = "_linked_page_inputs"  # the page inputs the URL gave, in the run that read it (a load, Back, Forward)
PAGE_INPUTS = "_page_inputs"  # (the page, its inputs the URL carries beside the scenario)


def linked_page_inputs() -> Optional[dict[str, str]]:
    """The page's own inputs as the URL gave them (codec.PAGE_PARAMS), in the run that read the URL; None in
    any other run, so what the user changed since stays."""
    return st.session_state.get(LINKED)


def keep_page_inputs(**inputs: Optional[str]) -> None:
    """This page's own inputs, carried by its URL and its share link beside the scenario (None: left out)."""
    st.session_state[PAGE_INPUTS] = (st.session_state.get(PAGE_RUN), {k: v for k, v in inputs.items() if v is not None})


KEPT = "_kept_"  # + a widget's key: its value, kept while its page is not drawn
KEPT_KEYS = "_kept_keys"  # the keys of the widgets kept so
FORM_LEFT = "_form_left_"  # + a form input's key (form_key): (the case it was drawn over, its value) at a run's end
FORM_KEYS = "_form_keys"


def kept(key: str) -> str:
    """The key of a page's own widget whose value outlives a visit to another page: Streamlit forgets the state of a
    widget a run does not draw (the lab's version number, typed, was empty on coming back). Call before drawing it;
    its value is kept as each page's run ends (closing)."""
    ss = st.session_state
    if key not in ss and KEPT + key in ss:
        ss[key] = ss[KEPT + key]
    ss.setdefault(KEPT_KEYS, set()).add(key)
    return key


def keep_value(key: str, value: Any) -> None:
    """Give a kept widget (`kept`) a value, which the next run that draws it shows (Restore gives the calculator's
    client boxes the saved quote's client). Its own state is dropped, so that run sets it anew from the kept copy: a
    value set in a run that does not draw the widget reached the files but never the browser, whose box stayed
    empty and, sent back with the next key press, emptied it (a walkthrough)."""
    st.session_state.pop(key, None)
    st.session_state[KEPT + key] = value


def _query(fields: Optional[dict] = None) -> dict[str, str]:
    """The URL's parameters: the scenario's (or `fields`'), and the inputs of the page this run draws (not another
    page's)."""
    page, inputs = st.session_state.get(PAGE_INPUTS, (None, {}))
    query = to_query(fields or values())
    if amount_is_example() or (st.session_state.get(ASKS_AMOUNT) and not amount_given()):
        # the example is no amount of the case: the address and the share link leave it out, and say so again when
        # opened (a reload read $5,000.00 as given, a walkthrough); nor does a page that asks for the amount and
        # shows its box empty give it (the client's address, copied before Check, filled in 5,000.00 when opened)
        query.pop(EXAMPLE_AMOUNT, None)
    return {**query, **(inputs if page == st.session_state.get(PAGE_RUN) else {})}


def update(**changes: Any) -> None:
    st.session_state[KEY] = {**values(), **changes}


URL_WARNINGS = "url_warnings"  # (the values as the link left them, its warnings)
ENTERED = "_entered"  # the fields entered since the link was read: its warnings about them are done with
URL_WARNINGS_SHOWN = "url_warnings_shown"


def live_url_warnings() -> list[UrlWarning]:
    """The link's warnings that still hold: one about a field until that field is changed, one about the link
    as a whole until anything is."""
    restored, warnings = st.session_state.get(URL_WARNINGS, ({}, []))
    now, entered = values(), st.session_state.get(ENTERED, set())
    # a field entered since is done with even where its value is the same: 5000 typed for the example $5,000.00
    return [w for w in warnings if (now == restored if w.field is None else
                                    now[w.field] == restored[w.field] and w.field not in entered)]


def entered(field: str) -> None:
    """A field the user has entered (a widget's callback does it; a form's check, for the fields it asks)."""
    st.session_state.setdefault(ENTERED, set()).add(field)


def amount_given() -> bool:
    """The case's own amount: a link or a saved quote gave it, or it was entered; not the example an app opened
    without one starts from (a client's form answered for $5,000.00 the client never said, a walkthrough)."""
    ss = st.session_state
    return not amount_is_example() and (EXAMPLE_AMOUNT in ss.get(ENTERED, ()) or EXAMPLE_AMOUNT in ss.get(GIVEN, ()))


def amount_is_example() -> bool:
    """The amount is the example, not the case's: the link gave none, or one that could not be read, and none has
    been entered since."""
    return any(w.field == EXAMPLE_AMOUNT for w in live_url_warnings())


ASKS_AMOUNT = "_asks_amount"  # this run's page asks for the amount itself, its box empty until one is given


def asking_amount(asks: bool) -> None:
    """At a page's start: whether it asks for the amount paid itself (Am I eligible?) rather than quoting the
    example until one is given."""
    st.session_state[ASKS_AMOUNT] = asks


def show_url_warnings() -> None:
    """Shown as text: a warning quotes what a link held, and a link can be crafted (no Markdown, link or image). A
    page that asks for the amount itself does not say the example stands in for it (_said_here): there, none does."""
    live = live_url_warnings()
    shown = _said_here(live)
    asks = st.session_state.get(ASKS_AMOUNT)
    for message in shown:
        st.warning(md_escape(message.said if asks and message.field == EXAMPLE_AMOUNT else message.text))
    st.session_state[URL_WARNINGS_SHOWN] = len(shown)
    if not live:
        st.session_state.pop(URL_WARNINGS, None)


def _said_here(live: list[UrlWarning]) -> list[UrlWarning]:
    """The warnings this page says: where it asks for the amount, not that the example stands in for it (what the
    link held that was wrong with it, yes)."""
    asks = st.session_state.get(ASKS_AMOUNT)
    return [w for w in live if not (asks and w.field == EXAMPLE_AMOUNT and not w.said)]


def redraw_if_url_warnings_went_stale() -> None:
    """A fragment's rerun leaves the page's warnings on screen: where a change has made one of them stale (its
    field was replaced), the whole page is drawn again, once, without it."""
    shown = st.session_state.get(URL_WARNINGS_SHOWN, 0)
    if shown and len(_said_here(live_url_warnings())) < shown:
        st.rerun(scope="app")


VERSIONS_DRAWN = "versions_drawn"  # the versions of the scenario's payment day, as the last full run drew them


def _versions_of_case() -> tuple[tuple[str, str], ...]:
    return tuple((pid, p.version) for pid, p in for_case(values()).items())


def note_versions_drawn() -> None:
    """At a page's full run: the versions its scenario's payment day puts it under (see redraw_if_versions_moved)."""
    st.session_state[VERSIONS_DRAWN] = _versions_of_case()


def redraw_if_versions_moved() -> None:
    """A fragment's rerun leaves the rest of the page as the last full run drew it. Where the days since payment
    moved a payment without a date across a version's date, that rest speaks of other versions (Compare's line
    naming them and its heatmaps; the stages of the sidebar): the whole page is drawn again (a walkthrough read the
    new version named above a table quoted under the one before). A full run draws the slider anew, and its keyboard
    focus is lost: what else follows the slider is drawn in its fragment (show_request_not_today)."""
    drawn = st.session_state.get(VERSIONS_DRAWN)
    if drawn is not None and drawn != _versions_of_case():
        st.rerun(scope="app")


def sync_url() -> None:
    """Every input lives in the URL, so the address bar is always a link to this scenario. At the end of every run,
    a fragment's too: the inputs are noted as this run leaves them (see _inputs_moved)."""
    wanted = _query()
    ss = st.session_state
    if history.first_run():  # a page load: the browser puts it in the URL with no history entry
        history.replace_url(wanted)
        # What the browser will send with the next run: the query string it was loaded with, or if none, its
        # address bar (Streamlit's front end reads that when it holds none of its own).
        ss[SYNCED] = st.query_params.to_dict() or wanted
    else:
        if st.query_params.to_dict() != wanted:
            st.query_params.from_dict(wanted)
        ss[SYNCED] = wanted
    note_inputs()  # last: _query() reads values()


def note_inputs() -> None:
    """The inputs as this run leaves them (see _inputs_moved): at the end of every run, and of one a new request
    interrupts, which writes no URL (the next run does). Unnoted, Forward right after Back, interrupting Back's run,
    found the slider Back had set, took it for a key press, and stayed."""
    ss = st.session_state
    ss[INPUTS_LEFT] = {key: ss[key] for key in ss.get(INPUTS, ()) if key in ss}
    ss[STORED] = False


def share_link() -> str:
    """The page's address with its scenario as dates (codec.dated): opened on any day, the same payment."""
    return link_to(st.context.url or "http://localhost:8501/", _query(dated(values(), basis().as_of)))


def link_to(page_url: str, query: dict) -> str:
    """The page's address with the scenario: the root as '/' (a link read 'http://host:8501?provider=...'), and
    never a second query."""
    parts = urlsplit(page_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def scenario() -> tuple[Optional[Scenario], Optional[InputError]]:
    return scenario_of(values())


def scenario_of(fields: dict) -> tuple[Optional[Scenario], Optional[InputError]]:
    """The scenario of a set of the app's values (the shared one, or answers kept from a form)."""
    try:
        return parse_scenario(to_engine(fields), basis()), None
    except InputError as exc:
        return None, exc


# ---------------------------------------------------------------- widgets bound to the scenario

PAGE_RUN = "_page_run"  # the page this session's last run drew
NEW_PAGE = "_new_page"  # this run draws another page than the last


def opening(script: str) -> bool:
    """At the start of a page's run: whether it is another page than the last run's (kept for _bind, and said)."""
    ss = st.session_state
    ss[NEW_PAGE] = ss.get(PAGE_RUN) != script
    ss[PAGE_RUN] = script
    return bool(ss[NEW_PAGE])


def closing() -> None:
    """At the end of a page's run: its fragments' reruns push no value (a slider's value pushed again while its
    key presses go on drops one); a link's page inputs are taken; the values of kept widgets are kept."""
    ss = st.session_state
    ss[NEW_PAGE] = False
    ss.pop(LINKED, None)
    keep_widget_values()


def keep_widget_values() -> None:
    """The values of kept widgets (`kept`), kept: at the end of a page's run, and of a fragment's (the calculator's
    downloads are in a fragment: a client's name typed in them, their expander closed, was gone in the browser)."""
    ss = st.session_state
    for key in ss.get(KEPT_KEYS, ()):
        if key in ss:  # a widget not drawn in this run is still there until the run ends
            ss[KEPT + key] = ss[key]
    case = ss.get(KEY)
    for key in ss.get(FORM_KEYS, ()):
        if key in ss:  # a form's answers, with the case they stand beside: given back while the case is the same
            ss[FORM_LEFT + key] = (case, ss[key])  # (Streamlit forgets them; a client's four answers went, a walkthrough)


def _bind(field: str, to_widget: Callable[[Any], Any] = lambda v: v, labelled_by: Any = None) -> str:
    """Set the widget from the scenario where they differ (a URL restore), and on every run that draws another
    page: an assignment makes Streamlit push the value to the browser again. The browser's Back to a page draws
    its inputs anew, at their defaults unless pushed: Back from Compare showed an amount of 0.01 beside a quote
    of $7,000.00, and the next click saved the 0.01. Also where its labels changed (`labelled_by`: _relabelled)."""
    key = input_key(f"{BOUND}{field}")
    wanted = to_widget(values()[field])
    relabelled = _relabelled(key, labelled_by)
    if key not in st.session_state or st.session_state[key] != wanted or st.session_state.get(NEW_PAGE) or relabelled:
        st.session_state[key] = wanted
    return key


PROGRESS_UNKNOWN = "el_progress_unknown"  # "Am I eligible?"'s "I don't know how far along the work is"


def progress_unknown() -> bool:
    """Whether "Am I eligible?" has the progress as not known (its box, kept while another page is drawn)."""
    ss = st.session_state
    return bool(ss[PROGRESS_UNKNOWN] if PROGRESS_UNKNOWN in ss else ss.get(KEPT + PROGRESS_UNKNOWN, False))


def _store(field: str, from_widget: Callable[[Any], Any] = lambda v: v) -> Callable[[], None]:
    """A widget's callback: its value into the scenario. A text `from_widget` refuses (ValueError) stays in its box
    with why, under REFUSED, and the scenario keeps its last value."""
    def callback() -> None:
        ss = st.session_state
        ss[STORED] = True
        typed = ss[f"{BOUND}{field}"]
        try:
            value = from_widget(typed)
        except ValueError as exc:
            ss[REFUSED + field] = (typed, str(exc), values()[field])
            return
        ss.pop(REFUSED + field, None)
        entered(field)
        update(**{field: value})
        if field == "completion_pct" and progress_unknown():  # the progress is given now: on every page
            keep_value(PROGRESS_UNKNOWN, False)
    return callback


def _store_offer(field: str) -> Callable[[], None]:
    """Provider and service: an explicit stage belongs to one provider's service, so it goes with them."""
    def callback() -> None:
        _store(field)()
        reconcile_stage()
    return callback


def _store_payment_date() -> None:
    st.session_state[STORED] = True
    st.session_state[KEY] = with_payment_date(values(), st.session_state[f"{BOUND}paid_on"], basis().as_of)


def use_today() -> None:
    st.session_state[KEY] = request_today(values(), basis().as_of)


def show_request_not_today() -> None:
    """A link made on an earlier day is quoted for the day it was made for, and a request day moved past today is
    quoted for that day; each says so, with one click to ask today instead (decisions.md 'payment date': no date is
    replaced silently). A request on 31 Dec, moved there by the days slider on 6 Dec, read "the window has closed"
    with nothing said of its day being still to come (a walkthrough)."""
    # always there, empty or not: a notice that came and went as the days slider crossed today moved the slider after
    # it to another place in the page, which drew it anew and lost its keyboard focus (CI)
    here = st.container(key="request_not_today")
    asked = request_not_today(values(), basis().as_of)
    paid = values()["paid_on"]
    # a payment still to come: the nearest request is on its day, not today (which "day 0" and "Use today" said of a
    # payment nine days away, a walkthrough); a request on that very day is the planned payment's own notice
    planned = paid is not None and paid > basis().as_of
    if asked is None or (planned and asked == paid):
        return
    now = request_today(values(), basis().as_of)
    nearest = f"a request on the day of the payment ({paid:%d %b %Y})" if planned else \
        f"a request today (day {now['days_since_payment']})"
    then_text = today_text = ""
    try:
        then_q, today_q = (cache.cached_quote(cache.key(parse_scenario(to_engine(v), basis()))) for v in (values(), now))
        then_text, today_text = refund_text(then_q), refund_text(today_q)
    except InputError:
        pass  # the scenario's own error is shown where the quote would be
    differs = f"; {nearest} gets {today_text}, not {then_text}" if today_text != then_text else \
        f"; {nearest} gets the same"
    box = here.container(horizontal=True)
    when = "That date has passed" if asked < basis().as_of else \
        "That day is still to come: the quote is what a request made then gets"
    box.info(md_escape(
        f"This quote is for a request on {asked:%d %b %Y} (day {values()['days_since_payment']} after the payment "
        f"on {values()['paid_on']:%d %b %Y}). {when}{differs}."))
    box.button("Ask on the payment day" if planned else "Use today", key="use_today", on_click=use_today,
               type="primary")


def _service_label(provider: str) -> Callable[[str], str]:
    """Labels bound to this run's policies (a widget may call its format_func outside the run)."""
    registry = policies()
    return lambda sid: offered_label(provider, sid, registry)


def offer_inputs(container=st) -> None:
    """What a quote is about: provider, service and amount, with the labels the product promises."""
    f = BY_NAME
    names = {pid: policy.name for pid, policy in policies().items()}
    container.selectbox(
        f["provider"].label, list(names), format_func=names.__getitem__, key=_bind("provider"),
        on_change=_store_offer("provider"), help=f["provider"].help,
    )
    container.selectbox(
        f["service"].label, list(SERVICES), format_func=_service_label(values()["provider"]),
        key=_bind("service", labelled_by=values()["provider"]),
        on_change=_store_offer("service"),
        help="Every service of the common taxonomy is listed; those this provider does not offer say so.",
    )
    _money_input(container, f["amount_paid"])


REFUSED = "_refused_"  # + a field: (the text typed, why it was refused, the value the scenario kept)


def _money_input(container, spec: FieldSpec) -> None:
    """An amount typed as on an invoice ('8000', '8,000.00', '$8,000'), read as a batch reads its cells. One the
    field refuses stays in its box, said in words beside it, and the scenario keeps its amount: a number box put an
    emptied or mistyped amount back to its lowest, $0.01, quoted it silently, and the share link carried it (a
    walkthrough)."""
    key = f"{BOUND}{spec.name}"
    refused = _refused(spec)
    container.text_input(spec.label, key=input_key(key) if refused else _bind(spec.name, money_shown),
                         on_change=_store(spec.name, partial(money_value, spec)), help=f"{spec.help} {MONEY_TYPED}")
    if refused is not None:
        container.error(md_escape(f"{refusal(spec.label, refused[0], refused[1])}. The quote is still for "
                                  f"{format_usd(Decimal(refused[2]))}."))


def _refused(spec: FieldSpec) -> Optional[tuple[str, str, str]]:
    """An amount its box refused and still holds: (the text typed, why, the amount the scenario kept); None once typed
    again, or where the amount came from elsewhere since (Back, a restore, another page)."""
    refused = st.session_state.get(REFUSED + spec.name)
    if refused is not None and (st.session_state.get(f"{BOUND}{spec.name}") != refused[0]
                                or values()[spec.name] != refused[2] or st.session_state.get(NEW_PAGE)):
        st.session_state.pop(REFUSED + spec.name)
        return None
    return refused


def show_refused_in_sidebar() -> None:
    """The amount the sidebar refused, said on the page too: a phone keeps the sidebar closed, and the quote below,
    still for the amount before, read as one for the amount typed (a walkthrough)."""
    spec = BY_NAME["amount_paid"]
    refused = _refused(spec)
    if refused is not None:
        st.error(md_escape(f"{refusal(spec.label, refused[0], refused[1])} (in the sidebar). What this page shows is "
                           f"still for {format_usd(Decimal(refused[2]))}."))


MONEY_TYPED = "Type it as on an invoice: 5000, 5,000.00 or $5,000."


def sliders() -> None:
    """The two dials a quote is moved by, side by side on the page above what they move (they wrap on a
    narrow screen). On the page, not in the sidebar, so that a page can rerun them with their results alone."""
    row = st.container(horizontal=True, key="dials")  # one under the other on a phone (page.css)
    for spec in in_group("dial"):
        # a payment long ago: the slider reaches the request day rather than clamping it
        top = 100 if spec.kind == "percent" else max(DAYS_MAX, values()[spec.name])
        row.slider(spec.label, 0, top, key=_bind(spec.name), on_change=_store(spec.name), help=spec.help)


ADVANCED_LABELS = {f.name: f.label for f in in_group("advanced")}


def advanced_set(v: dict) -> list[str]:
    """The advanced facts this scenario gives (those not left at their default), by label and value: "Work started"
    read the same whether it was set to yes or to no (a walkthrough)."""
    return [" ".join(filter(None, (label, _value_words(BY_NAME[field], v[field]))))
            for field, label in ADVANCED_LABELS.items() if v[field] != DEFAULTS[field]]


def _value_words(spec: FieldSpec, value: Any) -> str:
    """An advanced fact's value in a few words, in brackets: (yes), (10), ($300.00), (card), (24 Nov 2026)."""
    if isinstance(value, bool):
        said = "yes" if value else "no"
    elif spec.kind == "money":
        said = format_usd(Decimal(value))
    elif spec.kind == "choice":
        said = spec.choice_labels.get(value, value)
    elif isinstance(value, date):
        said = f"{value:%d %b %Y}"
    elif spec.kind == "stage":
        return ""  # its own box names it beside the sliders
    else:
        said = str(value)
    return f"({said})"


def reconcile_stage() -> None:
    """Drop an explicit stage the current provider's service does not have."""
    v = values()
    service = for_case(v)[v["provider"]].services.get(v["service"])
    if v["stage"] is not None and (service is None or v["stage"] not in {s.id for s in service.stages}):
        update(stage=None)


def advanced_inputs(container=st) -> None:
    """Drawn only while the expander is open (it reruns on a click): a closed sidebar then costs the browser
    13 widgets less on every rerun. When closed, a caption names the facts set in it."""
    exp = container.expander("Advanced", key="advanced_open", on_change="rerun")
    if not exp.open:
        given = advanced_set(values())
        if given:
            container.caption(md_escape("Set under Advanced: " + ", ".join(given) + "."))
        return
    _advanced_widgets(exp)


def _advanced_widgets(exp) -> None:
    for spec in in_group("advanced"):
        _ADVANCED_WIDGETS[spec.kind](exp, spec)


def _date_input(exp, spec: FieldSpec) -> None:
    """A date the request counts from: setting it makes the request today (the days slider then moves the
    request day, and every deadline is a date)."""
    exp.date_input(spec.label, value=None, min_value=spec.first_day, max_value=latest_payment(basis().as_of),
                   key=_bind(spec.name),
                   on_change=_store_payment_date, help=spec.help)


def _tristate_input(exp, spec: FieldSpec) -> None:
    exp.selectbox(spec.label, list(TRISTATE), format_func=TRISTATE.get, help=spec.help,
                  key=_bind(spec.name, _to_choice), on_change=_store(spec.name, _from_choice))


def _days_input(exp, spec: FieldSpec) -> None:
    exp.number_input(spec.label, min_value=int(spec.low or 0), max_value=int(spec.high or 0), value=None, step=1,
                     key=_bind(spec.name),
                     on_change=_store(spec.name), placeholder="unknown", help=_help_here(spec))


def _help_here(spec: FieldSpec) -> str:
    """A field's help, and for the notice how the case's policy counts it: days before the next billing date for one,
    days since it was given for another (a rep entered the days to the next bill for Social Beat and read "given 10
    days ago", a walkthrough). As "Am I eligible?" asks it (eligibility.notice_question)."""
    if spec.name != "notice_days":
        return spec.help
    v = values()
    asked = notice_question(v["provider"], v["service"], policies()) if v["provider"] in policies() else None
    return spec.help if asked is None else f"{spec.help} Here: {asked[0]} {asked[1]}"


def _choice_input(exp, spec: FieldSpec) -> None:
    labels = {UNKNOWN: "Unknown", **spec.choice_labels}
    exp.selectbox(spec.label, [UNKNOWN, *spec.choices], format_func=labels.get, help=spec.help,
                  key=_bind(spec.name, _to_choice), on_change=_store(spec.name, _from_choice))


def _flag_input(exp, spec: FieldSpec) -> None:
    exp.checkbox(spec.label, key=_bind(spec.name), on_change=_store(spec.name), help=spec.help)


def _stage_input(exp, spec: FieldSpec) -> None:
    v = values()
    service = for_case(v)[v["provider"]].services.get(v["service"])
    # A fixed label: the placement depends on completion, and a slider move does not redraw the sidebar
    # (the quote on the page names the stage). A selectbox whose labels change also loses its value.
    stages = {UNKNOWN: "From completion",
              **({s.id: s.label for s in service.stages} if service else {})}
    exp.selectbox(
        spec.label, list(stages), format_func=stages.get,
        key=_bind(spec.name, _to_choice, labelled_by=tuple(stages.values())),
        on_change=_store(spec.name, _from_choice),
        help="Pre-filled from completion; choose the stage to narrow the range when you know it.",
    )
    if service:
        exp.caption(service.stage_note)


# How the app asks for an advanced fact, by its kind (a new field of a known kind needs nothing here).
_ADVANCED_WIDGETS: dict[str, Callable[[Any, FieldSpec], None]] = {
    "date": _date_input, "tristate": _tristate_input, "days": _days_input, "money": _money_input, "choice": _choice_input,
    "flag": _flag_input, "stage": _stage_input,
}


def sidebar() -> None:
    """What the quote is about and the advanced facts; the sliders are on the page (see sliders)."""
    with st.sidebar:
        offer_inputs()
        advanced_inputs()
