// What a screen shows while it loads and when loading failed: skeletons (hidden from
// assistive technology; the screen says it is busy) and error states with retry and back.
import { ApiError } from "../api.js";
import { h } from "../dom.js";
import { describeError } from "../errors.js";
import { t } from "../i18n.js";
import { goBack } from "../navigation.js";

/** Grey placeholder tiles, the size of real ones, for a grid that is loading. */
export function skeletonGrid(count) {
  return h("div", { class: "skeleton-grid", "aria-hidden": "true" },
    Array.from({ length: count }, () => h("div", { class: "skeleton" })));
}

/** The detail page's outline: photo, then a few lines of text. */
export function skeletonDetail() {
  return h("div", { class: "detail skeleton-detail", "aria-hidden": "true" },
    h("div", { class: "skeleton skeleton-photo" }),
    h("div", { class: "info" },
      h("div", { class: "skeleton skeleton-line wide" }),
      h("div", { class: "skeleton skeleton-line" }),
      h("div", { class: "skeleton skeleton-line" })));
}

/** A sentence in the UI's language for a failed request (never the raw error). */
export function errorText(error) {
  if (error instanceof ApiError && error.status === 0 && navigator.onLine === false) {
    return t("error.offline");
  }
  return describeError(error, { fallback: "error.load" });
}

/**
 * An error state: the sentence, 再試行 (runs `retry`) and, unless `back` is false,
 * 「‹ 戻る」 to the previous screen of the app (or the search screen).
 */
export function errorState(error, { retry, back = true } = {}) {
  return h("div", { class: "state error", role: "alert" },
    h("p", {}, errorText(error)),
    h("div", { class: "state-actions" },
      retry && h("button", { type: "button", class: "primary retry", onclick: retry }, t("error.retry")),
      back && h("button", { type: "button", class: "secondary", onclick: goBack },
        h("span", { "aria-hidden": "true" }, "‹ "), t("error.back"))));
}
