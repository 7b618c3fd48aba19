// Categories, breeds and sort keys from GET /v0/metadata, loaded once per session.
import { api } from "./api.js";
import { h } from "./dom.js";
import { localName, t } from "./i18n.js";

let loaded = null;

export function metadata() {
  loaded ??= api.metadata().catch((error) => {
    loaded = null;
    throw error;
  });
  return loaded;
}

export function forgetMetadata() {
  loaded = null;
}

/** <option>s of every category, after an optional first one. */
export function categoryOptions(meta, first, selected) {
  return [
    first && h("option", { value: "" }, first),
    ...meta.animal_category.map((c) =>
      h("option", { value: c.name_en, selected: c.name_en === selected }, localName(c)),
    ),
  ];
}

/** <option>s of the breeds of the category named `categoryEn` (every breed when empty). */
export function breedOptions(meta, categoryEn, first, selected) {
  const breeds = meta.animal_subcategory.filter(
    (b) => !categoryEn || b.animal_category_name_en === categoryEn,
  );
  return [
    first && h("option", { value: "" }, first),
    ...breeds.map((b) => h("option", { value: b.name_en, selected: b.name_en === selected }, localName(b))),
  ];
}

export function sortOptions(meta, selected) {
  return meta.animal_search_sort_key.map((key) =>
    h("option", { value: key, selected: key === selected }, t(`sort.${key}`)),
  );
}

/**
 * Put back the defaults of a search state's values the server does not know (a sort,
 * category or breed typed or kept in a URL), so the search runs instead of failing; the
 * sentences say what was dropped. Changes `state` in place.
 */
export function fallBackToKnown(state, meta) {
  const notices = [];
  const sorts = meta.animal_search_sort_key;
  if (state.sort && !sorts.includes(state.sort)) {
    notices.push(t("search.unknownSort", { value: state.sort, fallback: t(`sort.${sorts[0]}`) }));
    state.sort = sorts[0];
  }
  if (state.category && !meta.animal_category.some((c) => c.name_en === state.category)) {
    notices.push(t("search.unknownFilter", { value: state.category }));
    state.category = "";
    state.breed = "";
  }
  const breed = meta.animal_subcategory.find((b) => b.name_en === state.breed);
  if (state.breed && (!breed || (state.category && breed.animal_category_name_en !== state.category))) {
    notices.push(t("search.unknownFilter", { value: state.breed }));
    state.breed = "";
  }
  return notices;
}
