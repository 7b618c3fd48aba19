// The owner's view of a post's moderation: its true state and reason, 再表示 for a post they
// hid, and one request for a review. Polls while the detector is still checking, so the
// owner learns of a hide within seconds of posting.
import { api } from "../api.js";
import { h, replace, toast } from "../dom.js";
import { formatDate, t } from "../i18n.js";

const POLL_MS = 1500;
const POLL_LIMIT = 40; // about a minute; past that the server no longer says "checking"

const BADGES = {
  checking: "me.checking",
  hidden_for_review: "me.hiddenForReview",
  removed: "me.removed",
  hidden_by_you: "me.hiddenByYou",
};

/** The マイページ badge of a state (null for a visible post). */
export function stateBadge(state) {
  return BADGES[state] ? t(BADGES[state]) : null;
}

function reason(state) {
  const key = `mod.reason.${state.violation_type}`;
  const text = t(key);
  return text === key ? t("mod.reason.other") : text;
}

function describe(state) {
  switch (state.state) {
    case "checking":
      return [t("mod.checking"), "checking"];
    case "hidden_for_review":
      return [t("mod.hiddenForReview", { reason: reason(state) }), "review"];
    case "removed":
      return [t("mod.removed", { reason: reason(state) }), "removed"];
    case "hidden_by_you":
      return [t("mod.hiddenByYou"), "review"];
    default:
      return [t("mod.visible"), "visible"];
  }
}

function actions(state, onChange) {
  const parts = [];
  if (state.can_unhide) {
    const unhide = h("button", { type: "button", class: "secondary unhide" }, t("mod.unhide"));
    unhide.addEventListener("click", async () => {
      unhide.disabled = true;
      try {
        onChange(await api.unhide(state.animal_id));
      } catch {
        unhide.disabled = false;
        toast(t("mod.error"));
      }
    });
    parts.push(unhide);
  }
  if (state.can_request_review) {
    const ask = h("button", { type: "button", class: "secondary request-review" }, t("mod.requestReview"));
    ask.addEventListener("click", async () => {
      ask.disabled = true;
      try {
        onChange(await api.requestReview(state.animal_id));
      } catch (error) {
        ask.disabled = false;
        toast(error.status === 409 ? t("mod.alreadyRequested") : t("mod.error"));
      }
    });
    parts.push(ask);
  }
  if (state.review_requested_at) {
    parts.push(h("p", { class: "review-requested" }, t("mod.reviewRequested", { date: formatDate(state.review_requested_at) })));
  }
  return parts;
}

/**
 * A panel with the post's state for its owner. `onState(state)` is called with every state
 * read (the page may show or hide its own parts). Returns { element, stop }.
 */
export function moderationPanel(animalId, { onState } = {}) {
  const element = h("div", { class: "moderation", "aria-live": "polite" });
  let timer = null;
  let polls = 0;
  let stopped = false;
  const paint = (state) => {
    const [text, kind] = describe(state);
    replace(
      element,
      h("p", { class: `notice ${kind}`, role: "status", dataset: { state: state.state } }, text),
      state.note ? h("p", { class: "moderation-note" }, t("mod.note", { note: state.note })) : null,
      ...actions(state, paint),
    );
    onState?.(state);
  };
  const load = async () => {
    if (stopped) return;
    try {
      const state = await api.postState(animalId);
      if (stopped) return;
      paint(state);
      if (state.state === "checking" && polls++ < POLL_LIMIT) timer = setTimeout(load, POLL_MS);
    } catch {
      if (!stopped) replace(element, h("p", { class: "notice review", role: "status" }, t("mod.error")));
    }
  };
  load();
  return {
    element,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
