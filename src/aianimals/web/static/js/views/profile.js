// A user's profile (#/user/<handle>): their shown posts and the likes those received.
import { api, isAbort } from "../api.js";
import { h, replace } from "../dom.js";
import { describeError } from "../errors.js";
import { t } from "../i18n.js";
import { errorState, skeletonGrid } from "./states.js";
import { grid, message, tile } from "./tiles.js";

const PAGE_SIZE = 30;

export async function renderProfile(view, { arg: handle, signal }) {
  const main = view.closest("main");
  replace(view, skeletonGrid(6));
  main?.setAttribute("aria-busy", "true");
  let profile;
  try {
    profile = await api.profile(handle, { signal });
  } catch (error) {
    if (isAbort(error) || signal.aborted) return;
    main?.removeAttribute("aria-busy");
    if (error.status === 404 || error.status === 422) {
      replace(view, message(t("profile.notFound"), "error"),
        h("p", { class: "state" }, h("a", { href: "#/search" }, t("profile.toSearch"))));
    } else {
      replace(view, errorState(error, { retry: () => renderProfile(view, { arg: handle, signal }) }));
    }
    return;
  }
  main?.removeAttribute("aria-busy");
  const stats = h("p", { class: "profile-stats" },
    t("profile.stats", { animals: profile.animals.toLocaleString(), likes: profile.likes.toLocaleString() }));
  const posts = grid(t("profile.posts", { handle: profile.handle_name }));
  const footer = h("div", { class: "grid-footer" });
  replace(view, h("div", { class: "profile-head" }, h("h1", {}, `@${profile.handle_name}`), stats),
    h("h2", {}, t("profile.postsTitle")), posts, footer);

  let offset = 0;
  async function more() {
    replace(footer, h("span", { class: "spinner", role: "presentation" }));
    try {
      const page = await api.animals({ user_id: profile.id, limit: PAGE_SIZE, offset }, { signal });
      posts.append(...page.map((animal) => tile(animal)));
      offset += page.length;
      if (offset === 0) replace(footer, message(t("profile.nothing")));
      else if (page.length < PAGE_SIZE || offset >= profile.animals) replace(footer);
      else replace(footer, h("button", { type: "button", class: "secondary", onclick: more }, t("profile.more")));
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      replace(footer, message(describeError(error, { fallback: "error.load" }), "error"),
        h("button", { type: "button", onclick: more }, t("error.retry")));
    }
  }
  await more();
}
