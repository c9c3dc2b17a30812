"""Policy lab, for authors: pick a version, edit its tiers and terms, see what the edit does (the bands over the
current ones, the sample clients whose quote changes, the linter's findings), save a draft, publish it from a date,
download it as TOML, or upload a policy file (a new version, or a fourth provider with its text).

The editing is policy/lab.py, the findings policy/lint.py, the comparison policy/diff.py; versions are kept in
the register's database (store/policy_versions.py). This page gathers input and draws."""
import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.uploaded_file_manager import UploadedFile

from policy import InputError, Scenario
from policy.curves import completion_curve, days_curve
from policy.diff import LAST_DAY, REFERENCE_AMOUNT, band_changes, rule_changes
from policy.errors import PolicyFileError
from policy.explain import UNDATED
from policy.lab import (
    EXCEPTIONS,
    LABELS,
    PROCESSING,
    READINGS,
    STAGES,
    TIERS,
    Grid,
    LabError,
    Problem,
    Tables,
    deduction_rows,
    edited,
    reading_rows,
    rows_of,
    term_rows,
)
from policy.lint import OF_THE_EDIT, Finding, edit_notes, edit_warnings, in_reading_order, of_the_edit
from policy.lint import errors as lint_errors
from policy.loader import POLICY_TEXT_MAX, parse_policy, policy_toml
from policy.markdown import md_escape as e
from policy.reworded import Reworded, words_follow
from policy.schema import VERSION_MAX, PolicyFile
from policy.taxonomy import SERVICES
from policy.versions import Basis, Catalog, Version, same_terms
from policy.words import counted
from store import Actor, Forbidden, SaveError
from store.policy_versions import REASON_MAX, LintRefused
from ui import cache, charts, page, state
from ui.identity import signed_by
from ui.registry import basis, catalog, policy_store, refresh
from ui.show import file_part

SEVERITY_ICONS = {"error": "🛑", "warning": "⚠️", "info": "ℹ️"}


def _findings(findings: list[Finding], previous: PolicyFile | None, before: list[Finding]) -> None:
    """The linter's findings: those of this edit first (an error, or one the version before did not have), then,
    closed, those the version before already had (an edit's one new warning was the 19th of 25, and "What it
    changes" 4,000 px below the grid: a walkthrough)."""
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITY_ICONS}
    against = f"; against {previous.version}, the version in force before it" if previous is not None else ""
    st.markdown(f"**Linter**: {counted(counts['error'], 'error')}, {counted(counts['warning'], 'warning')}, "
                f"{counted(counts['info'], 'note')}"
                f"{e(against)}")
    new = of_the_edit(findings, before)
    old = [f for f in in_reading_order(findings) if f not in new]
    if new:
        _findings_table(new)
    elif findings:
        st.caption(e("Nothing new: the version before had every one of these findings."))
    if old:
        with st.expander(e(f"{counted(len(old), 'finding')} the version before already had")):
            _findings_table(old)
    if findings:
        st.caption("A finding is known (a documented ambiguity, not a mistake) where one of the version's ambiguities "
                   "lists its key under `explains` in the policy file: an error then shows as a warning with that "
                   "ambiguity's id.")


# a percent, a last day or a request window whose words did not follow
WORDS_FOLLOW_FOR = ("quote-vs-amount", "label-vs-amount", "quote-unchanged", "label-unchanged", "reading-unchanged",
                    "quote-vs-days", "label-vs-days", "window-vs-days")


def _offer_words(reworded: Reworded | None, version: str, widgets: str, name: str) -> None:
    """The words a changed percent or last day leaves saying the old one, changed in one click (policy/reworded.py): an author
    had to change the tier's label, its quote and the policy text by hand, and one gave up and edited the TOML."""
    if reworded is None:
        return
    st.info(e(f"The words can follow the percents, fees and days you changed: {reworded.summary()}."))
    st.button("Change the words to match", key="lab_words_follow", on_click=_words_follow,
              args=(reworded, version, widgets, name))


def _words_follow(reworded: Reworded, version: str, widgets: str, name: str) -> None:
    """Go on editing from the edit with its words changed: the grids and the text box start again from it (their
    edits are in it), beside the version shown, whose number and date go on as they were."""
    _forget_edits(widgets)
    # what changed, said after the click too: it was said only before, and gone once done (a walkthrough)
    st.session_state[REWORDED] = (version, reworded.policy, reworded.text, name,
                                  f"with its words following its percents, fees and days ({reworded.summary()})")


SAVED_NOW = "lab_saved_now"  # (provider, lab id) of the version a save or publish made: shown next
# (what a save or publish did, the version it made): said while that version is shown unedited. Said on the next run
# only, it was gone before it was seen: the browser's grids send their edits back after a publish (a walkthrough)
SAID = "lab_said"


ROUND = "lab_round"  # how many times the grids and the text box started again in this session


def _widgets(version: str) -> str:
    """The end of the keys of the grids and the text box of the version shown: new each time they start again. A
    browser keeps its copy of a widget's value and sends it with the run after the one that replaced it (a grid's
    edits forgotten send one at once): under the same key, the old policy text came back and undid "Change the words
    to match" (a CI run; a browser on a loaded machine, 4 times in 16). Under a new key it is a widget no longer drawn."""
    return f"{version}_{st.session_state.get(ROUND, 0)}"


def _forget_edits(widgets: str) -> None:
    """The grids' and the text box's edits of one version shown: they start again from what they are drawn from."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("lab_") and k.endswith(f"_{widgets}")]:
        del st.session_state[key]
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.session_state.pop(LEFT, None)  # what they held: not to come back


LEFT = "lab_left"  # (the version shown, the edit, its text, its name): what the grids and the text box held
# as the last run ended. Streamlit forgets a widget a run does not draw: a visit to another page lost an edit without a
# word (a walkthrough). Back in the lab, with its grids forgotten, they start from it.


def _keep_edit(version: str, new: PolicyFile | None, text: str, edited_now: bool, name: str) -> None:
    if new is not None and edited_now:
        st.session_state[LEFT] = (version, new, text, name)  # a policy is immutable: kept as it is
    elif new is not None:  # unedited (or undone): nothing to come back to
        st.session_state.pop(LEFT, None)


def _back_to_edit(version: str, widgets: str) -> None:
    """Back from another page (the grids' state forgotten), the edit they held is where they start again."""
    left = st.session_state.get(LEFT)
    if left is not None and left[0] == version and f"lab_tiers_{widgets}" not in st.session_state:
        st.session_state[REWORDED] = (*left, "as you left it on going to another page")
        st.session_state.pop(LEFT)


REWORDED = "lab_reworded"  # (the version shown, the edit to start from, its text, the version's name, how it was made)


def _reworded_start(base: PolicyFile, text: str, version: str) -> tuple[PolicyFile, str]:
    """Where the grids and the text start: the version shown, or its edit whose words were made to follow (only
    while that version is the one shown: another provider or version drops it)."""
    kept = st.session_state.get(REWORDED)
    if kept is None:
        return base, text
    if kept[0] != version:
        st.session_state.pop(REWORDED)
        return base, text
    st.info(e(f"Your edit of {kept[3]}, {kept[4]}: go on editing it, or start again."))
    if st.button("Start again from the version as it is", key="lab_reworded_undo"):
        _forget_edits(_widgets(version))
        st.session_state.pop(REWORDED)
        st.rerun()
    return kept[1], kept[2]


def _findings_table(findings: list[Finding]) -> None:
    # a table, not a grid: a finding is a sentence, and a grid's cell cuts it at its width. Four columns: seven
    # ran off a phone's screen, with no way to scroll to the last
    # st.table reads Markdown, and a finding quotes the policy's words as its author wrote them: shown as text
    st.table(pd.DataFrame([{"Finding": f"{SEVERITY_ICONS[f.severity]} {f.severity}: {f.code}"
                                       + (" (this edit)" if f.code in OF_THE_EDIT else ""),
                            "Known as": f.ambiguity or "", "What": f.message,
                            "Rules and key": "; ".join(filter(None, [", ".join(f.named),
                                                                    f"key {f.key}" if f.key else ""]))}
                           for f in findings]).map(e), hide_index=True, border="horizontal")


def _preview(current: PolicyFile | None, new: PolicyFile) -> None:
    """The edited bands over the current ones, then the sample clients whose quote changes. `current` None: a new
    provider, its bands drawn alone (compared with itself, an upload read "0 rules changed", a walkthrough)."""
    services = [s for s in new.services if current is None or s in current.services] or list(new.services)
    if current is not None:
        rules = rule_changes(current, new)
        changed = band_changes(current, new)
        _draw_where_it_changes(rules, changed, services)
    service = st.selectbox("Service to draw", services, format_func=lambda s: SERVICES[s], key="lab_service")
    left, right = st.columns(2)
    completion = left.slider("Completion for the days chart (%)", 0, 100, key="lab_pct")
    day = right.slider("Day for the completion chart", 0, LAST_DAY, key="lab_day")
    # said while they stay there, and while the edit changes a rule (after a publish the version shown is the edit)
    if current is not None and rules and st.session_state.get("lab_cut_at") == (service, completion, day):
        st.caption(f"Set where this edit first changes a quote: {SERVICES[service]}, {completion}% done, day {day}. "
                   "Move them to look elsewhere.")
    drawn = ((current, f"Current ({current.version})"), (new, f"Edited ({new.version})")) if current is not None \
        else ((new, f"{new.name} ({new.version})"),)
    names = tuple(n for _, n in drawn)
    day_of_preview = basis().as_of  # each curve is quoted under the one version it draws
    scenario = Scenario(provider=new.id, service=service, amount_paid=REFERENCE_AMOUNT,
                        completion_pct=Decimal(completion), days_since_payment=day)
    by_pct = pd.concat([completion_curve(scenario, Basis.of([p], day_of_preview)).assign(provider_name=n)
                        for p, n in drawn if service in p.services])
    by_day = pd.concat([days_curve(scenario, Basis.of([p], day_of_preview), last_day=LAST_DAY).assign(provider_name=n)
                        for p, n in drawn if service in p.services])
    st.vega_lite_chart(spec=charts.versions_chart(by_pct, "completion_pct", "Project completion (%)", completion,
                                                  names), width="stretch")
    st.vega_lite_chart(spec=charts.versions_chart(by_day, "days_since_payment", "Days since payment", day, names),
                       width="stretch")
    if current is None:
        return
    st.markdown(f"**{counted(len(rules), 'rule')} changed**")
    if rules:
        # a table whose cells wrap: in a data grid the rule's name was cut at "tier “Cancelled durin" (a walkthrough)
        st.table(pd.DataFrame([{"Rule": r.place, "Change": r.change, "What changed": "; ".join(r.said) or r.change}
                               for r in rules]).map(e), hide_index=True)
    seen, hidden = changed[changed.seen], changed[~changed.seen]
    who = counted(len(seen), "sample client is", "sample clients are")
    clients = f"every service, completion 0-100% by 5, days 0-{LAST_DAY}, ${REFERENCE_AMOUNT:,} paid, the facts below not given"
    # with none, no table follows: the sentence that introduced one described a table not there (a walkthrough)
    st.markdown(f"**{who} shown another band** ({clients}): the band each is shown, before and after, which end of "
                "it moved, and under which value of a fact not given" if len(seen) else
                f"**No sample client is shown another band** ({clients}).")
    if len(seen):
        here = seen[seen.service == service]
        if len(here):
            st.vega_lite_chart(spec=charts.change_map(here, int(REFERENCE_AMOUNT * 100)), width="stretch")
        st.dataframe(seen[list(CHANGE_COLUMNS)].rename(columns=CHANGE_COLUMNS), hide_index=True, width="stretch",
                     column_config=BANDS_WHOLE)
    if len(hidden):
        # "0 sample clients change their quote" above "160 more keep the band they are shown" read as an edit that
        # does nothing (a walkthrough): these clients' quotes do change, once they give the fact
        st.markdown(f"**{len(hidden):,} more are shown the same band, and get another once they give a fact they "
                    "left out**: it changes under one value of that fact (a client who gives it sees the change), or "
                    "only its verdict changes")
        st.dataframe(hidden[list(HIDDEN_COLUMNS)].rename(columns=HIDDEN_COLUMNS), hide_index=True, width="stretch",
                     column_config=BANDS_WHOLE)


FIRST_DRAWN = {"lab_pct": 30, "lab_day": 3}  # where the charts are cut before any edit


def _draw_where_it_changes(rules: list, changed: pd.DataFrame, services: list[str]) -> None:
    """On each new edit, the charts are cut where it changes a quote (its first sample client's service, completion
    and day): an edit of the first stage, drawn at 30%, showed no change in the days chart (a walkthrough). The
    author's own choice stays until the edit changes again."""
    ss = st.session_state
    for key, value in FIRST_DRAWN.items():
        ss.setdefault(key, value)
    edit = tuple((r.rule, r.what) for r in rules)
    if ss.get("lab_drawn_for") == edit:
        return
    ss["lab_drawn_for"] = edit
    shown = changed[changed.seen] if changed.seen.any() else changed  # a change the band shows, where there is one
    first = shown.iloc[0] if len(shown) else None
    if first is None or first.service not in services:
        return
    ss["lab_service"], ss["lab_pct"], ss["lab_day"] = first.service, int(first.completion_pct), int(first.days_since_payment)
    ss["lab_cut_at"] = (ss["lab_service"], ss["lab_pct"], ss["lab_day"])  # said under the sliders while they stay there


# The changed clients' columns as an author reads them
CHANGE_COLUMNS = {"service": "Service", "completion_pct": "Completion (%)", "days_since_payment": "Day",
                  "before": "Before", "after": "After", "end": "End that moved", "under": "Under (facts not given)"}
HIDDEN_COLUMNS = {"service": "Service", "completion_pct": "Completion (%)", "days_since_payment": "Day",
                  "before": "Band shown (unchanged)", "end": "End that moved", "under": "Under (facts not given)"}
# a band's two amounts whole ("$8,500.00 - $9,900" was cut, a walkthrough), the numbers' columns narrow
BANDS_WHOLE = {**{name: st.column_config.TextColumn(width="medium") for name in ("Before", "After", "Band shown (unchanged)")},
               # "Completion (%)" at its header's width: small, it read "Completion (" (a walkthrough)
               "Day": st.column_config.Column(width="small")}


NOT_SET = "—"  # an empty cell of a grid: the term sets nothing there (no fee, no day limit, no bound), not "None"


def grid_editor(grid: Grid, policy: PolicyFile, key: str) -> pd.DataFrame:
    """A grid as policy/lab.py declares it: its columns in order, their headers, the columns naming a rule locked."""
    config = {c: st.column_config.Column(LABELS[c], disabled=c in grid.fixed) for c in grid.names}
    return st.data_editor(pd.DataFrame(rows_of(grid, policy), columns=list(grid.names)), key=key, hide_index=True,
                          num_rows="fixed", width="stretch", column_config=config, placeholder=NOT_SET)


def _number_follows_date(versions: Catalog, provider: str, mine: str | None) -> None:
    """A new date, a new number offered (numbers are dates here), unless the author typed one of their own.
    `mine`: the number of the draft shown, free for it."""
    offered = st.session_state.get("lab_number_offered")
    if offered is not None and st.session_state.get("lab_number") == offered:
        st.session_state["lab_number"] = st.session_state["lab_number_offered"] = versions.free_version(
            provider, st.session_state["lab_when"], mine)


READINGS_HEADER = "Readings of unclear terms"

# Where in the lab an error is mended: a changed percent must be changed in the tier's words too, and they are two
# places away from it (an author who changed 75% to 60% could not find why publishing stayed refused).
WORDS_WITH_THE_PERCENT = (f"A tier's percent and its words go together: change the percent in its row's "
                          f"\u201c{LABELS['label']}\u201d and \u201c{LABELS['quote']}\u201d too (the tiers table's "
                          "last columns), then the same sentence under \u201cThe policy text of this version\u201d, so "
                          "all of them say it alike. A clause a tier cites only for its setting, not its amount (the "
                          "window a tier for later requests falls after), is marked role = \"context\" in the "
                          "version's TOML (download it, mark it, upload it): its percent is then not the tier's.")
# a finding whose warning may stand: its advice offers to publish despite it
DESPITE = {"reading-unchanged": " Or publish despite the warning if the reading still stands."}
HOW_TO_FIX = {
    "quote-vs-amount": WORDS_WITH_THE_PERCENT,
    # the same mending for the warning of a clause left as it was (a walkthrough found it by scrolling the grid)
    "quote-unchanged": WORDS_WITH_THE_PERCENT + " A fee's percent or cap is changed in the same places.",
    # a label of one percent beside a tier made a band: the band's other end is quoted without words
    "label-unchanged": f"A tier's “{LABELS['label']}” (the tiers table's last columns) says its refund: say the "
                       "new percent or fee there, or the band where the tier became one (60-75%).",
    "other-provider-named": "A file made from another provider's keeps its words: say this provider's name there, in "
                            f"the tables here where they show them (a tier's or an exception's \u201c{LABELS['label']}"
                            "\u201d), else in the version's TOML (download it, change it, upload it): the contact and "
                            "the questions a client reads are there.",
    # one clause states both ends of a tier: made to say the end that moved, the other is quoted without words
    "quote-restated": f"A clause that decides both ends of a tier says the end that stays: put its percent back in "
                      f"the row's “{LABELS['quote']}” and in the policy text. To give the end that moved "
                      "words of its own, cite a sentence for it alone (role = \"min\" or \"max\" in the version's "
                      "TOML: download it, add the clause, upload it).",
    "quote-not-in-text": f"Every \u201c{LABELS['quote']}\u201d must be found word for word in the policy text "
                         "(under \u201cThe policy text of this version\u201d): change the sentence there as you changed "
                         "the quote. If it is the text you changed, a sentence a tier quotes stays as it is there, or "
                         "changes in its \u201c" + LABELS["quote"] + "\u201d too (a quote no table here shows is in the "
                         "version's TOML: download it, change it, upload it).",
    # a reading of an ambiguity was in no grid here (a walkthrough found no way to mend it in the lab)
    "reading-unchanged": f"A reading that should follow the tier is changed in the table \u201c{READINGS_HEADER}\u201d "
                         f"(its \u201c{LABELS['reading_pct']}\u201d, and its \u201c{LABELS['label']}\u201d if it "
                         "names the amount). A reading of a fee (its percent or cap: that table shows neither) follows "
                         "the tier's fee with \u201cChange the words to match\u201d, or in the version's TOML "
                         "(download it, change it, upload it): changing its words alone leaves its amount as it was.",
    "reading-label-vs-amount": f"Change that reading's \u201c{LABELS['label']}\u201d (or its "
                               f"\u201c{LABELS['reading_pct']}\u201d) in the table \u201c{READINGS_HEADER}\u201d, "
                               "below the tiers, so both say the same refund.",
    "reading-outside-band": f"Change that reading's \u201c{LABELS['reading_pct']}\u201d (and its "
                            f"\u201c{LABELS['label']}\u201d if it names the amount) in the table "
                            f"\u201c{READINGS_HEADER}\u201d, below the tiers, to lie within the tier's band.",
    # an edit that moves a finding an ambiguity lists (a shorter window, a rise now on another day) leaves its list
    # out of date: nothing of the terms is wrong (a walkthrough was asked to publish despite it, and not told why)
    "explains-unmatched": "An ambiguity lists under \u201cexplains\u201d a finding your edit moved or removed, so the list "
                          "is out of date; the terms and the quotes are not affected, and it can be published as it "
                          "is. To tidy the list: download the TOML, put the key the linter now finds in that "
                          "ambiguity's \u201cexplains\u201d (or drop the one it no longer finds), and upload it.",
}
EFFECTIVE_HELP = ("Payments from this day on are quoted under the new version. Tomorrow is offered: a version from "
                  "today would also answer for payments made today, some of which may have been quoted already. "
                  "Another day may be chosen; an earlier one changes the quotes of every payment made since it.")
IN_ONE_CLICK = ("\u201cChange the words to match\u201d (below, and under the linter's findings) makes the words follow "
                "the percents and days you changed, in one click.")


def _said_under(under: dict[str, DeltaGenerator], problems: list[Problem]) -> list[Problem]:
    """Each table's problems under it, and that nothing can be saved or published until they are fixed; returns
    those of no table (the version as a whole: its number, its date)."""
    for table, box in under.items():
        mine = [p for p in problems if p.table == table and p.row]
        if mine:
            box.error("Fix this table's " + ("problem" if len(mine) == 1 else "problems") + " to save or publish the "
                      "edit (your edits are kept):\n\n" + "\n".join(f"- {e(str(p))}" for p in mine))
    return [p for p in problems if not (p.row and p.table in under)]


def _fixes(findings: list[Finding], words_can_follow: bool) -> list[str]:
    """How to mend each kind of finding, once each; where the words can follow in one click, that first: the advice
    beside Publish said to change three places by hand while a button above did it (a walkthrough)."""
    fixes = [HOW_TO_FIX[f.code] + DESPITE.get(f.code, "") for f in findings if f.code in HOW_TO_FIX]
    if words_can_follow and any(f.code in WORDS_FOLLOW_FOR for f in findings):
        fixes.insert(0, IN_ONE_CLICK)
    return list(dict.fromkeys(fixes))


def _utf8(upload: UploadedFile) -> str:
    """An uploaded file's text; one that is not UTF-8 is named, as every other refusal of an upload names its file
    ("That file is not UTF-8 text" did not say which of the two, a walkthrough)."""
    try:
        return upload.getvalue().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyFileError(f"{upload.name}: is not UTF-8 text (byte {exc.start + 1:,} cannot be read): save it as "
                              "UTF-8 and upload it again") from None


FORM_LABELS = {"published_by": "Your name", "saved_by": "Your name", "withdrawn_by": "Your name", "policy_text": "Policy text",
               "version": "New version's number", "reason": "Reason", "provider": "Provider id", "lint": "Linter"}


def _number_date(number: str) -> date | None:
    """The date a version's number spells, as Social Beat numbers its own ("2025-06-17", "2026-12-07-2"), if any."""
    try:
        return date.fromisoformat(number.strip()[:10])
    except ValueError:
        return None


def _as_saved(draft: Version, policy: PolicyFile, text: str) -> bool:
    """Whether `policy` and `text` are the draft as saved, but for the date (a publish sets its own)."""
    return draft.text == text and draft.policy == policy.model_copy(update={"effective_from": draft.policy.effective_from})


def _save(policy: PolicyFile, text: str, who: Actor, publish_on: date | None, replacing: Version | None) -> None:
    """Save as a draft (the draft shown, `replacing`, saved again), or publish from `publish_on`: the draft shown as
    it was saved is published as it is (its publish recorded a second "saved as draft" of the same draft)."""
    draft = None
    try:
        store = policy_store()
        if publish_on is not None:  # refused before anything is written: a version with a lint error stays unsaved
            refused = lint_errors(store.lint(policy, text))
            if refused:
                raise LintRefused(f"{policy.name} {policy.version}", refused)
        if publish_on is not None and replacing is not None and replacing.lab_id is not None and \
                _as_saved(replacing, policy, text):
            draft = replacing.lab_id
        else:
            draft = store.save_draft(policy, text, by=who, replacing=replacing.lab_id if replacing else None,
                                     to_publish=publish_on is not None)
        was = _renumbered(replacing, policy)
        before = f"; saved before as {was}" if was else ""
        if publish_on is None:
            st.session_state[SAID] = (f"Saved as draft #{draft} ({policy.name} {policy.version}{before}).", policy)
        else:
            first = not catalog().of(policy.id)  # a new provider: nothing was in force before this one
            store.publish(draft, publish_on, by=who)
            earlier = (f"it is {policy.name}'s first version, so it also answers for payments before that day" if first
                       else "earlier ones keep theirs")
            st.session_state[SAID] = (f"Published {policy.name} {policy.version}"
                                      + (f" (draft #{draft}{before})" if replacing is not None else "")
                                      + f" from {publish_on:%d %b %Y}: a quote for a payment from that day "
                                      f"follows it; {earlier}.", policy)
        # the lab shows what it saved: after an upload of a new provider it went back to the provider before, whose
        # editor then stood above "Published BrightPath Media ..." (a walkthrough)
        st.session_state[SAVED_NOW] = (policy.id, draft)
        refresh()  # this run read the catalog before the save: the provider it published is in the one read now
        _show_provider(policy.id)
        st.session_state.pop("lab_upload", None)
        st.session_state.pop(REWORDED, None)  # what it saved is a version of its own now
        st.session_state.pop(LEFT, None)
        st.session_state.pop("lab_number_for", None)  # the number box offers the next free number, not the one taken
        st.rerun()
    except InputError as exc:
        field = FORM_LABELS.get(exc.field, exc.field)
        kept = f"It was kept as draft #{draft}; it was not published" if draft is not None else "Nothing was saved"
        st.error(f"**{e(field)}**: {e(exc.message)}. {kept}.")
    except (SaveError, Forbidden) as exc:
        st.error(f"{e(str(exc).rstrip('.'))}. Nothing was saved.")


def _renumbered(draft: Version | None, policy: PolicyFile) -> str | None:
    """The number a draft shown was saved under, where saving or publishing this edit gives it another."""
    return draft.policy.version if draft is not None and draft.lab_id is not None and \
        draft.policy.version != policy.version else None


def _withdraw(version_id: int, label: str, reason: str, who: Actor, after: PolicyFile | None, name: str) -> None:
    """`after`: the version that answers in its span once it is withdrawn; None: the provider's last, which leaves
    it unquoted (the message named the version withdrawn as its own replacement, a walkthrough)."""
    try:
        policy_store().withdraw(version_id, reason, by=who)
    except InputError as exc:
        st.error(f"**{e(FORM_LABELS.get(exc.field, exc.field))}**: {e(exc.message)}. Nothing was withdrawn.")
    except (SaveError, Forbidden) as exc:
        st.error(f"{e(str(exc).rstrip('.'))}. Nothing was withdrawn.")
    else:
        # the version that answers again, by its number ("the version in force before it" left it to guess)
        instead = (f"new quotes for payments in its span use version {after.version}" if after is not None else
                   f"no version of {name} is left in force, so {name} is no longer quoted or offered")
        st.session_state["lab_said_withdrawn"] = (f"Withdrew {label}: {instead}; quotes saved under it keep it and say "
                                                  "it was withdrawn.")
        st.rerun()


def _show_provider(provider: str) -> None:
    """The provider the lab shows is the shared scenario's: the address bar, and the other pages, name it."""
    state.update(provider=provider)
    state.reconcile_stage()


with page.opened("pages/6_Policy_lab.py", caption="Try a change to a policy, see what it does to every client, "
                 "lint it, and publish it from a date. Quotes for payments before that date keep the old version.") as v:
    said: str | None = None  # what a save or publish did, beside the buttons that did it (here if they are not drawn)
    said_here = st.empty()
    withdrawn_said = st.session_state.pop("lab_said_withdrawn", None)  # beside the version box it withdrew from
    found = catalog()
    uploaded = st.session_state.get("lab_upload")
    with st.expander("Upload a policy file (a new version, or a new provider)", expanded=uploaded is not None):
        toml_file = st.file_uploader("Policy file (TOML)", type=["toml"], key="lab_toml")
        text_file = st.file_uploader("Its policy text (optional for a new version of a provider)", type=["txt", "md"],
                                     key="lab_text_file")
        st.download_button("The policy file's JSON Schema (for your editor)",
                           json.dumps(PolicyFile.model_json_schema(), indent=2),
                           "policy.schema.json", "application/json", key="lab_schema", on_click="ignore")
        if st.button("Read the file", key="lab_read", disabled=toml_file is None) and toml_file is not None:
            try:
                policy = parse_policy(_utf8(toml_file), toml_file.name)
                if text_file is not None:
                    text = _utf8(text_file).removeprefix("\ufeff")
                    if len(text) > POLICY_TEXT_MAX:
                        raise PolicyFileError(f"{text_file.name}: has {len(text):,} characters; a policy's text may "
                                              f"have at most {POLICY_TEXT_MAX:,}")
                elif found.of(policy.id):
                    text = found.text_of(found.of(policy.id)[-1].policy)
                else:
                    raise PolicyFileError(f"{toml_file.name}: {policy.name} is a new provider: upload its policy "
                                          "text too, so its quotes can be checked")
                st.session_state["lab_upload"] = (policy_toml(policy), text, toml_file.name)
                uploaded = st.session_state["lab_upload"]
                if policy.id in basis().policies():  # a new provider is in no scenario until it is published
                    _show_provider(policy.id)
            except PolicyFileError as exc:
                st.error(f"The file was not read: {e(str(exc))}")

    if uploaded is not None:
        base = parse_policy(uploaded[0], "upload")
        text, file_name = uploaded[1], uploaded[2]
        # the uploader itself is empty again once the page is left: this says what is being worked on, and the way back
        st.info(e(f"Working on the uploaded file {file_name}: {base.name} {base.version}. It stays here until you "
                  "save it as a draft, publish it, or put it aside."))
        if st.button("Put the upload aside (back to the saved versions)", key="lab_upload_aside"):
            st.session_state.pop("lab_upload", None)
            st.rerun()
        current = basis().policies().get(base.id, base)
        shown: Version | None = None
    else:
        providers = list(found.in_force)
        names = {p: v[-1].policy.name for p, v in found.in_force.items()}
        if v["provider"] in providers and st.session_state.get("lab_provider") != v["provider"]:
            st.session_state["lab_provider"] = v["provider"]  # the shared scenario's provider: the URL names it
        provider = st.selectbox("Provider", providers, format_func=names.__getitem__, key="lab_provider",
                                on_change=lambda: _show_provider(st.session_state["lab_provider"]))
        versions = found.of(provider)
        # the version just saved or published is the one shown (the last by date was: a draft dated before a published
        # version gave way to it, and read as lost, a walkthrough)
        saved_now = st.session_state.pop(SAVED_NOW, None)
        last = next((i for i, ver in enumerate(versions) if (ver.provider, ver.lab_id) == saved_now), len(versions) - 1)
        chosen = st.selectbox("Version", range(len(versions)), index=last,  # one choice per provider
                              format_func=lambda i: versions[i].label,
                              key=f"lab_version_{provider}_{found.revision}")  # labels redrawn when one changes
        base, text = versions[chosen].policy, versions[chosen].text
        current = base
        shown = versions[chosen]
        if withdrawn_said:
            st.success(e(withdrawn_said))
        if shown.withdrawn is not None:
            st.warning(e(shown.withdrawn.sentence(base.version) + "."))
        elif shown.status == "published" and shown.lab_id is not None:
            with st.expander(e(f"Withdraw {base.version} (published by {shown.published_by})")):  # labels are Markdown
                reason = st.text_area("Reason", key=f"lab_withdraw_reason_{shown.lab_id}",
                                      max_chars=REASON_MAX, height=68,
                                      help="Quotes saved under this version show this reason beside them.")
                withdrawer = signed_by(f"lab_withdraw_by_{shown.lab_id}", "Your name")
                if st.button(e(f"Withdraw {base.version}"), key=f"lab_withdraw_{shown.lab_id}"):
                    _withdraw(shown.lab_id, f"{base.name} {base.version}", reason, withdrawer,
                              found.without(shown).on(base.effective_from or basis().as_of).get(base.id), base.name)
        st.download_button("Download this version as TOML (as it is kept)", policy_toml(base),
                           f"{base.id}-{file_part(base.version)}.toml", "application/toml", key="lab_download_version",
                           on_click="ignore")

    st.header("Tiers")
    st.caption("A tier's percents are of its base (see the TOML for other parts); a fee is taken off the end that "
               "carries it. The first tier of a stage whose conditions hold decides. An empty cell (—) sets "
               "nothing: no fee, no first or last day, no bound.")
    version = f"{base.id}_{base.version}"
    kept_said, base_text = st.session_state.get(SAID), text
    if kept_said is not None and (kept_said[1].id, kept_said[1].version) == (base.id, base.version):
        said = kept_said[0]
    else:  # another version shown: what was said is about one no longer here
        st.session_state.pop(SAID, None)
    _back_to_edit(version, _widgets(version))
    start, text = _reworded_start(base, text, version)  # the version shown, or its edit with its words changed
    suffix = _widgets(version)
    # each table's problems said under it: listed only below every table, 1,500 px down, a walkthrough read its
    # edit of 120% as taken, the buttons to save and publish gone without a word near the table
    under: dict[str, DeltaGenerator] = {}
    tier_table = grid_editor(TIERS, start, f"lab_tiers_{suffix}")
    under[TIERS.name] = st.container()
    readings = None
    if reading_rows(start):
        st.header(READINGS_HEADER)
        st.caption("Where a tier's words can be read more than one way: what each reading would give, as a percent of "
                   "the base it names (the TOML says which), within its tier's band.")
        readings = grid_editor(READINGS, start, f"lab_readings_{suffix}")
        under[READINGS.name] = st.container()
    st.header("Stages: where completion places them")
    stage_table = grid_editor(STAGES, start, f"lab_stages_{suffix}")
    under[STAGES.name] = st.container()
    st.header("Windows, processing times, exceptions and deductions")
    terms = st.data_editor(pd.DataFrame(term_rows(start)), key=f"lab_terms_{suffix}", hide_index=True,
                           num_rows="fixed", disabled=["term", "label"], width="stretch", column_config=LABELS,
                           placeholder=NOT_SET)
    under["terms"] = st.container()
    processing = grid_editor(PROCESSING, start, f"lab_processing_{suffix}")
    under[PROCESSING.name] = st.container()
    exceptions = grid_editor(EXCEPTIONS, start, f"lab_exceptions_{suffix}")
    under[EXCEPTIONS.name] = st.container()
    if start.deductions:
        st.dataframe(pd.DataFrame(deduction_rows(start)), hide_index=True, width="stretch", column_config=LABELS,
                     placeholder=NOT_SET)
    with st.expander("The policy text of this version (quotes are checked against it)"):
        text = st.text_area("Policy text", value=text, height=240, key=f"lab_text_{suffix}", max_chars=POLICY_TEXT_MAX) or ""
    left, right = st.columns(2)
    # an uploaded file, and a draft reopened, keep their own number and date (a draft saved for 15 Jan came back as
    # one from tomorrow, and its publish would have put it in force then: a walkthrough); an edit gets a free one
    # (a file copied from a version its provider never dated, UNDATED, is given a number: published from a date as
    # "undated", one page said "undated ... in force from 07 Dec 2026" and another "(no date)", a walkthrough)
    own = (uploaded is not None and base.version != UNDATED) or (shown is not None and shown.status == "draft")
    for typed in ("lab_number", "lab_when"):  # what was typed stays through a visit to another page
        state.kept(typed)
    if st.session_state.get("lab_number_for") != (version, own):  # another provider, version or upload: start again
        # a version to come opens on its own date (just published from 15 Jan, the lab offered it again from tomorrow,
        # its Publish on: a click would have put its terms in force a month early, a walkthrough); tomorrow else
        tomorrow = basis().as_of + timedelta(days=1)
        st.session_state["lab_when"] = (own and base.effective_from) or max(tomorrow, base.effective_from or tomorrow)
        st.session_state["lab_number"] = base.version if own else found.free_version(base.id, st.session_state["lab_when"])
        # a draft whose number is the one its date offered still follows its date (saved, then dated anew, it kept
        # the number of the first date, and was published under it: a walkthrough); an upload's is the file's own
        follows = not own or (uploaded is None and _number_date(base.version) == base.effective_from)
        st.session_state["lab_number_offered"] = st.session_state["lab_number"] if follows else None
        st.session_state["lab_number_for"] = (version, own)
    number = left.text_input("New version's number", key="lab_number",  # its limit is said, not cut (schema)
                             help=f"Unique for the provider, at most {VERSION_MAX} characters; a shipped version's "
                                  "number is taken. It follows the date until you type your own.")
    draft_shown = shown if shown is not None and shown.status == "draft" else None
    when = right.date_input("Effective from", key="lab_when", on_change=_number_follows_date,
                            args=(found, base.id, draft_shown.policy.version if draft_shown else None),
                            help=EFFECTIVE_HELP)  # why tomorrow is offered (a walkthrough was not told)
    today = basis().as_of
    if when <= today:  # said beside the date, not only in its help (a walkthrough chose 1 Dec on 7 Dec unwarned)
        since = "today" if when == today else f"{counted((today - when).days, 'day')} ago"
        right.warning(e(f"{when:%d %b %Y} is {since}: published from it, this version also answers for the payments "
                        "made since then, whose quotes may have been given already under the version before."))
    dated = _number_date(number)
    if dated is not None and dated != when:  # an upload keeps its own number: "2026-12-07" in force from 6 Dec
        left.caption(e(f"This number reads as a date, {dated:%d %b %Y}, and the version takes effect on "
                       f"{when:%d %b %Y}: change one of them if they are meant to agree."))

    new: PolicyFile | None
    try:
        new = edited(start, Tables(tiers=tier_table.to_dict("records"), terms=terms.to_dict("records"),
                                  stages=stage_table.to_dict("records"), processing=processing.to_dict("records"),
                                  exceptions=exceptions.to_dict("records"),
                                  readings=None if readings is None else readings.to_dict("records")),
                     version=number.strip() or None,
                     effective_from=when)  # the download says the date it is meant to take effect
    except LabError as exc:
        new = None
        elsewhere = _said_under(under, exc.problems)  # each said once: under its table, or here (the version's own)
        if elsewhere:
            st.error("The edit does not make a valid policy; your edits are kept:\n\n"
                     + "\n".join(f"- {e(str(p))}" for p in elsewhere))
    edited_now = new is not None and not same_terms(new, text, base, base_text)
    _keep_edit(version, new, text, edited_now, f"{base.name} {base.version}")
    if said is not None and (new is None or edited_now):
        said = None  # edited since: the version it names is no longer the one shown as it is
        st.session_state.pop(SAID, None)
    # An edit made a cell at a time passes through invalid states (a maximum set before its minimum): the linter and
    # the preview stay, for the last valid edit, instead of leaving the page (a walkthrough); keeping it waits.
    last_valid = f"lab_last_valid_{suffix}"
    if new is not None:
        st.session_state[last_valid] = new
    drawn: PolicyFile | None = new if new is not None else st.session_state.get(last_valid)
    if new is None and drawn is not None:
        st.info("Below are the linter and the changes of your last valid edit. To save, publish or download it, fix "
                "the edit above.")
    reworded: Reworded | None = None  # the edit with its words following its percents and days, where they can
    edit_of = f"{base.name} {base.version}"
    if drawn is not None:
        previous = found.on(when).get(drawn.id)  # the version in force on its date before it
        # a version reopened unedited on its own date is the one in force then: linted against itself it had no
        # finding of its own (a walkthrough lost the warning it was published despite); it is linted against the
        # version before it. What publishing it changes stays against itself: nothing (its Publish is off)
        linted_against = previous
        if previous is not None and previous.effective_from == when and \
                same_terms(drawn, text, previous, found.text_of(previous)):
            linted_against = found.on(when - timedelta(days=1)).get(drawn.id)
        findings = cache.findings(linted_against, drawn, text or None, found.other_names(drawn.id))
        before = cache.version_findings(linted_against, found.text_of(linted_against), found.other_names(drawn.id)) \
            if linted_against is not None else []
        _findings(findings, linted_against, before)
        reworded = words_follow(start, new, text) if new is not None and any(
            f.code in WORDS_FOLLOW_FOR for f in findings) else None
        _offer_words(reworded, version, suffix, edit_of)
        st.header("What it changes")
        # against what publishing it replaces on its date (as the linter and the publish check are): the version
        # shown may itself be one to come, and an edit of it published earlier replaces the one in force then
        replaced = previous or (current if found.of(drawn.id) else None)  # None: a new provider
        st.caption(e(f"Against {previous.version}, the version in force on {when:%d %b %Y}: what publishing it from "
                     "that day changes." if previous is not None else
                     f"Against {replaced.version}, the version shown (no version of {drawn.name} is in force on "
                     f"{when:%d %b %Y})." if replaced is not None else
                     f"{drawn.name} is a new provider: no version of it is in force to compare with, so its bands are "
                     "drawn alone."))
        _preview(replaced, drawn)
    st.header("Keep it")
    if new is None:  # where the buttons were: they went without a word (a walkthrough)
        st.error("Nothing can be saved, published or downloaded until the problems said above are fixed. "
                 "Your edits are kept.", icon="🛑")
    else:
        who = signed_by("lab_by", "Your name")
        refused = lint_errors(findings)
        replacing = draft_shown  # the draft shown, saved again (its number may move with its date)
        a, b, c = st.columns(3)
        if a.button("Save as draft", key="lab_draft", width="stretch"):
            _save(new, text, who, None, replacing)
        same = found.nothing_new(new, text)  # the version in force on that day, as it is: nothing to publish
        # warnings about what this edit changed (a clause left saying 75% beside a tier cut to 70%): published only
        # once the author says so, for this set of warnings (another edit's asks again)
        warned = edit_warnings(findings, before)
        noted = edit_notes(findings, before)  # said, no consent asked
        despite = True
        if warned and not refused and same is None:
            seen = hashlib.sha256("\n".join(sorted(f.message for f in warned)).encode()).hexdigest()[:12]
            # where they are is its help: the label in a third of the page was cut at "(un..." (a walkthrough)
            despite = b.checkbox(f"Publish despite {counted(len(warned), 'warning')} about this edit",
                                 key=f"lab_despite_{seen}", help="The warnings are listed under Linter, above.")
        # a day already past changes the answer for payments made since: said and agreed to, for that day (a
        # walkthrough published from six days before with no word of it)
        back_dated = True
        if when < basis().as_of and found.of(new.id) and not refused and same is None:  # a first version replaces none
            back_dated = b.checkbox(f"Publish from a day already past: payments made from {when:%d %b %Y} on are "
                                    "quoted under it from now", key=f"lab_past_{when.isoformat()}",
                                    help="Quotes already saved stay as they were given; opened, they show today's "
                                         "answer beside it.")
        if b.button(f"Publish from {when:%d %b %Y}", key="lab_publish", type="primary", width="stretch",
                    disabled=bool(refused) or same is not None or not despite or not back_dated):
            _save(new, text, who, when, replacing)
        if not refused and same is None and not warned and not said:  # a warning it lists is no "no warning"
            b.caption("No lint error, and no warning about this edit: it can be published." if not noted else
                      "No lint error, and no warning that needs your consent: it can be published (below: how to "
                      "tidy the list its warnings name).")
        was = _renumbered(replacing, new)
        if was and replacing is not None:  # the draft's number follows the date: said before, not found out after
            a.caption(e(f"Draft #{replacing.lab_id} was saved as {was}; saved or published now, it becomes "
                        f"{new.version} (the number follows the date until you type one)."))
        if previous is not None and previous.effective_from == when and previous.version != new.version and \
                same is None and not said:  # said before, not found out after (a walkthrough published twice a day)
            b.caption(e(f"Published from {when:%d %b %Y}, it replaces {previous.version}, in force from that same "
                        f"day: no payment will be quoted under {previous.version} any more."))
        if not found.of(new.id) and not said:  # said before, not only once published (a walkthrough)
            b.caption(e(f"It is {new.name}'s first version: from its date, and for payments before it too, since "
                        "nothing else answers for them."))
        if same and not refused:  # just published: why the button is off, in words that agree with the success
            b.caption(e("Published: nothing more to publish until you edit it again." if said and
                        said.startswith("Published ") else
                        f"Nothing to publish yet: {same}."))
        if refused:
            them = "it" if len(refused) == 1 else "them"
            b.error(e(f"Cannot be published: {counted(len(refused), 'lint error')}. Fix {them}, or save a draft.")
                    + "\n\n" + "\n".join(f"- {e(f.code)}: {e(f.message)}" for f in refused), icon="🛑")
            for fix in _fixes(refused, reworded is not None):
                b.info(e(fix))
        # a warning's way out, beside its "Publish despite": while there is an edit to publish (once published or
        # withdrawn, "publish despite" and how to mend the edit stood beside a button that was off, two walkthroughs)
        for fix in _fixes([*warned, *noted], reworded is not None) if not refused and same is None else ():
            b.info(e(fix))
        if reworded is not None and (refused or warned):  # the one click here too: the other is a screen up
            b.button("Change the words to match", key="lab_words_follow_here", on_click=_words_follow,
                     args=(reworded, version, suffix, edit_of), width="stretch")
        c.download_button("Download this edit as TOML", policy_toml(new), f"{new.id}-{file_part(new.version)}.toml",
                          "application/toml", key="lab_download", on_click="ignore", width="stretch")
        # its text too: `python -m policy lint FILE --text TEXT` checks the quotes against it (linted against the
        # shipped text, a downloaded edit had an error the lab did not show, a walkthrough)
        c.download_button("Download its policy text", text, f"{new.id}-{new.version}.txt", "text/plain",
                          key="lab_download_text", on_click="ignore", width="stretch")
        if said:
            st.success(e(said))
            said = None
    if said:
        said_here.success(e(said))
