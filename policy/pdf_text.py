"""A PDF summary's text in fonts that draw it: which font draws each character, and what none of them can.

reportlab draws a character its font lacks as nothing: a client named "Zoë 中文 Ōsaka" was "Zoë    saka" in the PDF
(a walkthrough). Each run of characters gets the first font that has them:
- Vera, reportlab's own (embedded), for the text the app writes and Western names: the summary looks as it did;
- DejaVu Sans (embedded; `policy/fonts`, from Debian's fonts-dejavu-core, its licence beside it) for the rest of
  the Latin, Greek and Cyrillic scripts and many symbols;
- reportlab's CID fonts for Chinese, Japanese and Korean (the reader's own, not embedded: PDF readers supply them).
Right-to-left scripts (Arabic, Hebrew) and emoji are drawn by none: reportlab would set Arabic letters left to right
and unjoined, which reads as another word. They are left out of the PDF and said where the PDF is offered
(not_drawn), so nobody sends a document that lost a name without knowing.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape

FONTS = Path(__file__).with_name("fonts")
SECOND = "DejaVuSans"
# (first, last) code points -> the CID font that draws them
CID_RANGES = (
    ((0x1100, 0x11FF), "HYSMyeongJo-Medium"), ((0x3130, 0x318F), "HYSMyeongJo-Medium"),
    ((0xAC00, 0xD7AF), "HYSMyeongJo-Medium"),  # Hangul
    ((0x3040, 0x30FF), "HeiseiMin-W3"), ((0x31F0, 0x31FF), "HeiseiMin-W3"), ((0xFF65, 0xFF9F), "HeiseiMin-W3"),  # kana
    ((0x3000, 0x303F), "STSong-Light"), ((0x3400, 0x4DBF), "STSong-Light"), ((0x4E00, 0x9FFF), "STSong-Light"),
    ((0xF900, 0xFAFF), "STSong-Light"), ((0xFF01, 0xFF60), "STSong-Light"),  # Han, CJK punctuation, full width
)
UNSEEN = {"Cf", "Mn", "Me", "Cc"}  # joiners, variation selectors, combining marks left after NFC: nothing to say


@lru_cache(maxsize=1)
def registered() -> dict[str, frozenset[int]]:
    """Register the fonts with reportlab (once a process: reportlab's registry is its own) and return what each
    TrueType font draws. The shipped files never change while the process runs."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    own = Path(str(reportlab.__file__)).parent / "fonts"
    drawn: dict[str, frozenset[int]] = {}
    for name, file in (("Vera", own / "Vera.ttf"), ("Vera-Bold", own / "VeraBd.ttf"),
                       ("Vera-Italic", own / "VeraIt.ttf"), (SECOND, FONTS / "DejaVuSans.ttf")):
        font = TTFont(name, str(file))
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(font)
        drawn[name] = frozenset(font.face.charToGlyph)
    for name in dict.fromkeys(font for _, font in CID_RANGES):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(name))
    return drawn


def _font_of(ch: str, first: str) -> Optional[str]:
    """The font that draws `ch` in a paragraph set in `first` (None: none does; '' for `first` itself)."""
    drawn = registered()
    point = ord(ch)
    if point in drawn[first] or unicodedata.category(ch) in UNSEEN:
        return ""
    if unicodedata.bidirectional(ch) in ("R", "AL", "AN") or point > 0xFFFF:  # beyond the first plane (emoji):
        return None  # reportlab writes its text map wrong (an odd-length code), and readers cannot copy the text
    if point in drawn[SECOND]:
        return SECOND
    return next((font for (low, high), font in CID_RANGES if low <= point <= high), None)


def marked(text: str, first: str = "Vera") -> str:
    """`text` as paragraph markup for a paragraph set in `first`: escaped, each run another font draws in that font,
    what none draws left out."""
    out: list[str] = []
    run: list[str] = []
    font: Optional[str] = ""

    def close() -> None:
        if run:
            body = escape("".join(run))
            out.append(f'<font name="{font}">{body}</font>' if font else body)
            run.clear()

    for ch, of in _kept(text, first):
        if of != font:
            close()
            font = of
        run.append(ch)
    close()
    return "".join(out)


def _kept(text: str, first: str) -> list[tuple[str, Optional[str]]]:
    """Each character the PDF draws, with its font: what none draws left out with the spaces around it, one space
    staying between two words ("Zoë 😀 Smith" -> "Zoë Smith"; "Zoë 😀:" -> "Zoë:", not "Zoë :")."""
    chars = [(ch, _font_of(ch, first)) for ch in unicodedata.normalize("NFC", text)]
    kept: list[tuple[str, Optional[str]]] = []
    i = 0
    while i < len(chars):
        if chars[i][1] is not None and not (chars[i][0].isspace() and _drops_from(chars, i)):
            kept.append(chars[i])
            i += 1
            continue
        end = i
        while end < len(chars) and (chars[end][1] is None or chars[end][0].isspace()):
            end += 1  # the run of left-out characters and the spaces around them
        before = kept[-1][0] if kept else ""
        after = chars[end][0] if end < len(chars) else ""
        if before.isalnum() and after.isalnum():
            kept.append((" ", ""))
        i = end
    return kept


def _drops_from(chars: list[tuple[str, Optional[str]]], i: int) -> bool:
    """Whether the spaces from `i` lead to a character left out (they go with it)."""
    while i < len(chars) and chars[i][0].isspace():
        i += 1
    return i < len(chars) and chars[i][1] is None


def not_drawn(text: str) -> str:
    """The characters of `text` the PDF leaves out, each once, in their order ('' where it draws them all)."""
    return "".join(dict.fromkeys(ch for ch in unicodedata.normalize("NFC", text)
                                 if unicodedata.category(ch) not in UNSEEN and _font_of(ch, "Vera") is None))
