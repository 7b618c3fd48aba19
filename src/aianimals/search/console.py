"""The search console: what a query became and why each result scored what it did.

For administrators (the portal's Search tab and `aianimals search explain`), as the
reference's operators used Kibana's analyze and explain APIs.
"""

from __future__ import annotations

from dataclasses import dataclass

from aianimals.ports.search.base import HitExplanation, SearchQuery
from aianimals.search.engine import TextQuery, TextSearch
from aianimals.search.understanding import Reading


@dataclass(frozen=True)
class PhraseAnalysis:
    """One phrase and the tokens the index would store for it."""

    phrase: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Explained:
    """A query, analysed and understood, the index query it ran, and its top results."""

    analysis: tuple[PhraseAnalysis, ...]
    readings: tuple[Reading, ...]
    query: SearchQuery
    hits: int
    suggestion: str | None
    results: tuple[HitExplanation, ...]


def explain(search: TextSearch, text: TextQuery) -> Explained:
    """`text` as the search route runs it (without similar words), with each result's
    covered clauses, matching terms and their scores."""
    found = search.search(text)
    analyzer = search.builder.analyzer
    results = search.index.explain(found.query, [hit.animal_id for hit in found.page.results])
    return Explained(
        analysis=tuple(
            PhraseAnalysis(phrase, tuple(analyzer.index_tokens(phrase, join_latin=True)))
            for phrase in text.phrases
        ),
        readings=found.understood.readings,
        query=found.query,
        hits=found.page.hits,
        suggestion=found.suggestion,
        results=tuple(results),
    )


def describe(explained: Explained) -> list[str]:
    """The explanation as lines of text (the CLI prints them; the portal shows them too)."""
    lines = ["analysed forms:"]
    lines += [f"  {a.phrase!r} → {' '.join(a.tokens) or '(nothing)'}" for a in explained.analysis]
    lines.append("understood as:")
    lines += [
        f"  {r.text!r} → {r.meaning}" + (" (typo corrected)" if r.corrected else "")
        for r in explained.readings
    ]
    if explained.suggestion:
        lines.append(f"did you mean: {explained.suggestion}")
    query = explained.query
    lines.append(f"clauses (a result must cover {query.min_cover} of {len(query.clauses)}):")
    for number, clause in enumerate(query.clauses, start=1):
        terms = ", ".join(
            f"{t.token}×{t.weight:g}" + (f"~{t.fuzzy}" if t.fuzzy else "") for t in clause.terms
        )
        lines.append(f"  {number}. {terms}")
    if query.boosts:
        lines.append("boosts: " + ", ".join(f"{t.token}×{t.weight:.2f}" for t in query.boosts))
    lines.append(f"{explained.hits:,} hits; top {len(explained.results)}:")
    for result in explained.results:
        lines.append(f"  {result.animal_id}  score {result.score:.3f}  covers {result.covered}")
        lines += [f"      {m.field}: {m.token}  +{m.score:.3f}" for m in result.matches]
    return lines
