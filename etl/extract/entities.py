"""Find every mention of a known entity (an alias from facts.yml) in an article.

Mentions are what links a figure or a quote to the people, places and bodies the
dataset knows, so they follow docs/extraction.md "Entity mentions" exactly: whole
words (hyphens and apostrophes are boundaries), case-sensitive except the first
letter, the longest alias wins and mentions never overlap.

Decisions where the page is silent:
- Only ``aliases`` are matched (the name too only when an entity lists no alias):
  ``alias`` must be a spelling "as listed", and facts.yml lists the spellings to match.
- "Longest wins" is applied across start positions as well: every position gets its
  longest alias, then spans are accepted longest first (ties: leftmost) without overlap.
- An alias listed by two entities belongs to the first one listed; when two aliases
  differ only in the case of their first letter, the one spelled like the text wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from etl.extract.base import Entity, Mention
from etl.extract.english import CLOSED_CLASS

__all__ = ["alternation", "find_mentions", "mention_finder", "romanized", "too_broad"]


def find_mentions(text: str, entities: Sequence[Entity]) -> list[Mention]:
    """Every whole-word alias occurrence in ``text``, sorted by start, longest alias first on overlap."""
    return mention_finder(entities)(text)


def mention_finder(entities: Sequence[Entity]) -> Callable[[str], list[Mention]]:
    """``find_mentions`` bound to one entity list, compiled once: for callers looking up many short phrases."""
    matcher = _matcher(tuple(entities))
    return matcher.find if matcher is not None else lambda _text: []


def too_broad(alias: str) -> str | None:
    """Why ``alias`` would match in almost any article, or None. Read as the matcher reads it, first letter in
    any case: "May" matches "may" and is too broad, "US" matches only "US" (and "uS") and is not."""
    if sum(ch.isalnum() for ch in alias) < 2:
        return "is shorter than two letters"
    words = _fold_first(alias.strip()).split()
    if words and all(w in CLOSED_CLASS for w in words):
        return f"matches the common English word{'s' if len(words) > 1 else ''} '{' '.join(words)}'"
    return None


def _fold_first(s: str) -> str:
    """The matching key: an alias or surface with its first letter lower-cased."""
    low = s[:1].lower()
    return (low if len(low) == 1 else s[:1]) + s[1:]


def _case_variants(ch: str) -> list[str]:
    """The spellings of a first letter that match: itself, lower and upper case (single characters only)."""
    return sorted({v for v in (ch, ch.lower(), ch.upper()) if len(v) == 1})


@lru_cache(maxsize=65536)  # names recur: each spelling is folded once
def romanized(s: str) -> str:
    """A key under which the romanizations of one Ukrainian or Russian name agree: Zelenskyy, Zelensky,
    Zelenskiy and Zelenskyi; Kyiv and Kiev; Avdiivka and Avdiyivka; Sloviansk and Slovyansk. Lower case,
    no apostrophes, y as i, "ie" as i, and a run of i as one."""
    key = s.lower().replace("'", "").replace("’", "").replace("y", "i").replace("ie", "i")
    return _I_RUN.sub("i", key)


_I_RUN = re.compile("i{2,}")
# A capitalised word of four characters or more (hyphens and apostrophes are boundaries); its first letter ahead
# of the look-behind, so re jumps from capital to capital.
_CAP_WORD = re.compile(r"[^\W\d_a-z](?<!\w.)\w{3,}(?!\w)")


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]
    by_key: dict[str, tuple[tuple[str, str], ...]]  # folded spelling → ((alias, entity id), ...)
    by_roman: dict[str, tuple[str, str]]  # romanized key of a one-word alias → (alias, entity id)
    resolved: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)  # surface → resolve(surface)

    def find(self, text: str) -> list[Mention]:
        # The longest alias at each word start (zero-width, so a start inside another match is seen too),
        # then accepted longest first without overlap.
        found = [(m.start(), m.end(1)) for m in self.pattern.finditer(text)]
        found.sort(key=lambda se: (se[0] - se[1], se[0]))
        taken = bytearray(len(text))
        kept: list[tuple[int, int]] = []
        for s, e in found:
            if taken.find(1, s, e) == -1:
                taken[s:e] = b"\x01" * (e - s)
                kept.append((s, e))
        for m in _CAP_WORD.finditer(text) if self.by_roman else ():  # a spelling by another romanization
            s, e = m.span()
            if taken.find(1, s, e) == -1 and romanized(m.group()) in self.by_roman:
                taken[s:e] = b"\x01" * (e - s)
                kept.append((s, e))
        kept.sort()
        out = []
        resolved = self.resolved
        for s, e in kept:
            surface = text[s:e]
            found = resolved.get(surface)
            if found is None:
                found = resolved[surface] = self.resolve(surface)
            out.append(Mention(s, e, surface, found[1], found[0]))
        return out

    def resolve(self, surface: str) -> tuple[str, str]:
        """The listed alias a matched surface stands for (the exact spelling when two differ in first-letter
        case; the alias of the same romanized key for another romanization)."""
        options = self.by_key.get(_fold_first(surface))
        if options is None and romanized(surface) in self.by_roman:
            return self.by_roman[romanized(surface)]
        return self._listed(surface, options)

    def _listed(self, surface: str, options: tuple[tuple[str, str], ...] | None) -> tuple[str, str]:
        if options is None:  # a first letter whose case does not round-trip (ı → I → i)
            options = next(
                v for k, v in self.by_key.items() if k[1:] == surface[1:] and surface[:1] in _case_variants(k[:1])
            )
        for alias, entity_id in options:
            if alias == surface:
                return alias, entity_id
        return options[0]


@lru_cache(maxsize=32)
def _matcher(entities: tuple[Entity, ...]) -> _Matcher | None:
    """One compiled alternation per entity list: a trie of the aliases, so matching is one pass over the text."""
    by_key: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    for ent in entities:
        for alias in ent.aliases or (ent.name,):
            if not alias or not alias.strip() or alias in seen:
                continue
            seen.add(alias)
            by_key.setdefault(_fold_first(alias), []).append((alias, ent.id))
    if not by_key:
        return None
    body = alternation(by_key, any_case_first=True)
    pattern = re.compile(rf"(?<!\w)(?=({body})(?!\w))")
    roman: dict[str, tuple[str, str]] = {}
    for options in by_key.values():
        alias = options[0][0]
        if " " not in alias and len(alias) >= 4 and alias[:1].isupper():
            roman.setdefault(romanized(alias), options[0])
    return _Matcher(pattern, {k: tuple(v) for k, v in by_key.items()}, roman)


def alternation(words: Iterable[str], any_case_first: bool = False) -> str:
    """A regex group matching any of ``words``, longest first, built as a trie so a match costs one pass.

    Python's ``re`` tries ``a|b|c`` one branch at a time; with dozens of aliases that is the slow part.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(trie, any_case_first) or "(?!)"


def _emit(node: dict, first: bool = False) -> str:
    """Regex for a trie node; an optional group is greedy, so the longest word is tried first."""
    branches = []
    for ch in sorted(k for k in node if k):
        if first:
            variants = _case_variants(ch)
            head = re.escape(ch) if len(variants) == 1 else "[" + "".join(re.escape(v) for v in variants) + "]"
        else:
            head = re.escape(ch)
        branches.append(head + _emit(node[ch]))
    if not branches:
        return ""
    alt = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{alt})?" if "" in node else alt  # a word ends here; longer ones are tried first
