// A grid of animal tiles: thumbnail, name and like count; shared by search and my page.
import { h } from "../dom.js";
import { t } from "../i18n.js";

export function grid(label) {
  return h("ul", { class: "grid", "aria-label": label });
}

/** One tile linking to the animal's page; `onOpen` runs before navigation. */
export function tile(animal, { onOpen, badge } = {}) {
  const link = h(
    "a",
    { href: `#/animal/${animal.id}`, class: "tile", onclick: () => onOpen?.(animal) },
    h("img", {
      src: animal.thumbnail_url,
      alt: animal.name,
      loading: "lazy",
      decoding: "async",
      width: 320,
      height: 320,
    }),
    badge && h("span", { class: "badge" }, badge),
    h(
      "span",
      { class: "tile-caption" },
      h("span", { class: "tile-name" }, animal.name),
      h("span", { class: "tile-likes", "aria-label": t("likes.count", { count: animal.like }) }, `♥ ${animal.like}`),
    ),
  );
  return h("li", { dataset: { animalId: animal.id } }, link);
}

export function message(text, kind = "empty") {
  return h("p", { class: `state ${kind}` }, text);
}
