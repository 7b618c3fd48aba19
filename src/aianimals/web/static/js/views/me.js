// My page: my posts (hidden ones marked "under review"), the animals I liked, log out.
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { describeError } from "../errors.js";
import { t } from "../i18n.js";
import { forgetMetadata } from "../metadata.js";
import { clearSession, currentSession } from "../session.js";
import { handleLink } from "./social.js";
import { grid, message, tile } from "./tiles.js";

const LIMIT = 60;

async function myPosts(userId) {
  const [hidden, visible] = await Promise.all([
    api.animals({ user_id: userId, deactivated: true, limit: LIMIT }),
    api.animals({ user_id: userId, limit: LIMIT }),
  ]);
  return [...hidden, ...visible].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

async function myLikes(userId) {
  const likes = await api.likes({ user_id: userId, limit: LIMIT });
  const found = await Promise.all(likes.map((like) => api.animals({ id: like.animal_id })));
  return found.flat();
}

async function fill(section, title, load, empty) {
  const list = grid(title);
  replace(section, h("h2", {}, title), list);
  try {
    const animals = await load();
    if (!animals.length) section.append(message(empty));
    list.append(...animals.map((animal) => tile(animal, { badge: animal.deactivated ? t("me.review") : null })));
  } catch (error) {
    section.append(message(describeError(error, { fallback: "error.load" }), "error"));
  }
}

export async function renderMe(main) {
  const session = currentSession();
  const heading = h("h1", {}, t("me.title"));
  const logout = h("button", { type: "button", class: "secondary" }, t("me.logout"));
  logout.addEventListener("click", async () => {
    logout.disabled = true;
    await api.logout().catch(() => null); // the token is dropped here either way
    clearSession();
    forgetMetadata();
    location.hash = "#/login";
  });
  const posts = h("section", { class: "my-posts" });
  const liked = h("section", { class: "my-likes" });
  main.append(h("div", { class: "me-head" }, heading, h("p", { class: "handle" }), logout), posts, liked);
  api.me().then((me) => main.querySelector(".handle").replaceChildren(handleLink(me.handle_name))).catch(() => null);
  await Promise.all([
    fill(posts, t("me.posts"), () => myPosts(session.user_id), t("me.nothingPosted")),
    fill(liked, t("me.likes"), () => myLikes(session.user_id), t("me.nothingLiked")),
  ]);
}
