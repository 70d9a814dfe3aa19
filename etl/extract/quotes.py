"""Find every quoted string in a news article and say who it is attributed to.

Quotes are evidence: a fact quoting a person must carry the exact span and its
speaker. The rules follow docs/extraction.md "Quotes" and English news style in
general (``"…," X said``, ``said X``, ``X said "…"``, ``according to X``, ``X: ‘…’``).

Work is linear in the text: one pass over the quote marks of each paragraph, tokens
only for sentences that quote or hold a verb of saying, and a bounded look around each
attribution. Names for surname look-ups are indexed lazily, each stretch of text once.

Decisions where the page is silent or ambiguous:
- Nested quotes are part of the outer quote and are not reported on their own.
- A straight ``"`` inside an open double quote opens a nested quote only where an
  opener can stand (after a space, bracket or dash) and a word follows; otherwise it closes.
  A ``‘`` opens only before a letter (``‘90s`` is an elision). A closing double mark also
  closes single quotes left open inside it. A straight ``'`` quotes like ``‘``/``’`` (British copy), but only
  words closed in their paragraph with a space inside: ``rock 'n' roll`` and ``'til dawn`` are not quotes.
- Titles are stripped before looking for a known alias, so a name wins over an
  organisation in its title: ``Kremlin spokesman Dmitry Peskov`` → ``Dmitry Peskov``,
  ``European Commission President Ursula von der Leyen`` → the von der Leyen entity.
  A proper-noun subject resolves to an entity only when an alias ends it
  (``Ukraine's Defense Ministry`` stays ``Ukraine's Defense Ministry``, not Ukraine).
  A common-noun subject (``the official EU statement``, ``a senior U.S. official``)
  takes the entity of the alias it contains, as the page says; with no alias it is
  kept as written without its article (``senior official``).
- An organisation name is kept with its possessive owner and without a leading article
  (``the Russian Defense Ministry`` → ``Russian Defense Ministry``).
- ``it`` resolves like ``he``/``she``/``they`` (``It said in a statement``).
- Verbs of saying beyond the page's list: told, stressed, insisted, urged, explained, asked, replied,
  confirmed, argued, vowed, wrote, called, described, accused, denied, spoke… in any tense. Forms that are
  as often nouns (``calls``, ``claims``, ``reports``) attribute only after a name or pronoun; ``states`` never
  (United States). ``X, <apposition>, said`` (an age or a participle too: ``Kovalenko, 54, said``, ``Peskov,
  asked about it, said``) and ``said X, <title>`` take X; ``the governor, Pavlo Kyrylenko, said`` takes the name.
  ``…, adding`` and ``but added`` share the sentence's subject.
- Heading credits: ``Name: ‘…’`` as the page says, and also ``“…” – Name`` (quote, dash, name).
- Subjects of passives (``was told``) and possessives (``Russia's stated aim``) are not speakers.
- A paragraph that opens with a quote right after a paragraph whose quote ran
  unclosed to its end continues that speaker (the news convention for long quotes).
- "The nearest attribution in the same sentence" is read the way English news writes: one right after the
  quote (``"…," X said``) first, else the nearest one before it (``X said … "…"``), else a later one set off
  by a comma (``The bloc's "support" will continue, Borrell said.``). So in ``Peskov told reporters it was a "positive
  dynamic" in what Moscow calls its "special military operation"`` the first quote is Peskov's, the second Moscow's.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from etl.extract.base import Entity, Mention, Quote
from etl.extract.english import ABBREVIATIONS, BE, TOKEN, first_char_first, fold_case, paragraphs, sentences
from etl.extract.entities import alternation, mention_finder

__all__ = ["find_quotes"]

# --- quote marks -------------------------------------------------------------------------------------------------

_ADJACENT = re.compile(r"[\s,;:—–-]*")  # what may stand between a quote and an attribution that follows it
_MARK = re.compile("[\"“”‘’']")
_OPENER_AFTER = frozenset("([{-–—“‘")
# A quotation mark after these words opens a title ("a report titled “The Meat Grinder”"): not a quote.
_TITLE_BEFORE = re.compile(r"\b(?:titled|entitled|headlined)[,:]?[ \t]*$", re.IGNORECASE)


def _scan(text: str, ps: int, pe: int) -> list[tuple[int, int, bool]]:
    """(start, end, closed) of each outermost quote in the paragraph text[ps:pe], one pass over its marks."""
    out: list[tuple[int, int, bool]] = []
    stack: list[str] = []  # "d" double, "s" single, "q" straight single
    doubles = 0
    outer = -1
    for m in _MARK.finditer(text, ps, pe):
        i = m.start()
        c = text[i]
        nxt = text[i + 1] if i + 1 < pe else ""
        prev = text[i - 1] if i > ps else " "
        can_open = bool(nxt) and not nxt.isspace() and (prev.isspace() or prev in _OPENER_AFTER)
        if c == "’":
            if nxt.isalpha() or not stack or stack[-1] != "s":  # an apostrophe, or nothing to close
                continue
            stack.pop()
        elif c == "'":  # as ‘ and ’, but a quote of more than one word, closed in its paragraph
            if stack and stack[-1] == "q" and not nxt.isalpha():
                stack.pop()
                if not stack and " " not in text[outer:i]:
                    outer = -1  # "rock 'n' roll", a one-word 'scare quote': not reported
                    continue
            elif can_open and nxt.isalpha() and "q" not in stack:
                stack.append("q")
            else:
                continue
        elif c == "‘":
            if not (can_open and nxt.isalpha()):
                continue
            stack.append("s")
        elif doubles and not (can_open and (c == "“" or (c == '"' and (nxt.isalnum() or nxt in "‘“")))):
            while stack.pop() != "d":  # close the innermost double, and any single left open inside it
                pass
            doubles -= 1
        elif can_open:
            stack.append("d")
            doubles += 1
        else:
            continue
        if not stack:
            out.append((outer, i + 1, True))
            outer = -1
        elif outer < 0:
            outer = i
    if stack and stack[0] != "q":  # a straight single left open is an apostrophe ("'til dawn"), not a quote
        out.append((outer, pe, False))
    return out


# --- tokens ------------------------------------------------------------------------------------------------------

_TOKEN = TOKEN


class _Tok(NamedTuple):
    """A word ("w"), punctuation mark ("p") or whole quote ("q"), with what the rules ask of it precomputed.
    A tuple: a sentence's tokens are built by the hundred thousand, and ``_tokens`` makes each one without a
    Python-level constructor call (``_new``), which halves the cost of tokenising."""

    start: int
    end: int
    text: str
    kind: str
    low: str  # lower case for a word, else the text
    cap: bool  # a word starting in a capital


_new = tuple.__new__


def _words(*groups: str) -> frozenset[str]:
    return frozenset(w for g in groups for w in g.split())


# Verbs of saying in any tense. Forms that are mostly nouns in news copy ("reports", "claims", "calls",
# "states" as in United States) are left out.
_VERBS = _words(
    "say says said tell tells told add adds added warn warns warned write writes wrote written",
    "hail hails hailed reported stated announce announces announced claimed noted stress stresses stressed",
    "insist insists insisted urge urges urged explain explains explained declare declares declared",
    "ask asks asked reply replies replied respond responds responded confirm confirms confirmed",
    "emphasize emphasizes emphasized emphasise emphasises emphasised argue argues argued",
    "speak speaks spoke shout shouts shouted exclaimed",
    "acknowledge acknowledges acknowledged admit admits admitted vow vows vowed pledged promised",
    "predict predicts predicted tweeted posted commented remarked cautioned concede concedes conceded",
    "recalled suggest suggests suggested describe describes described called dubbed branded labeled labelled",
    "accuse accuses accused deny denies denied threaten threatens threatened demanded answered",
    "plead pleads pleaded beg begs begged cried screamed whispered joked quipped sighed observes observed",
    "lament laments lamented boasted retort retorts retorted countered",
    "reiterate reiterates reiterated assert asserts asserted recounted recalls muttered wondered",
)
# Forms that are nouns as often as verbs: they attribute only after a name or a pronoun ("what Moscow calls").
_NOUN_LIKE_VERBS = _words("calls claims reports notes posts tweets comments remarks pledges promises demands")
# -ing forms: after a comma or "and" they share the clause's subject ("…, adding that"); after a name, that name.
_PARTICIPLES = _words(
    "saying telling adding writing noting stressing insisting urging explaining declaring arguing claiming",
    "announcing stating asking replying responding confirming emphasizing emphasising acknowledging admitting",
    "vowing pledging predicting tweeting commenting conceding suggesting describing accusing denying",
    "pleading lamenting reiterating asserting recalling",
)
_PARTICIPLES_AFTER_COMMA_ONLY = _words("warning calling posting promising threatening demanding hailing")
# Any word that may attribute: sentences without one (and without a quote) need no closer look. Run on the
# fold_case of the text, so case-sensitive and opening with literals (a fast scan: first_char_first).
_CUE_WORDS = [*_VERBS, *_NOUN_LIKE_VERBS, *_PARTICIPLES, *_PARTICIPLES_AFTER_COMMA_ONLY, "according"]
_CUE = re.compile(
    first_char_first(
        rf"\b{c}{alternation(w[1:] for w in _CUE_WORDS if w[0] == c)}\b" for c in sorted({w[0] for w in _CUE_WORDS})
    )
)
_MODALS = _words("would will can could should may might must shall")
_ANY_VERB = _VERBS | _NOUN_LIKE_VERBS | _PARTICIPLES | _PARTICIPLES_AFTER_COMMA_ONLY
_PRONOUNS = _words("he she they it")
_NOT_SPEAKERS = _words("i we you this that these those which who what there here one the a an his her its their")
_BE = _words("is are was were be been being am 's")
_SKIP = _words(
    "has have had will would could should can may might must did does do also later earlier previously then",
    "further again once recently repeatedly separately reportedly publicly privately openly already still even",
    "just now himself herself itself themselves all both never not n't since first last today yesterday",
)
_LY_NOUNS = _words("family ally rally assembly supply monopoly anomaly italy july")
_DETERMINERS = _words("the a an this that these those his her its their our my your one another some")
_NP_PREPS = _words("of for from by")
_STOP = (
    _words(
        "that which who whom whose when while where as because if but and or nor so than though although after",
        "before since until unless whether on in at with without into onto over under about during against between",
        "among through toward towards across near amid despite via per like upon within regarding following",
        "including to not quoted cited is are was were be been being am has have had will would could should can",
        "may might must did does do according what how why",
    )
    | _VERBS
    | _PARTICIPLES
    | _PARTICIPLES_AFTER_COMMA_ONLY
)
_APPOSITION_OPENERS = _words(
    "a an the who which whose one another his her its their also now himself herself itself in at on during after",
    "before while when with without for from by via through speaking writing according",
)
_PARTICLES = _words("von van der den de del della di da du la le ter ten al el bin ibn dos das")
_CONNECTORS = _words("of the for and")
# Words that name an office or a body; what follows them in a capitalised run is the person's name.
_TITLES = _words(
    "president vice prime minister deputy foreign chancellor secretary general gen lt lieutenant col colonel maj",
    "major capt captain sgt sergeant adm admiral brig commander chief spokesman spokeswoman spokesperson press",
    "ambassador envoy governor gov mayor senator sen rep representative congressman congresswoman speaker",
    "chairman chairwoman chair head director mr mrs ms dr prof professor king queen pope prince princess sheikh",
    "emir commissioner premier leader patriarch judge justice attorney prosecutor ombudsman marshal adviser",
    "advisor aide official officer coordinator founder ceo lord lady sir dame archbishop bishop cardinal rev",
    "high first affairs defense defence security policy interior state",
)
# Role nouns beyond titles; and title words that are no person ("the policy said").
_PERSON_NOUNS = _words(
    "businessman businesswoman tycoon oligarch financier billionaire politician lawmaker legislator diplomat",
    "general analyst expert veteran strongman warlord mercenary boss",
)
_NOT_PERSON = _words("first affairs defense defence security policy interior state high foreign deputy vice press")
_ORG_HEADS = _words(
    "ministry office council commission parliament government agency service staff command department committee",
    "forces army navy guard court bank union group company corporation house kremlin pentagon administration",
    "assembly cabinet directorate intelligence embassy mission organization organisation alliance party fund",
    "institute center centre bureau authority authorities summit",
)
_DOC_HEADS = _words(
    "statement report communique communiqué readout post letter message declaration decree tweet release",
    "resolution document conclusions text",
)
# Capitalised words that start sentences or name days, never part of a person's name.
_BREAKERS = _words(
    "the a an on in at but and as when while after before since if meanwhile however also then this that these",
    "those it he she they we i earlier later last next speaking asked according standing regarding furthermore",
    "moreover still yet so there here what with without for from by to of",
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august",
    "september october november december jan feb mar apr jun jul aug sep sept oct nov dec",
)
_RUN_EDGES = _CONNECTORS | _BREAKERS
# Two or more words starting in a capital (name particles between them): where full names can be.
_CAPS_RUN = re.compile(
    rf"(?<![\w.])[^\W\d_a-z][\w'’.\-]*(?:[ \t]+(?:{alternation(_PARTICLES)}[ \t]+)*[^\W\d_a-z][\w'’.\-]*)+"
)


def _is_title(tok: _Tok) -> bool:
    low = tok.low.rstrip(".")
    return low in _TITLES or any(part in _TITLES for part in low.split("-") if part)


def _is_person_noun(tok: _Tok) -> bool:
    """A word for a person by office or role: the head of a description that names someone again."""
    if tok.kind != "w" or tok.cap:
        return False
    return tok.low in _PERSON_NOUNS or (_is_title(tok) and tok.low not in _NOT_PERSON)


def _is_possessive(tok: _Tok) -> bool:
    return tok.text.endswith(("'s", "’s"))


def _abbrev_dot(toks: Sequence[_Tok], j: int) -> bool:
    """A "." that belongs to the word before it (``Gen.``, ``J.``), not a sentence end."""
    if toks[j].text != "." or j == 0:
        return False
    before = toks[j - 1]
    return (
        before.kind == "w"
        and before.end == toks[j].start
        and ((len(before.text) == 1 and before.text.isupper()) or before.low in ABBREVIATIONS)
    )


# --- state -------------------------------------------------------------------------------------------------------

_PRONOUN = object()  # a subject that stands for the last named speaker


@dataclass
class _Attribution:
    start: int  # the anchor: the subject and its verb (or "according to X", or "X:")
    end: int
    speaker: str | None


class _Reader:
    """Walks an article's sentences in order, remembering the last speaker and the full names seen."""

    def __init__(self, text: str, entities: Sequence[Entity]) -> None:
        self.text = text
        self.mentions = mention_finder(entities)
        self._found: dict[str, list[Mention]] = {}
        self.names = {e.id: e.name for e in entities}
        self.last: str | None = None
        self.full_names: dict[str, str] = {}  # surname → the full name last written before ``indexed``
        self.indexed = 0

    # names ----------------------------------------------------------------------------------------------------

    def _span(self, toks: Sequence[_Tok]) -> str:
        return " ".join(self.text[toks[0].start : toks[-1].end].split())

    def _entity(self, phrase: str, at_end: bool) -> str | None:
        """The entity named by an alias in ``phrase`` (the alias ending it, when ``at_end``), if any."""
        found = self._found.get(phrase)
        if found is None:  # subjects recur ("Zelensky said", "he told"): each phrase is looked up once
            found = self._found[phrase] = self.mentions(phrase)
        if at_end:
            found = [m for m in found if m.end == len(phrase)]
        return self.names[found[-1].entity_id] if found else None

    def full_name(self, surname: str, before: int) -> str:
        """The full name (without titles) last written before ``before`` that ends in ``surname``, else the surname.

        Names are indexed lazily, each stretch of text once, so surname look-ups stay linear overall.
        """
        for m in _CAPS_RUN.finditer(self.text, self.indexed, before):
            toks = _tokens(self.text, m.start(), m.end(), [])
            i, n = 0, len(toks)
            while i < n:
                j = i
                while j < n and (
                    (toks[j].cap and toks[j].low not in _BREAKERS)
                    or (j > i and toks[j].low in _PARTICLES and j + 1 < n and toks[j + 1].cap)
                    or (j > i and _abbrev_dot(toks, j))
                ):
                    j += 1
                if j - i >= 2:
                    name = _proper_name(toks[i:j])
                    if 2 <= sum(t.kind == "w" for t in name) <= 4 and not any(_is_title(t) for t in name):
                        self.full_names[name[-1].text] = self._span(name)
                i = j + 1
        self.indexed = max(self.indexed, before)
        return self.full_names.get(surname, surname)

    def speaker_of(self, np: Sequence[_Tok]) -> str | object | None:
        """Who a subject noun phrase names: an entity, a name without titles, a pronoun, or the phrase itself."""
        if not np or _is_possessive(np[-1]):
            return None
        if len(np) == 1 and np[0].low in _PRONOUNS:
            return _PRONOUN
        if len(np) == 1 and np[0].low in _NOT_SPEAKERS:
            return None
        phrase = self._span(np)
        head = np[-1]
        if head.cap or _abbrev_dot(np, len(np) - 1):
            entity = self._entity(phrase, at_end=True)
            if entity:
                return entity
            name = _proper_name(np)
            if not name:
                return None
            written = self._span(name)
            if len(name) == 1:
                return self._entity(written, at_end=True) or self.full_name(written, np[0].start)
            return written
        if np[0].low == "the" and _is_person_noun(head) and self.last is not None:
            return _PRONOUN  # "the former Norwegian prime minister said": the person last quoted, named again
        entity = self._entity(phrase, at_end=False)
        if entity:
            return entity
        words = [t for t in np if t.kind == "w"]
        if head.low in _DOC_HEADS:  # "the Defense Ministry's statement" → the ministry
            owner = [t for t in np if t.cap and t.low not in _BREAKERS]
            if owner:
                name = self._span(owner)
                return name[:-2] if name.endswith(("'s", "’s")) else name
        while words and words[0].low in _DETERMINERS:
            words = words[1:]
        if not words or all(w.low in _STOP or w.low in _SKIP for w in words):
            return None
        return self._span(words)

    def resolve(self, who: str | object | None) -> str | None:
        """A pronoun becomes the last named speaker; a name becomes the new last speaker."""
        if who is _PRONOUN:
            return self.last
        if isinstance(who, str):
            self.last = who
            return who
        return None

    # attributions ---------------------------------------------------------------------------------------------

    def attributions(self, toks: Sequence[_Tok]) -> list[_Attribution]:
        """Every attribution in one sentence, in order, with its speaker resolved."""
        out: list[_Attribution] = []
        credit = _heading_credit(toks)
        if credit is not None:
            s, e = credit
            speaker = self.resolve(self.speaker_of(toks[s:e]))
            if speaker:
                out.append(_Attribution(toks[s].start, toks[e - 1].end, speaker))
        for i, tok in enumerate(toks):
            if tok.kind != "w":
                continue
            low = tok.low
            if low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to":
                at = _author(toks, i + 2)
                end = _np_forward(toks, at)
                if end is not None:
                    speaker = self.resolve(self._subject_after(toks, at, end))
                    if speaker:
                        out.append(_Attribution(tok.start, toks[end - 1].end, speaker))
                continue
            if low not in _ANY_VERB:
                continue
            found = self._verb(toks, i, out[-1].speaker if out else None)
            if found is not None:
                start, end, who = found
                speaker = self.resolve(who)
                if speaker:
                    out.append(_Attribution(start, end, speaker))
        return out

    def _subject_after(self, toks: Sequence[_Tok], start: int, end: int) -> str | object | None:
        """The subject of ``said X`` / ``according to X``, preferring a name set off after a title
        (``the head of the Wagner Group, Yevgeny Prigozhin``)."""
        np = toks[start:end]
        if not _name_like(np) and end + 1 < len(toks) and toks[end].text == ",":
            k = end + 1
            while k < len(toks) and (toks[k].cap or toks[k].low in _PARTICLES or _abbrev_dot(toks, k)):
                k += 1
            if k > end + 1 and toks[k - 1].cap and (k == len(toks) or toks[k].kind == "p"):
                np = toks[end + 1 : k]
        return self.speaker_of(np)

    def _verb(self, toks: Sequence[_Tok], i: int, previous: str | None) -> tuple[int, int, object] | None:
        """(anchor start, anchor end, subject) of the verb of saying at toks[i], or None if it attributes nothing."""
        verb = toks[i]
        low = verb.low
        participle = low.endswith("ing")
        j = i - 1
        passive = modal = False
        while (
            j >= 0
            and toks[j].kind == "w"
            and (
                toks[j].low in _SKIP
                or toks[j].low in _BE
                or (toks[j].low.endswith("ly") and not toks[j].cap and toks[j].low not in _LY_NOUNS)
            )
        ):
            passive = passive or toks[j].low in _BE
            modal = modal or toks[j].low in _MODALS
            j -= 1
        if modal and previous is not None:
            return None  # "Peskov said Moscow would respond to …": an act to come inside reported speech
        if passive and not participle:
            return None  # "was told": the subject heard it
        if j > 0 and toks[j].text == ")":  # "the Institute for the Study of War (ISW) reported"
            k = j - 1
            while k > 0 and j - k < 8 and toks[k].text != "(":
                k -= 1
            if toks[k].text == "(":
                j = k - 1
        if low == "saying" and j >= 0 and toks[j].low == "as":  # "X was quoted as saying", "quoted X as saying"
            j -= 1
            if j >= 0 and toks[j].low in ("quoted", "cited"):
                j -= 1
                while j >= 0 and (toks[j].low in _BE or toks[j].low in _SKIP):
                    j -= 1
        if j >= 0 and toks[j].low == "to":
            return None  # "declined to say"
        w = j  # "a soldier who asked not to be named told AFP": the subject stands before "who"
        while w > 0 and j - w < 15 and toks[w].kind == "w" and toks[w].low != "who":
            w -= 1
        if w > 0 and w < j and toks[w].low == "who" and toks[w - 1].kind == "w":
            j = w - 1
        before = toks[j] if j >= 0 else None
        if before is not None and before.kind == "w" and before.low not in _STOP:
            if participle and low not in _PARTICIPLES:
                return None  # "a stark warning": a noun, not a verb
            if low in _NOUN_LIKE_VERBS and not (before.cap or before.low in _PRONOUNS):
                return None  # "media reports", "repeated calls"
            start = _np_back(toks, j)
            if start is None:
                return None
            return toks[start].start, verb.end, self.speaker_of(toks[start : j + 1])
        joined = before is not None and before.text in (",", "and", "but", "then")
        if participle:  # "…, adding that": the clause's subject
            return (verb.start, verb.end, self._shared_subject(toks, previous)) if joined else None
        if before is not None and before.text == ",":
            appositive = _appositive(toks, j)
            if appositive is not None:
                s, e = appositive
                return toks[s].start, verb.end, self.speaker_of(toks[s:e])
        after_quote = before is not None and (
            before.kind == "q" or (before.text == "," and j > 0 and toks[j - 1].kind == "q")
        )
        if after_quote or before is None or before.text in (",", "—", "–"):
            end = _np_forward(toks, i + 1)
            if end is not None and (after_quote or _name_like(toks[i + 1 : end])):
                return verb.start, toks[end - 1].end, self._subject_after(toks, i + 1, end)
        return (verb.start, verb.end, self._shared_subject(toks, previous)) if joined else None

    def _shared_subject(self, toks: Sequence[_Tok], previous: str | None) -> str | object | None:
        """Whose words a joined verb (``…, adding``, ``but added``) reports: the sentence's last speaker so far,
        else the name or pronoun opening the sentence (``Czech President Petr Pavel praised … but added``)."""
        if previous is not None:
            return previous
        k = _name_run(toks, 12, _DETERMINERS)
        if 0 < k < len(toks) and toks[k].kind == "w" and not toks[k].cap and _name_like(toks[:k]):
            return self.speaker_of(toks[:k])
        return None


def _name_run(toks: Sequence[_Tok], most: int, also: frozenset[str] = frozenset()) -> int:
    """How many of the first ``most`` tokens make a run of capitalised words, name particles, abbreviations and the
    words in ``also``: where a sentence's opening name ends."""
    k = 0
    while k < min(len(toks), most) and (toks[k].cap or toks[k].low in _PARTICLES or toks[k].low in also
                                        or _abbrev_dot(toks, k)):  # fmt: skip
        k += 1
    return k


def _name_like(np: Sequence[_Tok]) -> bool:
    """A phrase of names and titles only (``Zelensky``, ``Kremlin spokesman Dmitry Peskov``), safe to invert."""
    words = [t for t in np if t.kind == "w" and t.low not in _DETERMINERS]
    return bool(words) and words[-1].cap and all(t.cap or t.low in _PARTICLES or _is_title(t) for t in words)


# --- noun phrases ------------------------------------------------------------------------------------------------


def _np_back(toks: Sequence[_Tok], j: int) -> int | None:
    """Start index of the subject noun phrase ending at toks[j], walking back at most a dozen tokens."""
    end = j + 1
    k = end
    while j >= 0 and end - j <= 12:
        tok = toks[j]
        if tok.kind == "w":
            if tok.low in _STOP and tok.low not in _NP_PREPS:
                break
            k = j
            if tok.low in _DETERMINERS and not (j > 0 and toks[j - 1].low in _NP_PREPS):
                break
        elif _abbrev_dot(toks, j):
            k = j
        else:
            break
        j -= 1
    while k < end and (toks[k].low in _NP_PREPS or toks[k].kind != "w"):
        k += 1
    return k if k < end else None


def _np_forward(toks: Sequence[_Tok], i: int) -> int | None:
    """End index (exclusive) of a noun phrase starting at toks[i] that ends where a clause or punctuation starts."""
    k = i
    while k < len(toks) and k - i < 10:
        tok = toks[k]
        if tok.kind == "w":
            if (tok.low in _STOP and tok.low not in _NP_PREPS) or (tok.low.endswith("ing") and not tok.cap):
                break
        elif not _abbrev_dot(toks, k):
            break
        k += 1
    if k < len(toks) and k - i >= 10:
        return None  # ran on: not a subject phrase
    while k > i and (toks[k - 1].low in _CONNECTORS or toks[k - 1].kind != "w"):
        k -= 1
    return k if k > i else None


def _appositive(toks: Sequence[_Tok], j: int) -> tuple[int, int] | None:
    """For ``X, <apposition>, said`` (toks[j] is the second comma), the tokens naming the speaker."""
    k = j - 1
    while k >= 0 and j - k < 30 and toks[k].text != "," and toks[k].kind != "q":
        k -= 1
    if k < 1 or toks[k].text != "," or k == j - 1:
        return None
    inner = toks[k + 1 : j]
    first = inner[0]
    # "Olena Kovalenko, 54, said": a person's age after their name
    age = len(inner) == 1 and first.text.isdigit() and len(first.text) <= 3 and toks[k - 1].cap
    participle = first.low.endswith(("ing", "ed"))  # "Peskov, speaking ..., said", "Peskov, asked about ..., said"
    if not (age or participle or first.cap or first.low in _APPOSITION_OPENERS or _is_title(first)):
        return None
    if all(t.cap or t.low in _PARTICLES or _abbrev_dot(inner, n) for n, t in enumerate(inner)):
        return k + 1, j  # "the governor, Pavlo Kyrylenko, said"
    if toks[k - 1].kind != "w":
        return None
    start = _np_back(toks, k - 1)
    return (start, k) if start is not None else None


def _proper_name(np: Sequence[_Tok]) -> Sequence[_Tok]:
    """The capitalised run ending the phrase, without the titles before a person's name."""
    j = len(np) - 1
    run_start = len(np)
    while j >= 0:
        tok = np[j]
        if (tok.cap and tok.low not in _BREAKERS) or _abbrev_dot(np, j):
            run_start = j
        elif run_start < len(np) and (tok.low in _PARTICLES or tok.low in _CONNECTORS):
            pass
        else:
            break
        j -= 1
    while run_start < len(np) and (np[run_start].low in _RUN_EDGES or np[run_start].text == "."):
        run_start += 1
    run = np[run_start:]
    for m in range(len(run) - 1, -1, -1):
        tok = run[m]
        if tok.kind == "w" and (_is_title(tok) or tok.low in _ORG_HEADS):
            person = run[m + 2 :] if m + 1 < len(run) and run[m + 1].text == "." else run[m + 1 :]
            if person and not any(t.low in _CONNECTORS for t in person):
                return person
            break
    return run


def _heading_credit(toks: Sequence[_Tok]) -> tuple[int, int] | None:
    """The name in a heading-style credit: ``Name: ‘…’`` opening the sentence or ``“…” – Name`` ending it."""
    n = len(toks)
    while n > 0 and toks[n - 1].text in ".!?" and not _abbrev_dot(toks, n - 1):
        n -= 1
    for k in range(n - 2, max(0, n - 10), -1):
        if toks[k].text in ("–", "—", "-") and toks[k - 1].kind == "q":
            return (k + 1, n) if _name_like(toks[k + 1 : n]) else None
    n = len(toks)
    for k in range(2, min(n, 10)):
        if toks[k].kind == "q":
            if toks[k - 1].text != ":":
                return None
            head = toks[: k - 1]
            ok = all((t.kind == "w" and t.low not in _STOP) or _abbrev_dot(head, m) for m, t in enumerate(head))
            return (0, k - 1) if ok and head[-1].cap else None
    return None


# --- the extractor -----------------------------------------------------------------------------------------------


def find_quotes(text: str, entities: Sequence[Entity] = ()) -> list[Quote]:
    """Every quoted string in ``text`` with its speaker, sorted by start."""
    paras = [(ps, pe, _scan(text, ps, pe)) for ps, pe in paragraphs(text)]
    masked = _mask_insides(text, [q for _, _, qs in paras for q in qs])
    folded = fold_case(masked)  # for _CUE
    reader = _Reader(text, entities)
    out: list[Quote] = []
    carried: str | None = None  # speaker of a quote left open at the end of the previous paragraph
    for ps, pe, quotes in paras:
        if not quotes and not _CUE.search(folded, ps, pe):
            carried = None
            continue  # nothing quoted and nobody speaks: skip the tokenising
        paragraph_speaker = carried if quotes and quotes[0][0] == ps else None
        seen_quote = paragraph_speaker is not None
        q = 0
        for s, e in _sentence_spans(masked, ps, pe):
            mine = []
            while q < len(quotes) and quotes[q][0] < e:
                mine.append(quotes[q])
                q += 1
            if not mine and not _CUE.search(folded, s, e):
                if q < len(quotes):  # "Zelensky, speaking in Kyiv, hit back. 'Russia wants ...,' he said."
                    reader.resolve(_opening_subject(reader, _tokens(text, s, e, [])))
                continue
            toks = _tokens(text, s, e, mine)
            attrs = reader.attributions(toks)
            if not mine and not attrs and q < len(quotes):
                reader.resolve(_opening_subject(reader, toks))
            quoted = [tok for tok in toks if tok.kind == "q"]
            by_end = sorted(attrs, key=lambda a: a.end)
            ends = [a.end for a in by_end]
            for (qs, qe, closed), speaker in zip(mine, _nearest(text, attrs, quoted), strict=True):
                if _TITLE_BEFORE.search(text, max(ps, qs - 20), qs):
                    continue  # a report's or a book's title, not anyone's words
                if speaker is not None and _relayed(text, by_end, ends, qs, speaker):
                    # words the outlet relays from others, not its own: whose, the sentence does not say
                    out.append(Quote(qs, qe, text[qs:qe], text[qs + 1 : qe - 1 if closed else qe], None))
                    continue
                if speaker is None and seen_quote:
                    speaker = paragraph_speaker
                seen_quote = True
                paragraph_speaker = speaker
                if speaker:
                    reader.last = speaker
                out.append(Quote(qs, qe, text[qs:qe], text[qs + 1 : qe - 1 if closed else qe], speaker))
        carried = paragraph_speaker if quotes and not quotes[-1][2] else None
    return out


# What a source puts out: "according to a statement from the ministry" is according to the ministry.
_DOCUMENTS = _words(
    "statement statements report reports post posts letter readout release message note document filing transcript"
    " assessment estimate estimates analysis update briefing"
)


def _author(toks: Sequence[_Tok], i: int) -> int:
    """Where the author of "according to (a statement|report ...) (from|by|of) X" starts: X, or ``i`` itself."""
    j = i + (i < len(toks) and toks[i].low in _DETERMINERS)
    j += j < len(toks) and toks[j].low in ("new", "latest", "written", "joint", "official", "recent")
    if j + 1 < len(toks) and toks[j].low in _DOCUMENTS and toks[j + 1].low in ("from", "by", "of"):
        return j + 2
    return i


def _opening_subject(reader: _Reader, toks: Sequence[_Tok]) -> str | None:
    """The person a sentence opens with as its subject ("Zelensky hit back", "Zelensky, speaking in Kyiv, hit
    back"): in a paragraph whose quote follows, whom a "he said" there names. A person's name has two words or
    more, as written or as written earlier in the article ("Volodymyr Zelensky"): "Kyiv hit back" names no one.
    Not a name before a preposition or a function word ("Russia on Monday rejected ..."). A title set off before
    the name counts too: "His chief of staff, Andriy Yermak, was more cautious" names Yermak."""
    if toks and toks[0].low in _DETERMINERS:
        comma = next((m for m in range(1, min(len(toks), 7)) if toks[m].text == ","), None)
        if comma is None or any(t.kind != "w" for t in toks[1:comma]):
            return None
        toks = toks[comma + 1 :]  # the name after the title, then its own comma before the verb
        k = _name_run(toks, 6)
        if k < 2 or k >= len(toks) or toks[k].text != ",":
            return None
        j = k + 1
    else:
        k = _name_run(toks, 8)
        if k == 0 or toks[0].low in _BREAKERS:
            return None
        j = k
        if j < len(toks) and toks[j].text == ",":  # an apposition between the name and its verb
            j = next((m + 1 for m in range(j + 1, min(len(toks), j + 16)) if toks[m].text == ","), len(toks))
    if not _name_like(toks[:k]) or j >= len(toks) or not _verb_like(toks[j]):
        return None
    who = reader.speaker_of(toks[:k])
    return who if isinstance(who, str) and len(who.split()) >= 2 else None


_BE_HAVE = BE | _words("has have had")


def _verb_like(tok: _Tok) -> bool:
    """A lower-case content word or a form of be or have: where a subject's verb can stand ("hit back", "was more
    cautious", "has warned")."""
    return tok.kind == "w" and not tok.cap and (tok.low not in _STOP or tok.low in _BE_HAVE)


def _nearest(text: str, attrs: list[_Attribution], quotes: list[_Tok]) -> list[str | None]:
    """For each quote, the speaker of its sentence's attribution: one right after it (``"…," X said``),
    else the nearest before it (``X said … "…"``), else a clause after a comma (``… "…" …, X said.``)."""
    by_end = sorted((a.end, a.speaker) for a in attrs)
    by_start = sorted((a.start, a.speaker) for a in attrs)
    ends = [e for e, _ in by_end]
    starts = [s for s, _ in by_start]
    out: list[str | None] = []
    for q in quotes:
        left = bisect.bisect_right(ends, q.start) - 1
        right = bisect.bisect_left(starts, q.end)
        if right < len(starts) and (
            _ADJACENT.fullmatch(text, q.end, starts[right]) or (left < 0 and _after_comma(text, starts[right]))
        ):
            out.append(by_start[right][1])
        else:
            out.append(by_end[left][1] if left >= 0 else None)
    return out


# A publication's verbs of reporting: what follows "X reported that ..." is X's account of others, so words quoted
# inside that clause ("reported that the language was changed from 'considerable progress'") are not X's.
_REPORTED = re.compile(r"\b(?:reported|reports|reporting)\b(?:\s+that\b)?", re.I)
_CLAUSE = re.compile(r"\w+(?:\W+\w+){2,}")  # three words or more: a clause between the verb and the quote


def _relayed(text: str, by_end: list[_Attribution], ends: list[int], quote_start: int, speaker: str) -> bool:
    """Whether the quote was given to ``speaker`` by a report before it ("X reported that ...") with a clause of
    its own between the report's verb and the quote (``by_end``: the sentence's attributions sorted by their
    ``ends``; the nearest few before the quote are looked at, so a long chain stays linear)."""
    i = bisect.bisect_right(ends, quote_start) - 1
    for a in by_end[max(0, i - 3) : i + 1][::-1]:
        if a.speaker == speaker:
            m = _REPORTED.search(text, a.start, min(a.end + 6, quote_start))
            return m is not None and _CLAUSE.search(text, m.end(), quote_start) is not None
    return False


def _after_comma(text: str, i: int) -> bool:
    """Whether text[i] starts a clause set off by a comma or dash (``…, Borrell said.``), not ``while X said``."""
    k = i - 1
    while k > max(0, i - 50) and text[k].isspace():
        k -= 1
    return text[k] in ",—–"


def _tokens(text: str, start: int, end: int, quotes: list[tuple[int, int, bool]]) -> list[_Tok]:
    """Words and punctuation of a sentence, each quote one token so words inside it never attribute."""
    toks: list[_Tok] = []
    pos = start
    add = toks.append
    for qs, qe, _ in [*quotes, (end, end, True)]:
        for m in _TOKEN.finditer(text, pos, qs) if qs > pos else ():  # back-to-back quotes: nothing between
            word = m.group()
            first = word[0]
            if first.isalnum() or first == "_":
                add(_new(_Tok, (m.start(), m.end(), word, "w", word.lower(), first.isupper())))
            else:
                add(_new(_Tok, (m.start(), m.end(), word, "p", word, False)))
        if qe > qs:
            quote = text[qs:qe]
            add(_new(_Tok, (qs, qe, quote, "q", quote, False)))
        pos = qe
    return toks


def _mask_insides(text: str, quotes: list[tuple[int, int, bool]]) -> str:
    """The text with quote insides blanked (keeping their final punctuation), so sentences split around quotes."""
    if not quotes:
        return text
    parts: list[str] = []
    pos = 0
    for s, e, closed in quotes:
        inner_end = e - 1 if closed else e
        keep = inner_end
        while keep > s + 1 and text[keep - 1] in ".!?":
            keep -= 1
        parts += [text[pos : s + 1], "x" * (keep - s - 1), text[keep:e]]
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def _sentence_spans(masked: str, ps: int, pe: int) -> list[tuple[int, int]]:
    """Sentences of a paragraph (quotes blanked); one starting in lower case (``?" he asked``) joins the last."""
    spans: list[tuple[int, int]] = []
    for s, e in sentences(masked, ps, pe):
        if spans and masked[s].islower():
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans


# Verbs of saying that attribute a whole clause, for curated evidence: the noun-like forms ("pledges", "claims")
# are left out, since without a quotation to attach to they are nouns as often as not.
_REPORTING = re.compile(
    rf"\b{alternation([*_VERBS, *_PARTICIPLES, *_PARTICIPLES_AFTER_COMMA_ONLY])}\b|\baccording to\b", re.I
)


def reporting_cue(sentence: str) -> bool:
    """Does the sentence attribute its words to someone ("said", "told", "according to", ...)? The quote
    extractor's verbs of saying, for the attribution of curated evidence."""
    return _REPORTING.search(sentence) is not None
