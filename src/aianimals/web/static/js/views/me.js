// My page: my posts (each hidden or just-posted one marked with its true state), the
// animals I liked, log out.
import { api, isAbort } from "../api.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { forgetMetadata } from "../metadata.js";
import { clearSession, currentSession } from "../session.js";
import { stateBadge } from "./moderation.js";
import { handleLink } from "./social.js";
import { errorState, skeletonGrid } from "./states.js";
import { grid, message, tile } from "./tiles.js";

const LIMIT = 60;
const CHECKING_MS = 5 * 60 * 1000; // a post this young may still be being checked

/** The moderation state of my hidden and just-posted posts (others are simply visible). */
async function withStates(animals, signal) {
  const young = Date.now() - CHECKING_MS;
  const asked = animals.filter((animal) => animal.deactivated || Date.parse(animal.created_at) > young);
  await Promise.all(asked.map(async (animal) => {
    animal.moderation = await api.postState(animal.id, { signal }).catch(() => null);
  }));
  return animals;
}

function badge(animal) {
  if (animal.moderation) return stateBadge(animal.moderation.state);
  return animal.deactivated ? t("me.review") : null;
}

async function myPosts(userId, signal) {
  const [hidden, visible] = await Promise.all([
    api.animals({ user_id: userId, deactivated: true, limit: LIMIT }, { signal }),
    api.animals({ user_id: userId, limit: LIMIT }, { signal }),
  ]);
  const mine = [...hidden, ...visible].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return withStates(mine, signal);
}

async function myLikes(userId, signal) {
  const likes = await api.likes({ user_id: userId, limit: LIMIT }, { signal });
  const found = await Promise.all(likes.map((like) => api.animals({ id: like.animal_id }, { signal })));
  return found.flat();
}

/** One section: skeleton tiles while loading, then the grid, or an error with retry. */
async function fill(section, title, load, empty, signal) {
  const list = grid(title);
  replace(section, h("h2", {}, title), list, skeletonGrid(6));
  try {
    const animals = await load();
    signal.throwIfAborted();
    replace(section, h("h2", {}, title), list);
    if (!animals.length) section.append(message(empty));
    list.append(...animals.map((animal) => tile(animal, { badge: badge(animal) })));
  } catch (error) {
    if (isAbort(error) || signal.aborted) return;
    replace(section, h("h2", {}, title),
      errorState(error, { retry: () => fill(section, title, load, empty, signal) }));
  }
}

export async function renderMe(view, { signal }) {
  const session = currentSession();
  const main = view.closest("main");
  const heading = h("h1", {}, t("me.title"));
  const logout = h("button", { type: "button", class: "secondary" }, t("me.logout"));
  logout.addEventListener("click", async () => {
    logout.disabled = true;
    await api.logout().catch(() => null); // the token is dropped here either way
    clearSession();
    forgetMetadata();
    location.hash = "#/login";
  });
  const handle = h("p", { class: "handle" });
  const posts = h("section", { class: "my-posts" });
  const liked = h("section", { class: "my-likes" });
  view.append(h("div", { class: "me-head" }, heading, handle, logout), posts, liked);
  api.me({ signal }).then((me) => handle.replaceChildren(handleLink(me.handle_name))).catch(() => null);
  main?.setAttribute("aria-busy", "true");
  await Promise.all([
    fill(posts, t("me.posts"), () => myPosts(session.user_id, signal), t("me.nothingPosted"), signal),
    fill(liked, t("me.likes"), () => myLikes(session.user_id, signal), t("me.nothingLiked"), signal),
  ]);
  if (!signal.aborted) main?.removeAttribute("aria-busy");
}
