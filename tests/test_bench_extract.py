"""bench.extract, the per-article stage timed alone: every extractor timed, and a digest that tells outputs apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import extract

ROOT = Path(__file__).resolve().parent.parent


def test_times_every_stage_and_digests_the_output(monkeypatch: pytest.MonkeyPatch) -> None:
    seconds, size, digest = extract.run(ROOT / "seeds", ROOT / "facts.yml")
    assert list(seconds) == list(extract.STAGES) and all(s > 0 for s in seconds.values())
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    assert size == sum(len(t.encode("utf-8")) for t in texts)
    assert extract.run(ROOT / "seeds", ROOT / "facts.yml")[2] == digest  # deterministic
    quotes = extract.find_quotes
    monkeypatch.setattr(extract, "find_quotes", lambda text, entities: quotes(text, entities)[1:])
    assert extract.run(ROOT / "seeds", ROOT / "facts.yml")[2] != digest  # one quote fewer: another digest
