// One animal: photo, texts, breed, owner, like toggle, who liked it, similar animals.
import { api } from "../api.js";
import { h, replace, toast } from "../dom.js";
import { describeError } from "../errors.js";
import { formatDate, t } from "../i18n.js";
import { currentSession } from "../session.js";
import { logAction, rememberOrigin, takeOrigin } from "../telemetry.js";
import { copyLinkButton, fillLikedBy, handleLink, likedByHeading, tagLinks } from "./social.js";
import { message, tile } from "./tiles.js";

const SEE_LONG_MS = 5000;

async function findAnimal(id) {
  const [visible] = await api.animals({ id });
  if (visible) return visible;
  const [hidden] = await api.animals({ id, deactivated: true }); // the caller's own, under review
  return hidden ?? null;
}

function likeButton(animal, likedAtStart, origin) {
  let liked = likedAtStart;
  let count = animal.like;
  let busy = false;
  const label = h("span");
  const counter = h("span", { class: "like-count" });
  const button = h("button", { type: "button", class: "like-button" }, h("span", { class: "heart", "aria-hidden": "true" }), label, counter);
  const paint = () => {
    button.setAttribute("aria-pressed", String(liked));
    button.querySelector(".heart").textContent = liked ? "♥" : "♡";
    label.textContent = liked ? t("detail.liked") : t("detail.like");
    counter.textContent = String(count);
  };
  button.addEventListener("click", async () => {
    if (busy) return;
    busy = true;
    const before = { liked, count };
    liked = !liked;
    count += liked ? 1 : -1;
    paint();
    try {
      if (liked) {
        await api.like(animal.id);
        logAction(origin, animal.id, "like");
      } else {
        await api.unlike(animal.id);
      }
      const [fresh] = await api.animals({ id: animal.id });
      if (fresh) count = fresh.like;
      button.dispatchEvent(new CustomEvent("likes-changed", { bubbles: true, detail: { count } }));
    } catch (error) {
      ({ liked, count } = before);
      toast(describeError(error));
    } finally {
      busy = false;
      paint();
    }
  });
  paint();
  return button;
}

async function similarStrip(animalId, section) {
  try {
    const page = await api.similar(animalId);
    if (!page.results.length) return;
    const origin = { search_id: page.search_id, phrases: ["image_search"], sort_by: page.sort_by, model_name: page.model_name };
    const strip = h("ul", { class: "strip", "aria-label": t("detail.similar") },
      page.results.map((animal) => tile(animal, { onOpen: () => rememberOrigin(animal.id, origin) })));
    replace(section, h("h2", {}, t("detail.similar")), strip);
    section.hidden = false;
  } catch {
    section.hidden = true; // no similar-image service (yet), or nothing to show
  }
}

function hideButton(animal) {
  const button = h("button", { type: "button", class: "secondary hide-post" }, t("detail.hide"));
  button.addEventListener("click", async () => {
    if (!window.confirm(t("detail.hideConfirm"))) return;
    button.disabled = true;
    try {
      await api.hide(animal.id);
      location.hash = "#/me";
    } catch (error) {
      button.disabled = false;
      toast(describeError(error));
    }
  });
  return button;
}

export async function renderDetail(main, { arg: id, params }) {
  const origin = takeOrigin(id);
  let animal;
  let likes;
  try {
    const session = currentSession();
    [animal, likes] = await Promise.all([findAnimal(id), api.likes({ animal_id: id, user_id: session.user_id })]);
  } catch (error) {
    main.append(message(error.status === 422 ? t("detail.notFound") : describeError(error, { fallback: "error.load" }), "error"));
    return;
  }
  if (!animal) {
    main.append(message(t("detail.notFound"), "error"));
    return;
  }
  const ownPost = animal.user_id === currentSession()?.user_id;
  const back = h("button", { type: "button", class: "back", onclick: () => (history.length > 1 ? history.back() : (location.hash = "#/search")) },
    h("span", { "aria-hidden": "true" }, "‹ "), t("detail.back"));
  const likedBy = h("ul", { class: "liked-by" });
  const likedByTitle = likedByHeading(animal.like);
  const similar = h("section", { class: "similar", hidden: true });
  const article = h("article", { class: "detail" },
    h("div", { class: "photo" }, h("img", { src: animal.photo_url, alt: animal.name, decoding: "async" })),
    h("div", { class: "info" },
      params.get("posted") && h("p", { class: "notice", role: "status" }, t("detail.justPosted")),
      animal.deactivated && h("p", { class: "notice review", role: "status" }, t("detail.review")),
      h("h1", {}, animal.name),
      tagLinks(animal),
      h("div", { class: "detail-actions" }, likeButton(animal, likes.length > 0, origin), copyLinkButton()),
      animal.description && h("p", { class: "description" }, animal.description),
      h("dl", { class: "facts" },
        h("dt", {}, t("detail.owner")), h("dd", {}, handleLink(animal.user_handle_name)),
        h("dt", {}, t("detail.posted")), h("dd", {}, h("time", { datetime: animal.created_at }, formatDate(animal.created_at))),
      ),
      likedByTitle,
      likedBy,
      ownPost && !animal.deactivated && hideButton(animal),
    ),
  );
  article.addEventListener("likes-changed", (event) => fillLikedBy(animal.id, event.detail.count, likedBy, likedByTitle));
  main.append(back, article, similar);
  fillLikedBy(animal.id, animal.like, likedBy, likedByTitle);
  if (!animal.deactivated) similarStrip(animal.id, similar);

  let timer = null;
  if (origin) {
    logAction(origin, animal.id, "select");
    timer = setTimeout(() => logAction(origin, animal.id, "see_long"), SEE_LONG_MS);
  }
  return () => clearTimeout(timer);
}
