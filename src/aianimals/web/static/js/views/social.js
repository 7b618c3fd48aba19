// The detail page's social parts: who liked it, tappable handles and tags.
import { api } from "../api.js";
import { h, replace, toast } from "../dom.js";
import { localName, t } from "../i18n.js";

const SHOWN_LIKERS = 20;

/** "#/user/dog_leigh": a user's profile page. */
export function profileHash(handle) {
  return `#/user/${encodeURIComponent(handle)}`;
}

/** "@handle", linking to the user's profile. */
export function handleLink(handle) {
  return h("a", { href: profileHash(handle), class: "handle-link" }, `@${handle}`);
}

/** The category and breed of an animal as chips linking to search filtered by them. */
export function tagLinks(animal) {
  const kind = { name_en: animal.animal_category_name_en, name_ja: animal.animal_category_name_ja };
  const breed = { name_en: animal.animal_subcategory_name_en, name_ja: animal.animal_subcategory_name_ja };
  const byKind = new URLSearchParams({ category: kind.name_en });
  const byBreed = new URLSearchParams({ category: kind.name_en, breed: breed.name_en });
  return h("p", { class: "chips" },
    h("a", { class: "chip", href: `#/search?${byKind}` }, localName(kind)),
    h("a", { class: "chip", href: `#/search?${byBreed}` }, localName(breed)));
}

/** The heading of the likers' list: "いいねした人 307人". */
export function likedByHeading(count) {
  return h("h2", { class: "liked-by-heading" }, t("detail.likedBy"), " ",
    h("span", { class: "liked-by-count" }, t("detail.likedByCount", { count: count.toLocaleString() })));
}

/**
 * Fill `list` with the first likers' handles (links to their profiles) and 「ほか N 人」
 * for the rest; `total` is the animal's like count. The heading's count is kept in step.
 */
export async function fillLikedBy(animalId, total, list, heading, signal) {
  try {
    const users = await api.likedBy(animalId, { limit: SHOWN_LIKERS, signal });
    const count = Math.max(total, users.length);
    replace(heading, ...likedByHeading(count).childNodes);
    if (!users.length) {
      replace(list, h("li", { class: "muted" }, t("detail.nobody")));
      return;
    }
    const rest = count - users.length;
    replace(list, users.map((user) => h("li", {}, handleLink(user.handle_name))),
      rest > 0 && h("li", { class: "liked-by-rest" }, t("detail.andOthers", { count: rest.toLocaleString() })));
  } catch {
    replace(list);
  }
}

/** A button that copies this page's address, for sharing the animal elsewhere. */
export function copyLinkButton() {
  return h("button", {
    type: "button",
    class: "secondary copy-link",
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(location.href);
        toast(t("detail.copied"));
      } catch {
        toast(t("error.action"));
      }
    },
  }, t("detail.copyLink"));
}
