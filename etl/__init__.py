"""bakhmut-facts: a provenance-carrying fact dataset built from news articles.

The pipeline, one module per stage:
sources (read and verify seeds) -> segment (paragraphs and their kind) ->
extract (figures, dates, quotes, entity mentions) -> facts (curated layer,
evidence located in the seeds) -> load (SQLite via sqlite-utils) -> Datasette.
"""

__version__ = "0.1.0"
