// What went wrong, as one sentence in the UI's language: never the server's English text.
// The server's error body names the fault ({code, errors: [{loc, type}]}); this maps it.
import { ApiError } from "./api.js";
import { t } from "./i18n.js";

/** "10 MB" for 10485760: how the UI states a byte limit. */
export function formatBytes(bytes) {
  const mib = bytes / (1024 * 1024);
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** The sentence for one `{loc, type}` item of an error body, or null when none fits. */
function fieldSentence(item, context) {
  const field = (item.loc || []).slice(-1)[0];
  if (typeof field !== "string") return null;
  for (const key of [`invalid.${field}.${item.type}`, `invalid.${field}`]) {
    const text = t(key, context);
    if (text !== key) return text;
  }
  return null;
}

function byStatus(error, context) {
  if (error.status === 0) return t("error.network");
  if (error.code === "payload_too_large") return t("invalid.file.too_large", context);
  if (error.code === "unsupported_media_type") return t("invalid.file.image_type");
  if (error.status === 401) return t("error.unauthorized");
  if (error.status === 403) return t("error.forbidden");
  if (error.status === 404) return t("error.notFound");
  if (error.status === 409) return t("error.conflict");
  if (error.status === 429) return t("error.tooMany");
  if (error.status >= 500) return t("error.server");
  if (error.status === 400 || error.status === 422) return t("error.invalid");
  return null;
}

/**
 * One or more sentences saying what went wrong with a request, in the UI's language.
 * `context` fills placeholders (`size`: the upload limit, as formatBytes writes it);
 * `fallback` is the message key used when nothing more precise is known.
 */
export function describeError(error, { fallback = "error.action", ...context } = {}) {
  if (!(error instanceof ApiError)) return t(fallback);
  const sentences = [];
  for (const item of error.errors || []) {
    const text = fieldSentence(item, context);
    if (text && !sentences.includes(text)) sentences.push(text);
  }
  if (sentences.length) return sentences.join(" ");
  return byStatus(error, context) ?? t(fallback);
}
