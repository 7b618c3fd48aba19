// The training signal: what the user did with a search result, sent to POST /v0/access_log
// with the search_id and model_name of the page the result was on. Never blocks the UI.
import { api } from "./api.js";
import { newId } from "./dom.js";

/** The result page of the tile being opened, until the detail screen takes it. */
let pending = null;

/** A tile of a result page is being opened: remember that page's search. */
export function rememberOrigin(animalId, search) {
  pending = { animalId, search };
}

/** The search `animalId` was opened from, or null (opened from elsewhere); asked once. */
export function takeOrigin(animalId) {
  const search = pending && pending.animalId === animalId ? pending.search : null;
  pending = null;
  return search;
}

/** Log `action` (select, see_long, like) on `animalId`, opened from the `search` page. */
export function logAction(search, animalId, action) {
  if (!search) return Promise.resolve(null);
  const body = {
    id: newId(), // the same id on a retry: the server stores the event once
    search_id: search.search_id,
    phrases: search.phrases,
    animal_category_id: search.animal_category_id ?? null,
    animal_subcategory_id: search.animal_subcategory_id ?? null,
    sort_by: search.sort_by,
    model_name: search.model_name ?? null,
    animal_id: animalId,
    action,
  };
  // One retry, after a pause: another API process may not have stored the search yet
  // (422 `unverified_action`), or the network blinked.
  const retry = () => new Promise((resolve) => setTimeout(resolve, 300))
    .then(() => api.accessLog(body))
    .catch(() => null);
  return api.accessLog(body).catch(retry);
}
