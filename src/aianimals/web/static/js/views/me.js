// My page: my posts (each hidden or just-posted one marked with its true state), the
// animals I liked, log out.
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { forgetMetadata } from "../metadata.js";
import { clearSession, currentSession } from "../session.js";
import { stateBadge } from "./moderation.js";
import { grid, message, tile } from "./tiles.js";

const LIMIT = 60;
const CHECKING_MS = 5 * 60 * 1000; // a post this young may still be being checked

/** The moderation state of my hidden and just-posted posts (others are simply visible). */
async function withStates(animals) {
  const young = Date.now() - CHECKING_MS;
  const asked = animals.filter((animal) => animal.deactivated || Date.parse(animal.created_at) > young);
  await Promise.all(asked.map(async (animal) => {
    animal.moderation = await api.postState(animal.id).catch(() => null);
  }));
  return animals;
}

function badge(animal) {
  if (animal.moderation) return stateBadge(animal.moderation.state);
  return animal.deactivated ? t("me.review") : null;
}

async function myPosts(userId) {
  const [hidden, visible] = await Promise.all([
    api.animals({ user_id: userId, deactivated: true, limit: LIMIT }),
    api.animals({ user_id: userId, limit: LIMIT }),
  ]);
  return withStates([...hidden, ...visible].sort((a, b) => b.created_at.localeCompare(a.created_at)));
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
    list.append(...animals.map((animal) => tile(animal, { badge: badge(animal) })));
  } catch (error) {
    section.append(message(`${t("error.load")} ${error.message}`, "error"));
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
  api.me().then((me) => (main.querySelector(".handle").textContent = `@${me.handle_name}`)).catch(() => null);
  await Promise.all([
    fill(posts, t("me.posts"), () => myPosts(session.user_id), t("me.nothingPosted")),
    fill(liked, t("me.likes"), () => myLikes(session.user_id), t("me.nothingLiked")),
  ]);
}
