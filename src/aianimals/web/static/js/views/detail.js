// One animal: photo, texts, breed, owner, like toggle, who liked it, similar animals.
import { api, isAbort } from "../api.js";
import { h, replace, toast } from "../dom.js";
import { describeError } from "../errors.js";
import { formatDate, t } from "../i18n.js";
import { goBack } from "../navigation.js";
import { currentSession } from "../session.js";
import { logAction, rememberOrigin, takeOrigin } from "../telemetry.js";
import { moderationPanel, reportControl } from "./moderation.js";
import { copyLinkButton, fillLikedBy, handleLink, likedByHeading, tagLinks } from "./social.js";
import { errorState, skeletonDetail } from "./states.js";
import { tile } from "./tiles.js";
import { photoButton } from "./viewer.js";

const SEE_LONG_MS = 5000;

async function findAnimal(id, signal) {
  const [visible] = await api.animals({ id }, { signal });
  if (visible) return visible;
  const [hidden] = await api.animals({ id, deactivated: true }, { signal }); // the caller's own, under review
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

async function similarStrip(animalId, section, signal) {
  try {
    const page = await api.similar(animalId, { signal });
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

function hideButton(animal, signal) {
  const button = h("button", { type: "button", class: "secondary hide-post" }, t("detail.hide"));
  button.addEventListener("click", async () => {
    if (!window.confirm(t("detail.hideConfirm"))) return;
    button.disabled = true;
    try {
      await api.hide(animal.id);
      if (!signal.aborted) location.hash = "#/me";
    } catch (error) {
      button.disabled = false;
      toast(describeError(error));
    }
  });
  return button;
}

function backButton() {
  return h("button", { type: "button", class: "back", onclick: goBack }, h("span", { "aria-hidden": "true" }, "‹ "), t("detail.back"));
}

export function renderDetail(view, { arg: id, params, signal }) {
  return showDetail(view, id, params, signal, takeOrigin(id));
}

async function showDetail(view, id, params, signal, origin) {
  let animal;
  let likes;
  const main = view.closest("main");
  replace(view, backButton(), skeletonDetail());
  main?.setAttribute("aria-busy", "true");
  try {
    const session = currentSession();
    [animal, likes] = await Promise.all([
      findAnimal(id, signal),
      api.likes({ animal_id: id, user_id: session.user_id }, { signal }),
    ]);
  } catch (error) {
    if (isAbort(error) || signal.aborted) return;
    main?.removeAttribute("aria-busy");
    if (error.status === 422 || error.status === 404) replace(view, backButton(), notFound());
    else replace(view, errorState(error, { retry: () => showDetail(view, id, params, signal, origin) }));
    return;
  }
  main?.removeAttribute("aria-busy");
  if (!animal) {
    replace(view, backButton(), notFound());
    return;
  }
  const ownPost = animal.user_id === currentSession()?.user_id;
  // --- Moderation (owner only): the post's true state, 再表示, a review request. ---
  const hide = ownPost ? hideButton(animal, signal) : null;
  if (hide) hide.hidden = animal.deactivated;
  const showHide = (state) => (hide.hidden = !["visible", "checking"].includes(state.state));
  const moderation = ownPost ? moderationPanel(animal.id, { onState: showHide }) : null;
  if (moderation) signal.addEventListener("abort", () => moderation.stop());
  const reviewNotice = !ownPost && animal.deactivated && h("p", { class: "notice review", role: "status" }, t("detail.review"));
  const report = !ownPost && !animal.deactivated && reportControl(animal.id);
  // --- end of moderation ---
  const likedBy = h("ul", { class: "liked-by" });
  const likedByTitle = likedByHeading(animal.like);
  const similar = h("section", { class: "similar", hidden: true });
  const like = likeButton(animal, likes.length > 0, origin);
  // A double tap on the photo likes it (never unlikes, as in other photo apps).
  const photo = photoButton(animal, { onDoubleTap: () => like.getAttribute("aria-pressed") !== "true" && like.click() });
  const article = h("article", { class: "detail" },
    h("div", { class: "photo" }, photo),
    h("div", { class: "info" },
      params.get("posted") && h("p", { class: "notice", role: "status" }, t("detail.justPosted")),
      moderation?.element,
      reviewNotice,
      h("h1", {}, animal.name),
      tagLinks(animal),
      h("div", { class: "detail-actions" }, like, copyLinkButton()),
      animal.description && h("p", { class: "description" }, animal.description),
      h("dl", { class: "facts" },
        h("dt", {}, t("detail.owner")), h("dd", {}, handleLink(animal.user_handle_name)),
        h("dt", {}, t("detail.posted")), h("dd", {}, h("time", { datetime: animal.created_at }, formatDate(animal.created_at))),
      ),
      likedByTitle,
      likedBy,
      hide,
      report,
    ),
  );
  article.addEventListener("likes-changed", (event) => fillLikedBy(animal.id, event.detail.count, likedBy, likedByTitle, signal));
  replace(view, backButton(), article, similar);
  fillLikedBy(animal.id, animal.like, likedBy, likedByTitle, signal);
  if (!animal.deactivated) similarStrip(animal.id, similar, signal);

  if (origin) {
    logAction(origin, animal.id, "select");
    const timer = setTimeout(() => logAction(origin, animal.id, "see_long"), SEE_LONG_MS);
    signal.addEventListener("abort", () => clearTimeout(timer));
  }
}

function notFound() {
  return h("section", { class: "not-found" },
    h("h1", {}, t("detail.notFound")),
    h("p", {}, h("a", { href: "#/search", class: "button secondary" }, t("detail.toSearch"))));
}
