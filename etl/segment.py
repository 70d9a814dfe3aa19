"""Split an article into paragraphs and say what each one is.

A plain-text capture of a news page holds the story and the site around it.
Provenance needs both (offsets index the whole file), but figures in a
membership appeal are not facts, so every paragraph gets a ``kind``:
``headline``, ``byline``, ``body``, ``caption`` or ``chrome``. The rules are
about how news sites are built in general, not about any one article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.extract.english import MONTH_ABBREVIATIONS, MONTH_NAMES, WEEKDAY_NAMES, first_char_first, fold_case
from etl.text import normalize_quotes, paragraphs, sentences

KINDS = ("headline", "byline", "body", "caption", "chrome")


@dataclass(frozen=True)
class Segment:
    ordinal: int
    kind: str
    start: int
    end: int
    text: str


# Site furniture found across English news sites: navigation, membership and
# donation appeals, newsletter forms, promo boxes, read-time and audio notes.
# Strong signs mark a paragraph of any length; weak ones (words a story could
# use) only a short one.
# Each sign is a regex fragment; a paragraph is chrome when one matches it anywhere (opening signs: at its start).
# They run on fold_case(paragraph), case-sensitive, and open with literals (first_char_first): a fast scan.
_CHROME_STRONG = re.compile(
    first_char_first(
        [
            r"\bsupport\ (?:independent|quality|our)\ journalism\b",
            r"\bbecome\ a\ (?:subscriber|patron)\b",
            r"\bindicates\ required\b",
            r"\benter\ your\ email\b",
            r"\bnewsletter\b",
            r"\ball\ rights\ reserved\b",
            r"\baudio\ is\ (?:created|generated)\b",
            r"\blisten\ to\ (?:this|the)\ (?:article|story)\b",
            r"\bclick\ here\b",
            r"\bmin(?:ute)?s?\ read$",
        ]
    ),
    re.VERBOSE,
)
_CHROME_STRONG_OPENING = re.compile(r"skip\ to\ (?:content|main)", re.VERBOSE)
_CHROME_WEAK = re.compile(
    first_char_first(
        [
            r"\bdonate\b",
            r"\bsubscribed?\b",
            r"\bsign\ up\b",
            r"\bemail\ address\b",
            r"\beditors?'?\ picks\b",
            r"\bsupport\ us\b",
            r"\bcookies?\b",
            r"\bleave\ a\ (?:reply|comment)\b",
            r"\bbecome\ a\ member\b",
            r"\bjoin\ the\ (?:conversation|discussion)\b",
            r"\bwatch\ (?:the\ )?video\b",
            r"\bfollow\ (?:us|[a-z]+)\ on\ (?:twitter|facebook|telegram|google)",
        ]
    ),
    re.VERBOSE,
)
_CHROME_WEAK_OPENING = re.compile(
    r"""
    edit\ post$ | advertisement$ | menu$ | share(?:\ this)?(?:\ article|\ story)?$ | ©
    | (?:see\ also|read\ (?:more|also)|related|more\ on\ this|watch|listen|recommended)\s*: | follow\ us\b
    | show\ (?:more|less)$ | load\ more\b | (?:[0-9]+\ )?comments?$
    | (?:save|print|email|bookmark|copy\ link|close|expand|tweet|like|reply|back\ to\ top)$
    | related(?:\ topics|\ articles|\ stories|\ content|\ coverage)?$ | (?:top|more|latest)\ stories$
    | most\ (?:read|popular|viewed|shared)$ | more\ on\ this\ (?:story|topic)$
    | you\ (?:may|might)\ also\ (?:like|be\ interested\ in)\b
    """,
    re.VERBOSE,
)
SHORT = 30  # words
_CARD_BRANDS = re.compile(  # on fold_case(paragraph)
    first_char_first(rf"\b{b}\b" for b in ("visa", "mastercard", "american ?express", "paypal", "discover"))
)
_BYLINE = re.compile(r"^(?:by|(?:with\ )?(?:additional\ )?reporting\ by|written\ by|compiled\ by)\s+\S", re.I | re.X)
# A credit: "(Photo: ...)" closed later in the paragraph (_photo_credit checks the bracket), "Photo by", ...
# A paragraph that only dates the article: "Published June 22, 2023", "Updated: 18.05.2023, 18:28",
# "Thursday, 18 May 2023 10:14 GMT", "Updated 14:05 GMT, December 19, 2023". A byline (kept, not blanked), never a
# promo title.
_MONTH = "|".join(MONTH_NAMES) + "|" + "|".join(a.capitalize() for a in MONTH_ABBREVIATIONS)
_CLOCK = r"\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,4}|\s*[+-]\d{2}:?\d{2})?"
_DATELINE = re.compile(
    rf"(?i:(?:published|updated|posted|last\ updated|first\ published)(?:\ on)?:?\s+)?"
    rf"(?:{_CLOCK},?\s+)?"  # "Updated 14:05 GMT, December 19, 2023"
    rf"(?:(?:{'|'.join(WEEKDAY_NAMES)}),?\s+)?"
    rf"(?:(?:{_MONTH})\.?\s+\d{{1,2}},?\s*\d{{4}}|\d{{1,2}}\s+(?:{_MONTH})\.?\s+\d{{4}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(?:,?\s*(?:at\s+)?{_CLOCK})?\s*"
)
_WORDS = re.compile(r"[^\W\d_]{3,}")  # a word of three letters or more
_WIDGET_SIGN = re.compile(r"[↺↻⟲⟳−＋✕×▲▼◀▶►◄☰⋮…]|\bpx\b")  # controls of a font-size or menu widget
_PHOTO_BRACKET = re.compile(r"\((?:photo|photograph|image|video|pictured)\b", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(  # on fold_case(paragraph)
    first_char_first(
        [
            r"\bphoto(?:graph)?\s*(?:by|:|credit)",  # "Photograph: Reuters" (Guardian style) too
            r"\bpicture\s*(?:by|:)",
            r"\bimage\s*(?:by|:|credit|caption|source)",  # BBC: "Image caption, ...", "Image source, Getty"
            r"via\ getty\ images",
            *(rf"\b{agency}\s+(?:photo|images)\b" for agency in ("ap", "afp", "reuters", "epa", "getty")),
        ]
    ),
    re.VERBOSE,
)
_REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells|according|announced|reported|will|would|has|have|had|was|were|is\ to)\b"
    r"|\b\w{3,}ed\b|[\"“”]",  # \b: from word starts only; from every letter of a long word was quadratic
    re.IGNORECASE,
)


def segment(text: str, title: str | None = None) -> list[Segment]:
    """Paragraphs of ``text`` with their kind; ``title`` (from sources.yml) identifies the headline."""
    spans = list(paragraphs(text))
    folded = fold_case(text)
    kinds = [_furniture(text[s:e], folded[s:e]) for s, e in spans]
    _promo_titles(text, spans, kinds)
    _headline(text, spans, kinds, title)
    _lead_caption(text, spans, kinds)
    return [
        Segment(i + 1, kind or "body", s, e, text[s:e])
        for i, ((s, e), kind) in enumerate(zip(spans, kinds, strict=True))
    ]


def _furniture(para: str, folded: str) -> str | None:
    """The kind a paragraph's own words give it; ``folded``: fold_case(para), for the chrome signs."""
    if _BYLINE.match(para) or _DATELINE.fullmatch(para):
        return "byline"
    if not _WORDS.search(para) and (not any(c.isdigit() for c in para) or _WIDGET_SIGN.search(para)):
        return "chrome"  # widgets and separators: "+ ↺ − 16 px", "* * *" (not a price: "$99.99")
    if _CHROME_STRONG_OPENING.match(folded) or _CHROME_STRONG.search(folded):
        return "chrome"
    if len(para.split()) <= SHORT and (_CHROME_WEAK_OPENING.match(folded) or _CHROME_WEAK.search(folded)):
        return "chrome"
    if len(_CARD_BRANDS.findall(folded)) >= 2:
        return "chrome"
    if _photo_credit(para, folded):
        return "caption"
    return None


def _photo_credit(para: str, folded: str) -> bool:
    r"""A photo credit in the paragraph. "(Photo ...)" is the first "(Photo" with any ")" after it: the regex
    ``\(photo\b[^)]*\)`` means the same but rescans the rest of the paragraph from every "(photo" (quadratic)."""
    bracket = _PHOTO_BRACKET.search(para)
    return (bracket is not None and para.find(")", bracket.end()) >= 0) or _PHOTO_CREDIT.search(folded) is not None


def _is_heading(para: str) -> bool:
    return len(para.split()) <= 12 and not para.rstrip("\"'”’)").endswith((".", "!", "?"))


def _promo_titles(text: str, spans: list[tuple[int, int]], kinds: list[str | None]) -> None:
    """A heading that introduces a promo box is part of the box, and so is a run of them ("Related Topics", then a
    topic's name, then "More on this story")."""
    for i in reversed(range(len(spans) - 1)):
        if kinds[i] is None and kinds[i + 1] == "chrome" and _is_heading(text[slice(*spans[i])]):
            kinds[i] = "chrome"


def _headline(text: str, spans: list[tuple[int, int]], kinds: list[str | None], title: str | None) -> None:
    wanted = normalize_quotes(title).strip().casefold() if title else None
    for i, (s, e) in enumerate(spans):
        if wanted is not None and normalize_quotes(text[s:e]).strip().casefold() == wanted:
            kinds[i] = "headline"
            return
    for i, kind in enumerate(kinds):  # no title given, or not found: the first paragraph of content
        if kind is None:
            kinds[i] = "headline"
            return


def _lead_caption(text: str, spans: list[tuple[int, int]], kinds: list[str | None]) -> None:
    """The lead photo's caption sits between headline and story: one short sentence, present tense,
    no attribution, followed by a longer paragraph. A lede is longer, past or future tense, or attributed."""
    if "headline" not in kinds:
        return
    i = kinds.index("headline") + 1
    while i < len(spans) and kinds[i] in ("byline", "chrome", "caption"):
        if kinds[i] == "caption":
            return  # the lead photo already has its credited caption
        i += 1
    if i + 1 >= len(spans) or kinds[i] is not None:
        return
    para = text[slice(*spans[i])]
    nxt = text[slice(*spans[i + 1])]
    if (
        len(sentences(para)) == 1
        and len(para.split()) <= 25
        and not _REPORTING.search(para)
        and len(nxt) > 1.5 * len(para)
    ):
        kinds[i] = "caption"
