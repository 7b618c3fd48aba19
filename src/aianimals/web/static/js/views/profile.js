// A user's profile (#/user/<handle>): their shown posts and the likes those received.
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { describeError } from "../errors.js";
import { t } from "../i18n.js";
import { grid, message, tile } from "./tiles.js";

const PAGE_SIZE = 30;

export async function renderProfile(main, { arg: handle }) {
  let profile;
  try {
    profile = await api.profile(handle);
  } catch (error) {
    const text = error.status === 404 || error.status === 422 ? t("profile.notFound") : describeError(error, { fallback: "error.load" });
    main.append(message(text, "error"), h("p", { class: "state" }, h("a", { href: "#/search" }, t("profile.toSearch"))));
    return;
  }
  const stats = h("p", { class: "profile-stats" },
    t("profile.stats", { animals: profile.animals.toLocaleString(), likes: profile.likes.toLocaleString() }));
  const posts = grid(t("profile.posts", { handle: profile.handle_name }));
  const footer = h("div", { class: "grid-footer" });
  main.append(h("div", { class: "profile-head" }, h("h1", {}, `@${profile.handle_name}`), stats),
    h("h2", {}, t("profile.postsTitle")), posts, footer);

  let offset = 0;
  let gone = false;
  async function more() {
    replace(footer, h("span", { class: "spinner", role: "presentation" }));
    try {
      const page = await api.animals({ user_id: profile.id, limit: PAGE_SIZE, offset });
      if (gone) return;
      posts.append(...page.map((animal) => tile(animal)));
      offset += page.length;
      if (offset === 0) replace(footer, message(t("profile.nothing")));
      else if (page.length < PAGE_SIZE || offset >= profile.animals) replace(footer);
      else replace(footer, h("button", { type: "button", class: "secondary", onclick: more }, t("profile.more")));
    } catch (error) {
      if (gone) return;
      replace(footer, message(describeError(error, { fallback: "error.load" }), "error"),
        h("button", { type: "button", onclick: more }, t("error.retry")));
    }
  }
  await more();
  return () => {
    gone = true;
  };
}
