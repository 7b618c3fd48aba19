"""Charts: violations over time by type, and each detector version's precision."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from aianimals.core.clock import utcnow
from aianimals.portal.backend import PortalBackend

PERIODS = {30: "last 30 days", 90: "last 90 days", 365: "last year", 0: "all time"}


def render_charts(backend: PortalBackend) -> None:
    """The charts screen."""
    days = int(st.selectbox("Period", list(PERIODS), index=1, format_func=PERIODS.__getitem__) or 0)
    since = utcnow() - timedelta(days=days) if days else None
    with backend.reviews() as service:
        counts = service.violations_per_day(since=since)
        precision = service.detector_precision()
    st.subheader("Violations per day, by type")
    if counts:
        st.bar_chart(
            {
                "day": [row.day.isoformat() for row in counts],
                "violation type": [row.violation_type for row in counts],
                "violations": [row.count for row in counts],
            },
            x="day",
            y="violations",
            color="violation type",
        )
    else:
        st.info("No violations in this period.")
    st.subheader("Detector precision against the administrators' verdicts")
    st.caption("precision = confirmed / (confirmed + rejected), per judge and model version")
    reviewed = [row for row in precision if row.precision is not None]
    if reviewed:
        st.bar_chart(
            {
                "detector": [f"{row.judge} {row.model_version or '-'}" for row in reviewed],
                "precision": [row.precision for row in reviewed],
            },
            x="detector",
            y="precision",
        )
    else:
        st.info("No verdicts yet: precision appears once violations are reviewed.")
    if precision:
        table = [
            {
                "judge": row.judge,
                "model version": row.model_version or "-",
                "violations": row.total,
                "in effect": row.effective,
                "pending": row.pending,
                "confirmed": row.confirmed,
                "rejected": row.rejected,
                "precision": None if row.precision is None else round(row.precision, 3),
            }
            for row in precision
        ]
        st.dataframe(table, hide_index=True, width="stretch", key="precision_table")
