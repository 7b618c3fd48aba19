"""The violation queue: filters, photos, and confirm / reject per row or for a selection."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from aianimals.core.errors import DomainError
from aianimals.moderation.listing import (
    ORDER_NEWEST,
    ORDER_PRIORITY,
    ORDERS,
    DetectorVersion,
    QueueFilter,
    QueueItem,
    QueuePage,
)
from aianimals.moderation.models import STATES, ViolationType
from aianimals.moderation.service import CONFIRM, MAX_NOTE, REJECT, ReviewOutcome
from aianimals.portal.backend import PortalBackend
from aianimals.portal.login import TOKEN
from aianimals.portal.markup import plain, sentence, state_badge, timestamp

ALL = ""
PAGE_SIZES = (10, 25, 50)
PHOTO_WIDTH = 160
_FLASH = "queue_flash"
_NOTE = "review_note"
_PAGE = "queue_page"
_ORDER_LABELS = {
    ORDER_PRIORITY: "Most in need of a human (pending, hidden, likeliest first)",
    ORDER_NEWEST: "Newest first",
}


def _select_key(violation_id: str) -> str:
    return f"select-{violation_id}"


def _summary(outcome: ReviewOutcome) -> str:
    done = "confirmed" if outcome.verdict == CONFIRM else "rejected"
    parts = [f"{len(outcome.changed)} violation(s) {done}"]
    if outcome.unchanged:
        parts.append(f"{len(outcome.unchanged)} already {done}")
    if outcome.hidden_animals:
        parts.append(f"{len(outcome.hidden_animals)} animal(s) hidden")
    if outcome.shown_animals:
        parts.append(f"{len(outcome.shown_animals)} animal(s) shown again")
    return "; ".join(parts) + "."


def _review(backend: PortalBackend, violation_ids: Sequence[str], verdict: str) -> None:
    """Button callback: re-check the administrator, apply the verdict, report the outcome."""
    ids = list(violation_ids)
    if not ids:
        st.session_state[_FLASH] = ("warning", "Select at least one violation first.")
        return
    try:
        admin = backend.resume(str(st.session_state.get(TOKEN, "")))
        note = str(st.session_state.get(_NOTE, "")).strip()
        with backend.reviews() as service:
            outcome = service.review(ids, verdict, admin.handle_name, note)
    except DomainError as error:
        st.session_state[_FLASH] = ("error", sentence(error.message))
        return
    st.session_state[_FLASH] = ("success", _summary(outcome))
    st.session_state[_NOTE] = ""
    for violation_id in ids:
        st.session_state[_select_key(violation_id)] = False


def _review_selected(backend: PortalBackend, page_ids: Sequence[str], verdict: str) -> None:
    selected = [i for i in page_ids if st.session_state.get(_select_key(i))]
    _review(backend, selected, verdict)


def _select_page(page_ids: Sequence[str]) -> None:
    for violation_id in page_ids:
        st.session_state[_select_key(violation_id)] = True


def _first_page() -> None:
    st.session_state[_PAGE] = 1


def _filters(types: list[ViolationType], versions: list[DetectorVersion]) -> QueueFilter:
    names = {row.id: row.name for row in types}
    detectors = {f"{v.judge} / {v.model_version or '-'}": v for v in versions}
    kind, state, detector, size = st.columns([2, 1, 2, 1])
    type_id = kind.selectbox(
        "Violation type",
        [ALL, *names],
        format_func=lambda key: names.get(key, "All types"),
        key="filter_type",
        on_change=_first_page,
    )
    chosen_state = state.selectbox(
        "State",
        [*STATES, ALL],
        format_func=lambda key: key or "all",
        key="filter_state",
        on_change=_first_page,
    )
    detector_key = detector.selectbox(
        "Detector / model version",
        [ALL, *detectors],
        format_func=lambda key: key or "All detectors",
        key="filter_detector",
        on_change=_first_page,
    )
    chosen_size = size.selectbox("Per page", PAGE_SIZES, key="filter_size", on_change=_first_page)
    order = st.radio(
        "Sort",
        ORDERS,
        format_func=lambda key: _ORDER_LABELS[key],
        key="filter_order",
        horizontal=True,
        on_change=_first_page,
    )
    page_size = int(chosen_size or PAGE_SIZES[0])
    low, high = st.slider(
        "Probability",
        0.0,
        1.0,
        (0.0, 1.0),
        step=0.01,
        key="filter_probability",
        on_change=_first_page,
    )
    chosen = detectors.get(str(detector_key))
    page = int(st.session_state.get(_PAGE, 1))
    return QueueFilter(
        violation_type_id=str(type_id) or None,
        states=(str(chosen_state),) if chosen_state else (),
        min_probability=float(low),
        max_probability=float(high),
        judge=chosen.judge if chosen else None,
        model_version=chosen.model_version if chosen else None,
        limit=page_size,
        offset=(page - 1) * page_size,
        order=str(order or ORDER_PRIORITY),
    )


def _row(backend: PortalBackend, item: QueueItem) -> None:
    with st.container(border=True):
        photo, details, actions = st.columns([1, 3, 1])
        data = backend.photo(item.thumbnail_url) or backend.photo(item.photo_url)
        if data is None:
            photo.caption("photo unavailable")
        else:
            photo.image(data, width=PHOTO_WIDTH, alt=f"Photo of {item.animal_name}")
        hidden = "hidden" if item.deactivated else "shown"
        if item.removed_by_owner:
            hidden = "removed by its owner"
        details.markdown(
            f"**{plain(item.animal_name)}** by @{plain(item.owner_handle_name)} · {hidden}"
        )
        details.markdown(
            f"{state_badge(item.state)} **{plain(item.violation_type)}** · "
            f"probability {item.probability:.3f} · "
            f"{'in effect' if item.is_effective else 'not in effect'}"
        )
        details.caption(
            f"{plain(item.judge)} {plain(item.model_version or '-')} · "
            f"recorded {timestamp(item.created_at)} · violation {item.violation_id}"
        )
        with details.expander("Scores and history"):
            _history(backend, item.animal_id)
        actions.checkbox("Select", key=_select_key(item.violation_id))
        actions.button(
            "Confirm",
            key=f"{CONFIRM}-{item.violation_id}",
            type="primary",
            on_click=_review,
            args=(backend, [item.violation_id], CONFIRM),
        )
        actions.button(
            "Reject",
            key=f"{REJECT}-{item.violation_id}",
            on_click=_review,
            args=(backend, [item.violation_id], REJECT),
        )


def _history(backend: PortalBackend, animal_id: str) -> None:
    """Every score the animal got (detectors, reporters) and every audited change."""
    with backend.reviews() as service:
        record = service.animal_history(animal_id)
    if record.review_requested_at is not None:
        note = f": “{plain(record.review_note)}”" if record.review_note else ""
        st.warning(f"The owner asked for a review on {timestamp(record.review_requested_at)}{note}")
    st.dataframe(
        [
            {
                "type": row.violation_type,
                "judge": row.judge,
                "model": row.model_version or "-",
                "probability": round(row.probability, 4),
                "state": row.state,
                "in effect": row.is_effective,
                "recorded": timestamp(row.created_at),
            }
            for row in record.detections
        ],
        hide_index=True,
        use_container_width=True,
    )
    if not record.audits:
        st.caption("No audited change yet.")
    for entry in record.audits:
        st.caption(
            f"{timestamp(entry.created_at)} · {plain(entry.actor)} · "
            f"{plain(entry.violation_type)}: {plain(entry.note) or '-'}"
        )


def _pager(page: QueuePage) -> None:
    pages = max(1, -(-page.total // page.limit))
    current = min(int(st.session_state.get(_PAGE, 1)), pages)
    st.session_state[_PAGE] = current
    first = page.offset + 1 if page.items else 0
    st.caption(f"{page.total} violation(s) match · showing {first}–{page.offset + len(page.items)}")
    if pages > 1:
        st.number_input("Page", min_value=1, max_value=pages, key=_PAGE, width=160)


def render_queue(backend: PortalBackend) -> None:
    """The queue screen."""
    with backend.reviews() as service:
        types, versions = service.violation_types(), service.detector_versions()
    where = _filters(types, versions)
    with backend.reviews() as service:
        page = service.queue(where)
    if page.total and not page.items and where.offset:
        _first_page()
        st.rerun()
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        kind, message = flash
        {"success": st.success, "warning": st.warning}.get(kind, st.error)(message)
    _pager(page)
    ids = [item.violation_id for item in page.items]
    bulk = st.container(border=True)
    bulk.text_input("Note for the audit log (optional)", key=_NOTE, max_chars=MAX_NOTE)
    select, confirm, reject = bulk.columns(3)
    select.button("Select all on this page", key="select-page", on_click=_select_page, args=(ids,))
    confirm.button(
        "Confirm selected",
        key="bulk-confirm",
        type="primary",
        on_click=_review_selected,
        args=(backend, ids, CONFIRM),
    )
    reject.button(
        "Reject selected", key="bulk-reject", on_click=_review_selected, args=(backend, ids, REJECT)
    )
    if not page.items:
        st.info("No violations match these filters.")
    for item in page.items:
        _row(backend, item)
