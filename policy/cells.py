"""A spreadsheet's cells as people write them -> scenario values (decisions.md 5 "spreadsheet values").

Amounts with a currency sign, en-US thousands separators and spaces; percents with a % sign; providers and
services by id or by the names the app shows (case, accents, spaces and punctuation folded; a provider named by its
web address also without the address's ending); yes/no booleans;
ISO dates (a spreadsheet's date cells arrive so) and day/month orders the user names. Each reader either returns
the value as the scenario takes it or raises ValueError saying what is allowed; the batch names the column.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, Optional

from .fields import FIELDS, FieldSpec
from .models import check_plain, parse_plain
from .records import folded
from .schema import PolicyFile
from .taxonomy import SERVICE_ALSO

DateOrder = Literal["dmy", "mdy"]
DATE_ORDERS: dict[str, str] = {"dmy": "day/month/year (31/12/2026)", "mdy": "month/day/year (12/31/2026)"}

TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})
# not given: also the words a person writes for it ("Not sure", which Am I eligible? itself offers, was refused)
BLANK_WORDS = frozenset({"", "null", "none", "unknown", "not known", "n/a", "na", "?", "not sure", "unsure",
                         "don't know", "don\u2019t know", "dont know", "do not know"})
_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009"), None)  # spaces, no-break and thin spaces
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_SLASHED = re.compile(r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})")
# A month by its English name: '11 Nov 2026', '11-Nov-2026', 'Nov 11, 2026', 'November 11th 2026' (never ambiguous)
_NAMED = re.compile(r"(?:([0-9]{1,2})(?:st|nd|rd|th)?[\s/.-]+([A-Za-z]{3,9})\.?|([A-Za-z]{3,9})\.?[\s/.-]*([0-9]{1,2})"
                    r"(?:st|nd|rd|th)?,?)[\s/.,-]+([0-9]{4})", re.IGNORECASE)


def key(text: str) -> str:
    """How a name is matched: case, accents, spaces and punctuation folded, '&' read as 'and' ('Social Beat Digital'
    -> 'socialbeatdigital'; 'Website design & development' and 'Website design and development', which a sheet wrote
    and was refused, -> 'websitedesignanddevelopment')."""
    return "".join(ch for ch in folded(text.replace("&", " and ")) if ch.isalnum())


def blank(text: str) -> bool:
    return text.strip().lower() in BLANK_WORDS


_PLAIN = re.compile(r"\d+(?:\.\d+)?")  # most cells: nothing to read but the number itself


class Said(ValueError):
    """A refusal whose own words say what is wrong, where the field's rule alone would not ('€500': no dollars)."""


class TwoReadings(Said):
    """A cell that reads as two different values ('3.000': three thousand or three; '0.4': 40% or 0.4%): refused,
    naming both, where reading either one silently quoted another case than the sheet's."""


# a sum in another currency: '€500' and 'EUR 500' were told only "must be an amount such as 8000.00" (a walkthrough)
_OTHER_CURRENCY = re.compile(r"[€£¥₹₩₽¢]|(?<![A-Za-z])(?:EUR|GBP|JPY|INR|CAD|AUD|CHF|MXN|BRL|CNY)(?![A-Za-z])", re.I)
_DECIMAL_COMMA = re.compile(r"[+-]?\d[\d.]*,\d{1,2}")  # '8000,00', '1.200,50': cents after a comma
_DOLLARS = ("US$", "USD", "usd", "$")  # written before the amount, or after it ('1,200 USD', '1200$')


# a dot before each group of three digits: how much of Europe writes thousands ('3.000', '1.200.000'), which read
# with a decimal point was three dollars, quoted without a word (a semicolon-separated sheet, a walkthrough)
_DOT_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+")


def _one_way(bare: str) -> str:
    if _DOT_THOUSANDS.fullmatch(bare):
        whole = int(bare.replace(".", ""))
        if bare.count(".") > 1:  # only thousands: said as this app writes them
            raise TwoReadings(f"has dots between thousands; write {whole:,}.00 (a comma between thousands)")
        if Decimal(bare) != Decimal(bare).quantize(Decimal("0.01")):  # '12.345': no sum in cents with a decimal point
            raise TwoReadings(f"has three decimals: with a dot between thousands it is {whole:,}.00 (write {whole:,}.00 "
                              "if you mean that)")
        raise TwoReadings(f"reads two ways: with a dot between thousands it is {whole:,}.00, with a decimal point "
                          f"{Decimal(bare):.2f}; write the one you mean")
    return bare


def money(text: str) -> Decimal:
    """'$8,000.00', '8 000.00', 'USD 1200', '1,200 USD' -> the amount; anything else as the plain number it must be. A dot before
    three digits and nothing after them ('3.000') is refused (TwoReadings): a dot between thousands or a decimal point."""
    if _PLAIN.fullmatch(text):
        return Decimal(_one_way(text) if text[-4:-3] == "." else text)  # the check only where it can apply: a hot path
    bare = text.translate(_SPACES)
    for sign in _DOLLARS:
        if bare.startswith(sign):
            bare = bare[len(sign):]
            break
        if bare.startswith("-" + sign):
            bare = "-" + bare[1 + len(sign):]
            break
    else:
        bare = next((bare[:-len(sign)] for sign in _DOLLARS if bare.endswith(sign)), bare)
    if _OTHER_CURRENCY.search(bare):
        raise Said("is not in dollars: every amount is in US dollars, such as 8000.00, 8,000.00 or $8,000.00")
    if _DECIMAL_COMMA.fullmatch(bare):
        raise Said("has a decimal comma: write the cents after a point, such as 8000.00, 8,000.00 or $8,000.00")
    if "," in bare:
        if not _THOUSANDS.fullmatch(bare):
            raise ValueError("must be an amount such as 8000.00, 8,000.00 or $8,000.00 (a comma only between "
                             "thousands)")
        bare = bare.replace(",", "")
    try:
        return parse_plain(_one_way(bare))
    except Said:
        raise
    except (ValueError, ArithmeticError):
        raise ValueError("must be an amount such as 8000.00, 8,000.00 or $8,000.00") from None


def percent(text: str) -> Decimal:
    """'40%', '40 %', '37.5' -> the number of percent. A bare number between 0 and 1 ('0.4') is refused: a
    spreadsheet's share (40%) or under one percent (a CSV's 0.4 was quoted at 0.4% done, where the same sheet's
    percent cell read 40%: a walkthrough); with its sign ('0.4%') it is the percent written."""
    if _PLAIN.fullmatch(text):
        return _one_reading(Decimal(text))
    bare = text.translate(_SPACES)
    try:
        return parse_plain(bare.removesuffix("%")) if bare.endswith("%") else _one_reading(parse_plain(bare))
    except TwoReadings:
        raise
    except (ValueError, ArithmeticError):
        if _DECIMAL_COMMA.fullmatch(bare.removesuffix("%")):  # '12,5 %' was told only what a percent may be
            raise ValueError("has a decimal comma: write the decimals after a point, such as 12.5%") from None
        raise ValueError("must be a percent from 0 to 100, such as 40, 40% or 37.5%") from None


def _one_reading(value: Decimal) -> Decimal:
    if 0 < value < 1:
        raise TwoReadings(f"reads two ways: as a share of the whole it is {(value * 100).normalize():f}%, as a "
                          f"percent {value}%; write the one you mean with its % sign")
    return value


def whole_days(text: str) -> int:
    if text.isdigit() and text.isascii():
        return int(text)
    bare = text.translate(_SPACES)
    try:
        return int(check_plain(bare.replace(",", "") if _THOUSANDS.fullmatch(bare) else bare, whole=True))
    except ValueError:
        raise ValueError("must be a whole number of days, such as 7") from None


def truth(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("must be yes or no (also y/n, true/false, 1/0), or blank, unknown or not sure where not known")


EITHER_WAY = " could be "  # in the message of a date read either way: the batch counts such rows by it


def day(text: str, order: Optional[DateOrder] = None) -> date:
    """An ISO date (a spreadsheet's date cell arrives so, with or without a time), or a slashed one: year first,
    or day and month in the order the user named. Where both could be the month and they differ (03/04/2026),
    the order must be named; 25/04/2026 can only be a day first."""
    bare = text.strip()
    iso = bare.split("T")[0].split(" ")[0]
    try:
        return date.fromisoformat(iso)
    except ValueError:
        pass
    found = _SLASHED.fullmatch(iso)
    if not found:
        named = _NAMED.fullmatch(bare)
        if named is None:
            raise ValueError("must be a date: YYYY-MM-DD, 3 Nov 2026, or a spreadsheet's date cell")
        return _named_day(bare, named)
    a, b, c = (int(x) for x in found.groups())
    if len(found.group(1)) == 4:
        year, month, dom = a, b, c
    elif len(found.group(3)) == 4:
        year = c
        if order is not None:
            dom, month = (a, b) if order == "dmy" else (b, a)
        else:  # the readings that are days of the calendar: one is the day; two that differ, the order must be named
            days = {(d, m) for d, m in ((a, b), (b, a)) if _is_day(c, m, d)}
            if len(days) > 1:
                raise ValueError(f"{bare}{EITHER_WAY}{a} {_MONTHS[b - 1]} or {b} {_MONTHS[a - 1]}: say which order the "
                                 "file uses (day/month or month/day), or write YYYY-MM-DD")
            dom, month = days.pop() if days else (a, b)  # none: the calendar's own refusal below
    else:
        raise ValueError("must be a date with a four-digit year: YYYY-MM-DD, or a spreadsheet's date cell")
    try:
        return date(year, month, dom)
    except ValueError:
        if order is not None and month > 12 and _is_day(year, dom, month):  # a day in the other order, not the chosen one
            raise ValueError(f"{bare} is not a date in the order chosen, {DATE_ORDERS[order]}: there is no month "
                             f"{month}; write it in that order, or as YYYY-MM-DD") from None
        raise ValueError(f"{bare} is not a day of the calendar") from None


def written_order(text: str) -> Optional[DateOrder]:
    """The order a slashed date with its year last can only have been written in ('13/11/2026': day first;
    '11/25/2026': month first); None for any other (an ISO date, one either way, or no date)."""
    found = _SLASHED.fullmatch(text.strip())
    if found is None or len(found.group(3)) != 4:
        return None
    a, b = int(found.group(1)), int(found.group(2))
    return "dmy" if b <= 12 < a <= 31 else "mdy" if a <= 12 < b <= 31 else None


def _named_day(bare: str, found: re.Match[str]) -> date:
    """A date whose month is named (in English, in full or its first three letters or more: 'Sept')."""
    dom, word = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
    month = next((i for i, name in enumerate(_MONTHS, 1) if name.lower().startswith(word.lower())), None)
    if month is None:
        raise ValueError(f"{bare}: {word!r} is not a month; write the date as YYYY-MM-DD or 3 Nov 2026")
    try:
        return date(int(found.group(5)), month, int(dom))
    except ValueError:
        raise ValueError(f"{bare} is not a day of the calendar") from None


def _is_day(year: int, month: int, dom: int) -> bool:
    try:
        date(year, month, dom)
    except ValueError:
        return False
    return True


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _lookup(names: Mapping[str, str]) -> dict[str, str]:
    """Each id and each shown name, folded -> the id; and each id as it is written."""
    return {key(shown): value for value, shown in names.items()} | {key(value): value for value in names} | {
        value: value for value in names}


_DOMAIN_END = re.compile(r"\.[a-z]{2,6}$", re.IGNORECASE)


def _without_domain(providers: Mapping[str, str]) -> dict[str, str]:
    """A provider named by its web address, without the address's ending, folded -> the provider: a sheet wrote
    "ITMedia Solutions" for "ITMediaSolutions.us" and was refused. A name two providers would share stays refused."""
    found: dict[str, set[str]] = {}
    for pid, shown in providers.items():
        bare = _DOMAIN_END.sub("", shown)
        if bare != shown:
            found.setdefault(key(bare), set()).add(pid)
    return {name: next(iter(ids)) for name, ids in found.items() if len(ids) == 1}


def _own_names(policies: Mapping[str, PolicyFile], known: Mapping[str, str]) -> dict[str, str]:
    """Each provider's own name for a service, folded -> the service: the calculator shows those ("SEO Services",
    "Website development"), and a sheet copied from it was refused. A name two providers give different services
    would be a guess: it stays refused."""
    ids: dict[str, set[str]] = {}
    for policy in policies.values():
        for sid, service in policy.services.items():
            ids.setdefault(key(service.label), set()).add(sid)
    return {name: next(iter(found)) for name, found in ids.items() if len(found) == 1 and name not in known}


def _with_own(label: str, own: str) -> str:
    """'SEO' and a provider's own name for it, where another: 'SEO, its own name SEO Services'."""
    return label if key(own) == key(label) else f"{label}, its own name {own}"


@dataclass(frozen=True)
class Readers:
    """How one batch reads its cells: names by field (the providers are those of its catalog; a choice field's
    are its declared labels) and the date order the user named, if any. Plain data: it goes to worker processes."""
    names: Mapping[str, Mapping[str, str]]  # field -> folded id or name -> id
    allowed: Mapping[str, str]  # field -> what a cell may say, for the message
    shown: Mapping[str, Mapping[str, str]]  # field -> id -> the name the app shows
    order: Optional[DateOrder] = None
    sold: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # provider -> the services it sells, by id
    own: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (provider, service) -> its own name for it

    def service_refused(self, text: str, provider: str) -> Optional[str]:
        """A service cell no name matches, said for the row's provider: what it sells, by the app's names and its
        own (the list of every service of the app, IT support among them, was no help to a Social Beat row, and left
        out the names Social Beat itself uses: a walkthrough). A guess the provider does not sell is said to be one
        ('Websites' for Step-Into: "did you mean Website design & development?", beside "Step-Into sells PPC", was
        a guess the row could not take, a walkthrough). None for a provider this batch does not know."""
        sold = self.sold.get(provider)
        if sold is None:
            return None
        name = self.shown["provider"][provider]
        guess = self._closest_id("service", text)
        listed = "; ".join(_with_own(self.shown["service"][s], self.own[provider, s]) for s in sold)
        said = f"is no service this app knows; {name} sells {'only ' if len(sold) == 1 else ''}{listed}"
        if guess is None:
            return said
        meant = self.shown["service"][guess]
        if guess not in sold:
            return f"did you mean {meant}? {name} does not sell it. It {said}"
        return f"did you mean {meant}? It {said}"

    @classmethod
    def of(cls, policies: Mapping[str, PolicyFile], order: Optional[DateOrder] = None) -> Readers:
        names: dict[str, dict[str, str]] = {}
        allowed: dict[str, str] = {}
        labels: dict[str, Mapping[str, str]] = {}
        for spec in FIELDS:
            shown = ({p: policy.name for p, policy in policies.items()} if spec.kind == "provider"
                     else spec.choice_labels or dict(zip(spec.choices, spec.choices)) if spec.kind == "choice" else None)
            if shown is not None:
                names[spec.name] = _lookup(shown)
                labels[spec.name] = shown
                allowed[spec.name] = "one of " + ", ".join(f"{v} ({label})" if label != v else v
                                                           for v, label in shown.items())
        names["service"] |= _own_names(policies, names["service"])
        names["service"] = {key(word): sid for sid, words in SERVICE_ALSO.items() for word in words} | names["service"]
        names["provider"] = _without_domain({p: policy.name for p, policy in policies.items()}) | names["provider"]
        allowed["service"] += ", or a provider's own name for it (such as SEO Services), or a common one (such as Google Ads)"
        sold = {p: tuple(policy.services) for p, policy in policies.items()}
        own = {(p, sid): service.label for p, policy in policies.items() for sid, service in policy.services.items()}
        return cls(names, allowed, labels, order, sold, own)

    def read(self, spec: FieldSpec, text: str) -> object:
        """The cell as the scenario takes it; ValueError says what is allowed."""
        kind = spec.kind
        if kind == "money":
            return money(text)
        if kind == "percent":
            return percent(text)
        if kind == "days":
            return whole_days(text)
        if kind in ("tristate", "flag"):
            return truth(text)
        if kind == "date":
            return day(text, self.order)
        if spec.name in self.names:  # a provider or a choice, by id or by the name the app shows
            names = self.names[spec.name]
            found = names.get(text) or names.get(key(text))  # an id as written needs no folding
            if found is None:
                guess = self._closest(spec.name, text)
                said = f"must be {self.allowed[spec.name]}"
                raise ValueError(f"did you mean {guess}? It {said}" if guess else said)
            return found
        return text.strip()

    def _closest(self, field: str, text: str) -> Optional[str]:
        """The name the app shows for the one a misspelt cell most likely meant ('Social Bet Digital': Social Beat
        Digital), where one is close enough; the list of what is allowed alone left the reader to spot it."""
        meant = self._closest_id(field, text)
        return None if meant is None else self.shown[field].get(meant)

    def _closest_id(self, field: str, text: str) -> Optional[str]:
        names, folded = self.names[field], key(text)
        close = difflib.get_close_matches(folded, list(names), n=1, cutoff=CLOSE_ENOUGH)
        if not close and len(folded) >= PREFIX_MIN:  # the start of a long name, misspelt: 'Webiste design' for
            # 'Website design & development' got no suggestion, where 'Websites' did (a walkthrough)
            starts = {name[:len(folded)]: name for name in names}
            close = [starts[s] for s in difflib.get_close_matches(folded, list(starts), n=1, cutoff=CLOSE_ENOUGH)]
        if not close:
            return None
        meant = names[close[0]]
        if any(folded in name and found != meant for name, found in names.items()):
            return None  # a part of two names ('bank transfer': India or international) is no misspelling of one
        return meant


CLOSE_ENOUGH = 0.8  # difflib's ratio: one or two letters wrong in a name; 'acme' is no misspelling of anything
PREFIX_MIN = 8  # letters of a misspelt start of a name that are enough to guess it (fewer: too many names start alike)


# How the template and the page say what a batch accepts, per kind.
SPELLINGS: dict[str, str] = {
    "money": "US dollars: 8000, 8000.00, 8,000.00, $8,000.00 or 8,000 USD",
    "percent": "40, 40% or 37.5% (under one percent with its sign: 0.5%)",
    "days": "a whole number of days",
    "tristate": "yes/no, y/n, true/false, 1/0; blank, unknown or not sure where not known",
    "flag": "yes/no, y/n, true/false, 1/0; blank for no",
    "date": "YYYY-MM-DD, 3 Nov 2026, or a spreadsheet date cell (31/12/2026 with the day/month order named)",
    "provider": "the id or the name the app shows (ITMedia Solutions for ITMediaSolutions.us too)",
    "choice": "the id or the name the app shows",
    "stage": "a stage id of the provider's service",
}
