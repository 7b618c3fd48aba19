// The public /v0 API, the only server interface the app uses.
import { clearSession, currentSession } from "./session.js";

export class ApiError extends Error {
  constructor(status, detail, errors = [], code = "") {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
    this.code = code;
  }
}

/** Whether `error` is a request cancelled by its view's AbortSignal (never an error state). */
export function isAbort(error) {
  return error?.name === "AbortError";
}

let onUnauthorized = () => {};

/** What to do when the API answers 401 (the token expired or was revoked). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function call(method, path, { params, json, form, auth = true, signal } = {}) {
  const headers = { Accept: "application/json" };
  const session = currentSession();
  if (auth && session) headers.Authorization = `Bearer ${session.token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  let response;
  try {
    response = await fetch(`/v0${path}${query(params)}`, { method, headers, body, signal });
  } catch (error) {
    if (isAbort(error) || signal?.aborted) throw signal?.reason ?? error;
    throw new ApiError(0, "network");
  }
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => null);
  signal?.throwIfAborted(); // a late answer for a view that is gone
  if (!response.ok) {
    if (response.status === 401 && auth) {
      clearSession();
      onUnauthorized();
    }
    throw new ApiError(response.status, payload?.detail, payload?.errors || [], payload?.code || "");
  }
  return payload;
}

// Every call takes `{signal}` last: a view passes its own, so leaving it cancels them.
export const api = {
  login: (body) => call("POST", "/user/login", { json: body, auth: false }),
  signUp: (body) => call("POST", "/user", { json: body, auth: false }),
  logout: () => call("POST", "/user/logout"),
  me: ({ signal } = {}) => call("GET", "/user/me", { signal }),
  metadata: ({ signal } = {}) => call("GET", "/metadata", { signal }),
  search: (body, limit, offset, { signal } = {}) =>
    call("POST", "/animal/search", { json: body, params: { limit, offset }, signal }),
  suggest: (q, signal) => call("GET", "/animal/search/suggest", { params: { q, limit: 8 }, signal }),
  similar: (id, { signal } = {}) => call("POST", "/animal/search/similar", { json: { id }, signal }),
  animals: (params, { signal } = {}) => call("GET", "/animal", { params, signal }),
  likedBy: (animalId, { limit = 50, signal } = {}) =>
    call("GET", "/animal/liked_by", { params: { animal_id: animalId, limit }, signal }),
  profile: (handle, { signal } = {}) => call("GET", "/user/profile", { params: { handle_name: handle }, signal }),
  likes: (params, { signal } = {}) => call("GET", "/like", { params, signal }),
  like: (animalId) => call("POST", "/like", { json: { animal_id: animalId } }),
  unlike: (animalId) => call("DELETE", "/like", { params: { animal_id: animalId } }),
  post: (form) => call("POST", "/animal", { form }),
  hide: (id) => call("DELETE", "/animal", { params: { id } }),
  postState: (id, { signal } = {}) => call("GET", "/animal/moderation", { params: { id }, signal }),
  unhide: (id) => call("POST", "/animal/moderation/unhide", { params: { id } }),
  requestReview: (id) => call("POST", "/animal/moderation/review_request", { params: { id } }),
  report: (id, body) => call("POST", "/animal/report", { params: { id }, json: body }),
  accessLog: (body) => call("POST", "/access_log", { json: body }),
};
