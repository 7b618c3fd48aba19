"""The audit log: every change of a violation's effect, newest first."""

from __future__ import annotations

import streamlit as st

from aianimals.portal.backend import PortalBackend
from aianimals.portal.markup import timestamp

LIMITS = (50, 200, 1000)


def _effect(value: bool | None) -> str:
    if value is None:
        return "(new)"
    return "in effect" if value else "not in effect"


def render_audit(backend: PortalBackend) -> None:
    """The audit screen: who changed what, when, from which effect to which, and why."""
    limit = int(st.selectbox("Show the latest", LIMITS, key="audit_limit") or LIMITS[0])
    with backend.reviews() as service:
        entries = service.audit_log(limit)
    if not entries:
        st.info("Nothing has been audited yet.")
        return
    rows = [
        {
            "when": timestamp(entry.created_at),
            "who": entry.actor,
            "animal": entry.animal_name,
            "type": entry.violation_type,
            "from": _effect(entry.old_is_effective),
            "to": _effect(entry.new_is_effective),
            "note": entry.note,
            "violation": entry.violation_id,
        }
        for entry in entries
    ]
    st.dataframe(rows, hide_index=True, width="stretch", key="audit_table")
