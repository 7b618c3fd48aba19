// A grid of animal tiles: thumbnail, name and like count; shared by search and my page.
import { h } from "../dom.js";
import { t } from "../i18n.js";

// The thumbnails' longer sides: 320 px (`thumbnail_url`) and 640 px (`thumbnail_2x_url`).
const THUMBNAIL_WIDTH = 320;
// How wide a tile's photo is drawn: a tile is a third of a phone's width, about 240 px in
// the desktop grid, and shows the middle square of a photo that is typically 3:2, so the
// photo it draws from is about 1.5 times the tile's width (object-fit: cover).
const TILE_SIZES = "(min-width: 760px) 360px, 50vw";

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
      srcset: animal.thumbnail_2x_url && animal.thumbnail_2x_url !== animal.thumbnail_url
        ? `${animal.thumbnail_url} ${THUMBNAIL_WIDTH}w, ${animal.thumbnail_2x_url} ${2 * THUMBNAIL_WIDTH}w`
        : null,
      sizes: TILE_SIZES,
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
