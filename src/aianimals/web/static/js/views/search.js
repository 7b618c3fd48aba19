// The search grid: free text, category / breed / sort pickers, infinite scroll.
// Its loaded pages and scroll position are kept per history entry, so Back to it shows
// the same results in the same order at the same place.
import { api, isAbort } from "../api.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { breedOptions, categoryOptions, fallBackToKnown, metadata, sortOptions } from "../metadata.js";
import { rememberOrigin } from "../telemetry.js";
import { canGoBack } from "../navigation.js";
import { errorState, skeletonGrid } from "./states.js";
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

/** The grids left on earlier history entries, by entry key (the most recent few). */
const kept = new Map();
const KEPT_ENTRIES = 20;

function keep(key, saved) {
  kept.delete(key);
  kept.set(key, saved);
  while (kept.size > KEPT_ENTRIES) kept.delete(kept.keys().next().value);
}

const SUGGEST_DELAY_MS = 150;

/** Fill the search box's datalist with completions as the user types: one request per
 * pause, an older request aborted by a newer one, failures ignored (typing goes on). */
function suggestWhileTyping(input, list, signal) {
  let timer = null;
  let pending = null;
  signal.addEventListener("abort", () => {
    clearTimeout(timer);
    pending?.abort();
  });
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

export async function renderSearch(view, { params, entry, signal }) {
  const state = stateFrom(params);
  let body = requestOf(state);
  const main = view.closest("main");
  // What this entry showed before (Back to it): the same pages, the same place.
  const before = kept.get(entry.key);
  const restored = before && before.hash === location.hash ? before : null;
  const saved = restored ?? { hash: location.hash, pages: [], total: null, didYouMean: null, scrollY: 0 };
  if (!restored) kept.delete(entry.key);

  // The form shows at once; its pickers fill in when the metadata arrives.
  const form = h("form", { class: "search-form", role: "search" });
  const queryInput = h("input", {
    id: "q", type: "search", name: "q", value: state.q, placeholder: t("search.placeholder"), enterkeyhint: "search",
    list: "q-suggestions", autocomplete: "off",
  });
  const suggestions = h("datalist", { id: "q-suggestions" });
  const picker = (id, selected) =>
    h("select", { id, name: id, disabled: true }, h("option", { value: selected }, selected ? "…" : t("search.any")));
  const category = picker("category", state.category);
  const breed = picker("breed", state.breed);
  const sort = h("select", { id: "sort", name: "sort", disabled: true },
    h("option", { value: state.sort }, t(`sort.${state.sort}`)));
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
  suggestWhileTyping(queryInput, suggestions, signal);
  const results = grid(t("search.title"));
  const footer = h("div", { class: "grid-footer" });
  // An unknown sort, kind or breed in the URL falls back to the default, and says so.
  const notice = h("p", { class: "notice url-notice", role: "status", hidden: true });
  view.append(form, notice, status, hint, results, footer);

  const submit = () => {
    const next = hashOf({ q: queryInput.value.trim(), category: category.value, breed: breed.value, sort: sort.value });
    // The same search again is a refresh: run it anew (new results may have arrived).
    if (location.hash === next) {
      kept.delete(entry.key);
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } else {
      location.hash = next;
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });

  let meta = null;
  /** The pickers, once the metadata is known (an unknown value in the URL is dropped). */
  const fillPickers = (known) => {
    if (signal.aborted || meta) return;
    meta = known;
    const notices = fallBackToKnown(state, meta);
    if (notices.length) {
      body = requestOf(state);
      notice.textContent = notices.join(" ");
      notice.hidden = false;
    }
    replace(category, categoryOptions(meta, t("search.any"), state.category));
    replace(breed, breedOptions(meta, state.category, t("search.any"), state.breed));
    replace(sort, sortOptions(meta, state.sort));
    for (const select of [category, breed, sort]) select.disabled = false;
  };
  // Known after the first screen: the pickers work at once, before the results come.
  metadata().then(fillPickers, () => null);
  category.addEventListener("change", () => {
    replace(breed, breedOptions(meta, category.value, t("search.any"), ""));
    submit();
  });
  breed.addEventListener("change", submit);
  sort.addEventListener("change", submit);

  const busy = (on) => {
    if (signal.aborted) return;
    if (on) main?.setAttribute("aria-busy", "true");
    else main?.removeAttribute("aria-busy");
  };
  const loaded = () => saved.pages.length * PAGE_SIZE;
  const complete = () => saved.total !== null && loaded() >= saved.total;

  function show(page) {
    results.append(...page.results.map((animal) => tile(animal, { onOpen: () => rememberOrigin(animal.id, page.origin) })));
    results.dataset.searchId = page.origin.search_id;
    status.textContent = t("search.hits", { count: saved.total.toLocaleString() });
    if (saved.didYouMean && saved.didYouMean !== state.q) {
      const link = h("a", { href: hashOf({ ...state, q: saved.didYouMean }) }, saved.didYouMean);
      replace(hint, `${t("search.didYouMean")} `, link);
      hint.hidden = false;
    }
    if (saved.total === 0) replace(footer, message(t("search.empty")));
    else if (complete()) replace(footer, h("span", { class: "end" }, t("search.end")));
    else replace(footer);
  }

  // The first page and the metadata load side by side: neither needs the other.
  let prefetched = restored ? null : { body, answer: api.search(body, PAGE_SIZE, 0, { signal }) };
  prefetched?.answer.catch(() => null);
  let loading = false;
  let failed = false; // after an error only the retry button asks again (no retry loop)

  async function loadMore() {
    if (loading || signal.aborted || complete()) return;
    loading = true;
    failed = false;
    busy(true);
    replace(footer, saved.pages.length ? h("span", { class: "spinner", role: "presentation" }) : skeletonGrid(12));
    try {
      const offset = loaded();
      const first = offset === 0 && prefetched;
      const asked = first ? prefetched.body : body;
      let pending = first ? prefetched.answer : api.search(body, PAGE_SIZE, offset, { signal });
      prefetched = null; // a retry asks again
      pending.catch(() => null); // awaited below, after the metadata
      fillPickers(meta ?? (await metadata()));
      signal.throwIfAborted();
      // the URL asked for a sort or filter that does not exist: ask again without it
      if (asked !== body) pending = api.search(body, PAGE_SIZE, offset, { signal });
      const answer = await pending;
      signal.throwIfAborted();
      const { categoryId, breedId } = filterIds(state, meta);
      const page = {
        origin: {
          search_id: answer.search_id,
          phrases: body.phrases,
          animal_category_id: categoryId,
          animal_subcategory_id: breedId,
          sort_by: answer.sort_by,
          model_name: answer.model_name,
        },
        results: answer.results,
      };
      saved.pages.push(page);
      saved.total = answer.hits;
      saved.didYouMean = answer.did_you_mean ?? null;
      keep(entry.key, saved);
      show(page);
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      failed = true;
      replace(footer, errorState(error, { retry: () => loadMore(), back: canGoBack() }));
    } finally {
      loading = false;
      busy(false);
    }
    // Keep filling while the bottom of the grid is still in view.
    if (!signal.aborted && !failed && !complete() && footer.getBoundingClientRect().top < window.innerHeight + 400) {
      loadMore();
    }
  }

  if (restored) {
    // Back to this entry: the pages it had, then the place it was scrolled to.
    for (const page of saved.pages) show(page);
    window.scrollTo(0, saved.scrollY);
  }
  const remember = () => {
    saved.scrollY = window.scrollY;
  };
  window.addEventListener("scroll", remember, { passive: true, signal });

  const observer = new IntersectionObserver((entries) => {
    if (!failed && entries.some((seen) => seen.isIntersecting)) loadMore();
  }, { rootMargin: "400px 0px" });
  observer.observe(footer);
  signal.addEventListener("abort", () => observer.disconnect());
  if (!restored) await loadMore();
}
