// The search grid: free text, category / breed / sort pickers, infinite scroll.
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { describeError } from "../errors.js";
import { t } from "../i18n.js";
import { breedOptions, categoryOptions, fallBackToKnown, metadata, sortOptions } from "../metadata.js";
import { rememberOrigin } from "../telemetry.js";
import { grid, message, tile } from "./tiles.js";

const PAGE_SIZE = 24;

/** Phrases as the reference split them: on ASCII and ideographic spaces. */
export function phrasesOf(text) {
  return text.split(/[\s\u3000]+/).filter(Boolean);
}

function requestOf(state) {
  const body = { phrases: phrasesOf(state.q), sort_by: state.sort };
  if (state.category) body.animal_category_name_en = state.category;
  if (state.breed) body.animal_subcategory_name_en = state.breed;
  return body;
}

/** The category and breed ids of the filters, as access logs record them. */
function filterIds(state, meta) {
  const category = meta.animal_category.find((c) => c.name_en === state.category);
  const breed = meta.animal_subcategory.find((b) => b.name_en === state.breed);
  return { categoryId: category?.id ?? null, breedId: breed?.id ?? null };
}

function stateFrom(params) {
  return {
    q: params.get("q") || "",
    category: params.get("category") || "",
    breed: params.get("breed") || "",
    sort: params.get("sort") || "score",
  };
}

function hashOf(state) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state)) if (value) params.set(name, value);
  return `#/search?${params}`;
}

function errorText(error) {
  return describeError(error, { fallback: "error.load" });
}

const SUGGEST_DELAY_MS = 150;

/** Fill the search box's datalist with completions as the user types: one request per
 * pause, an older request aborted by a newer one, failures ignored (typing goes on). */
function suggestWhileTyping(input, list) {
  let timer = null;
  let pending = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    pending?.abort();
    const typed = input.value.trim();
    if (!typed) {
      replace(list);
      return;
    }
    timer = setTimeout(async () => {
      pending = new AbortController();
      try {
        const answer = await api.suggest(typed, pending.signal);
        if (input.value.trim() !== typed) return;
        replace(list, ...answer.suggestions.map((s) => h("option", { value: s.text }, s.label === s.text ? s.kind : s.label)));
      } catch {
        // no suggestions this time
      }
    }, SUGGEST_DELAY_MS);
  });
}

export async function renderSearch(main, { params }) {
  const state = stateFrom(params);
  let body = requestOf(state);
  // The first page and the metadata load side by side: neither needs the other.
  let prefetched = api.search(body, PAGE_SIZE, 0);
  prefetched.catch(() => null);
  let meta;
  try {
    meta = await metadata();
  } catch (error) {
    main.append(message(errorText(error), "error"));
    return;
  }
  const notices = fallBackToKnown(state, meta);
  if (notices.length) {
    body = requestOf(state);
    prefetched = null; // it asked with the unknown value
  }

  const form = h("form", { class: "search-form", role: "search" });
  const queryInput = h("input", {
    id: "q", type: "search", name: "q", value: state.q, placeholder: t("search.placeholder"), enterkeyhint: "search",
    list: "q-suggestions", autocomplete: "off",
  });
  const suggestions = h("datalist", { id: "q-suggestions" });
  const category = h("select", { id: "category", name: "category" }, categoryOptions(meta, t("search.any"), state.category));
  const breed = h("select", { id: "breed", name: "breed" }, breedOptions(meta, state.category, t("search.any"), state.breed));
  const sort = h("select", { id: "sort", name: "sort" }, sortOptions(meta, state.sort));
  form.append(
    h("h1", { class: "visually-hidden" }, t("search.title")),
    h("div", { class: "query-row" },
      h("label", { for: "q", class: "visually-hidden" }, t("search.query")),
      queryInput,
      suggestions,
      h("button", { type: "submit", class: "primary" }, t("search.submit")),
    ),
    h("div", { class: "filters" },
      h("div", { class: "field" }, h("label", { for: "category" }, t("search.category")), category),
      h("div", { class: "field" }, h("label", { for: "breed" }, t("search.breed")), breed),
      h("div", { class: "field" }, h("label", { for: "sort" }, t("search.sort")), sort),
    ),
  );
  const status = h("p", { class: "hits", role: "status", "aria-live": "polite" });
  const hint = h("p", { class: "did-you-mean", hidden: true });
  suggestWhileTyping(queryInput, suggestions);
  const results = grid(t("search.title"));
  const footer = h("div", { class: "grid-footer" });
  const notice = h("p", { class: "notice url-notice", role: "status", hidden: !notices.length }, notices.join(" "));
  main.append(form, notice, status, hint, results, footer);

  const submit = () => {
    const next = hashOf({ q: queryInput.value.trim(), category: category.value, breed: breed.value, sort: sort.value });
    // The same search again is a refresh: run it anew (new results may have arrived).
    if (location.hash === next) window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = next;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  category.addEventListener("change", () => {
    replace(breed, breedOptions(meta, category.value, t("search.any"), ""));
    submit();
  });
  breed.addEventListener("change", submit);
  sort.addEventListener("change", submit);

  const { categoryId, breedId } = filterIds(state, meta);
  let offset = 0;
  let total = null;
  let loading = false;
  let gone = false;
  let failed = false; // after an error only the retry button asks again (no retry loop)

  async function loadMore() {
    if (loading || gone || (total !== null && offset >= total)) return;
    loading = true;
    failed = false;
    main.setAttribute("aria-busy", "true");
    replace(footer, h("span", { class: "spinner", role: "presentation" }));
    try {
      const pending = offset === 0 && prefetched ? prefetched : api.search(body, PAGE_SIZE, offset);
      prefetched = null; // a retry asks again
      const page = await pending;
      if (gone) return;
      const origin = {
        search_id: page.search_id,
        phrases: body.phrases,
        animal_category_id: categoryId,
        animal_subcategory_id: breedId,
        sort_by: page.sort_by,
        model_name: page.model_name,
      };
      results.append(...page.results.map((animal) => tile(animal, { onOpen: () => rememberOrigin(animal.id, origin) })));
      total = page.hits;
      offset += PAGE_SIZE;
      results.dataset.searchId = page.search_id;
      status.textContent = t("search.hits", { count: total.toLocaleString() });
      if (page.did_you_mean && page.did_you_mean !== state.q) {
        const link = h("a", { href: hashOf({ ...state, q: page.did_you_mean }) }, page.did_you_mean);
        replace(hint, `${t("search.didYouMean")} `, link);
        hint.hidden = false;
      }
      if (total === 0) replace(footer, message(t("search.empty")));
      else if (offset >= total) replace(footer, h("span", { class: "end" }, t("search.end")));
      else replace(footer);
    } catch (error) {
      if (gone) return;
      failed = true;
      replace(footer, message(errorText(error), "error"),
        h("button", { type: "button", onclick: () => loadMore() }, t("error.retry")));
    } finally {
      loading = false;
      main.removeAttribute("aria-busy");
    }
    // Keep filling while the bottom of the grid is still in view.
    if (!gone && !failed && total !== null && offset < total && footer.getBoundingClientRect().top < window.innerHeight + 400) {
      loadMore();
    }
  }

  const observer = new IntersectionObserver((entries) => {
    if (!failed && entries.some((entry) => entry.isIntersecting)) loadMore();
  }, { rootMargin: "400px 0px" });
  observer.observe(footer);
  await loadMore();
  return () => {
    gone = true;
    observer.disconnect();
  };
}
