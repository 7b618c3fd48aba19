// Where the app stands in the browser's history: each entry gets a key (for views that
// keep their state per entry, such as the search grid) and an in-app depth, so that the
// app's own back button never leaves the app.
import { newId } from "./dom.js";

let depth = null; // the current entry's depth; null before the first screen
let replacing = false;

/** Go to `hash` in place of the current entry (a redirect, not a step the user takes). */
export function replaceHash(hash) {
  replacing = true;
  location.replace(hash);
}

/** The current entry's {key, depth}: stored on it the first time the router sees it. */
export function enterEntry() {
  const state = history.state;
  if (state && typeof state.key === "string" && Number.isInteger(state.depth)) {
    depth = state.depth;
    replacing = false;
    return state;
  }
  const entry = { key: newId(), depth: depth === null ? 0 : replacing ? depth : depth + 1 };
  replacing = false;
  history.replaceState(entry, "");
  depth = entry.depth;
  return entry;
}

/** Whether an earlier entry of this tab is a screen of the app. */
export function canGoBack() {
  return Number.isInteger(history.state?.depth) && history.state.depth > 0;
}

/** The previous screen of the app; the search screen when the app was opened here. */
export function goBack() {
  if (canGoBack()) history.back();
  else replaceHash("#/search");
}
