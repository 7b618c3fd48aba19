// Boot: language, the hash router, the header. Screens live in views/.
//
// Each screen is mounted into a fresh container of its own with an AbortSignal: leaving it
// (any hash change) aborts the signal first, which cancels its requests, drops their late
// answers and stops its observers and timers, and then replaces the container, so a screen
// that is still loading can never draw into the next one.
import { isAbort, whenUnauthorized } from "./api.js";
import { h, replace } from "./dom.js";
import { language, setLanguage, t, translateStatic } from "./i18n.js";
import { enterEntry, replaceHash } from "./navigation.js";
import { currentSession } from "./session.js";
import { renderLogin, renderSignUp } from "./views/auth.js";
import { renderDetail } from "./views/detail.js";
import { renderMe } from "./views/me.js";
import { renderPost } from "./views/post.js";
import { renderProfile } from "./views/profile.js";
import { renderSearch } from "./views/search.js";

const ROUTES = {
  login: { render: renderLogin, public: true },
  signup: { render: renderSignUp, public: true },
  search: { render: renderSearch },
  animal: { render: renderDetail },
  post: { render: renderPost },
  me: { render: renderMe },
  user: { render: renderProfile },
};

let leave = null; // the AbortController of the screen now shown

/** "#/animal/abc?x=1" → {name: "animal", arg: "abc", params: URLSearchParams}. */
export function parseHash(hash) {
  const [path, queryText = ""] = hash.replace(/^#\/?/, "").split("?");
  const [name, arg = ""] = path.split("/");
  return { name: name || "search", arg: decodeURIComponent(arg), params: new URLSearchParams(queryText) };
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const { name, arg, params } = parseHash(location.hash);
  const target = ROUTES[name] ?? ROUTES.search;
  leave?.abort();
  leave = null;
  if (!target.public && !currentSession()) {
    const next = encodeURIComponent(location.hash || "#/search");
    replaceHash(`#/login?next=${next}`);
    return;
  }
  const entry = enterEntry();
  const controller = new AbortController();
  leave = controller;
  document.body.dataset.screen = name in ROUTES ? name : "search";
  for (const link of document.querySelectorAll("[data-route]")) {
    if (link.dataset.route === document.body.dataset.screen) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const main = document.getElementById("main");
  main.removeAttribute("aria-busy");
  const view = h("div", { class: "view" });
  replace(main, view);
  window.scrollTo(0, 0); // a screen that keeps its place (search) scrolls back itself
  try {
    await target.render(view, { arg, params, entry, signal: controller.signal });
  } catch (error) {
    if (!isAbort(error)) throw error;
  }
}

function updateLanguageToggle() {
  const toggle = document.getElementById("lang-toggle");
  toggle.textContent = t("lang.switch");
  toggle.lang = language() === "ja" ? "en" : "ja";
}

function boot() {
  history.scrollRestoration = "manual"; // screens restore their own place
  translateStatic();
  updateLanguageToggle();
  document.getElementById("lang-toggle").addEventListener("click", () => {
    setLanguage(language() === "ja" ? "en" : "ja");
    translateStatic();
    updateLanguageToggle();
    route();
  });
  whenUnauthorized(() => {
    if (parseHash(location.hash).name === "login") return; // several calls failed at once
    const next = encodeURIComponent(location.hash || "#/search");
    replaceHash(`#/login?next=${next}`);
  });
  window.addEventListener("hashchange", route);
  route();
}

boot();
