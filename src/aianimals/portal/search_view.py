"""The "Search" tab: a query's analysed forms, how it was understood, and why each top result
matched (the search console; `aianimals search explain` prints the same)."""

from __future__ import annotations

import streamlit as st

from aianimals.portal.backend import PortalBackend
from aianimals.search.console import explain
from aianimals.search.engine import TextQuery


def render_search(backend: PortalBackend) -> None:
    """A query box; then analysis, readings, clauses and the top results' matches."""
    query = st.text_input("Query, as a user would type it", key="search-console-query")
    if not query.strip():
        st.caption("Type a query to see how search reads it and why results match.")
        return
    ports = backend.ports
    ports.search_index.refresh()
    explained = explain(ports.text_search, TextQuery(tuple(query.split()), limit=10))
    st.subheader("Analysed forms")
    st.dataframe(
        [{"phrase": a.phrase, "index tokens": " ".join(a.tokens)} for a in explained.analysis],
        hide_index=True,
        use_container_width=True,
    )
    st.subheader("Understood as")
    st.dataframe(
        [
            {"text": r.text, "meaning": r.meaning, "typo corrected": r.corrected}
            for r in explained.readings
        ],
        hide_index=True,
        use_container_width=True,
    )
    if explained.suggestion:
        st.info(f"Did you mean: {explained.suggestion}")
    index_query = explained.query
    st.caption(
        f"A result must cover {index_query.min_cover} of {len(index_query.clauses)} clauses; "
        f"{explained.hits:,} hits."
    )
    st.dataframe(
        [
            {
                "clause": number,
                "terms": ", ".join(
                    f"{t.token}×{t.weight:g}" + (f" (typo ≤{t.fuzzy})" if t.fuzzy else "")
                    for t in clause.terms
                ),
            }
            for number, clause in enumerate(index_query.clauses, start=1)
        ],
        hide_index=True,
        use_container_width=True,
    )
    st.subheader("Top results")
    st.dataframe(
        [
            {
                "animal": result.animal_id,
                "score": round(result.score, 3),
                "clauses covered": result.covered,
                "matches": "; ".join(f"{m.field}:{m.token} +{m.score:.2f}" for m in result.matches),
            }
            for result in explained.results
        ],
        hide_index=True,
        use_container_width=True,
    )
