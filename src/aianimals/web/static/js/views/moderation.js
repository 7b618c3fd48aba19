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

const REPORT_TYPES = [
  "no_animal_violation",
  "inappropriate_violation",
  "human_face_violation",
  "not_photo_violation",
  "copyright_violation",
];

function reportError(error) {
  if (error.status === 409) return t("report.already");
  if (error.status === 429) return t("report.tooMany");
  return t("report.failed");
}

/** 通報 on another user's post: a reason, optional words, sent once. */
export function reportControl(animalId) {
  const section = h("section", { class: "report" });
  const open = h("button", { type: "button", class: "secondary report-open" }, t("report.open"));
  const done = (text, kind) => replace(section, h("p", { class: `notice ${kind}`, role: "status" }, text));
  open.addEventListener("click", () => {
    const kind = h("select", { id: "report-type", name: "violation_type" },
      REPORT_TYPES.map((type) => h("option", { value: type }, t(`report.type.${type}`))));
    const words = h("textarea", { id: "report-reason", name: "reason", maxlength: "500", rows: "3" });
    const send = h("button", { type: "submit" }, t("report.send"));
    const cancel = h("button", { type: "button", class: "secondary" }, t("report.cancel"));
    const form = h("form", { class: "report-form", "aria-label": t("report.open") },
      h("label", { for: "report-type" }, t("report.kind")), kind,
      h("label", { for: "report-reason" }, t("report.reason")), words,
      h("p", { class: "report-actions" }, send, cancel));
    cancel.addEventListener("click", () => replace(section, open));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      send.disabled = true;
      try {
        await api.report(animalId, { violation_type: kind.value, reason: words.value });
        done(t("report.sent"), "visible");
      } catch (error) {
        send.disabled = false;
        if (error.status === 409 || error.status === 429) done(reportError(error), "review");
        else toast(reportError(error));
      }
    });
    replace(section, form);
    kind.focus();
  });
  replace(section, open);
  return section;
}
