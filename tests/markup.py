"""A strict little HTML tree for tests: fails on any unbalanced tag and keeps each element's text content."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Like the DOM's textContent: every text node inside, in order."""
        return "".join(self.text_parts)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def inside(self, tag: str) -> bool:
        p = self.parent
        while p is not None:
            if p.tag == tag:
                return True
            p = p.parent
        return False


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[Element] = []
        self.elements: list[Element] = []

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1] if self.stack else None)
        self.elements.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1] if self.stack else None))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        top = self.stack.pop() if self.stack else None
        assert top is not None and top.tag == tag, f"</{tag}> closes <{top.tag if top else None}>"

    def handle_data(self, data):
        for el in self.stack:
            el.text_parts.append(data)


def parse(html: str) -> list[Element]:
    """Every element in document order; raises AssertionError if the markup is not well formed."""
    tree = _Tree()
    tree.feed(str(html))
    tree.close()
    assert not tree.stack, f"unclosed: {[e.tag for e in tree.stack]}"
    return tree.elements


def select(elements: list[Element], tag: str, cls: str | None = None, **attrs: str) -> list[Element]:
    """Elements with this tag, class and attribute values (data_evidence= means data-evidence=)."""
    want = {k.replace("_", "-"): v for k, v in attrs.items()}
    return [
        e
        for e in elements
        if e.tag == tag and (cls is None or cls in e.classes) and all(e.attrs.get(k) == v for k, v in want.items())
    ]
