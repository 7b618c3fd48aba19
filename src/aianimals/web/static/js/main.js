// Boot: language, the hash router, the header. Screens live in views/.
import { whenUnauthorized } from "./api.js";
import { replace } from "./dom.js";
import { language, setLanguage, t, translateStatic } from "./i18n.js";
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

let cleanup = null;

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
  if (!target.public && !currentSession()) {
    const next = encodeURIComponent(location.hash || "#/search");
    location.replace(`#/login?next=${next}`);
    return;
  }
  if (cleanup) cleanup();
  cleanup = null;
  document.body.dataset.screen = name in ROUTES ? name : "search";
  for (const link of document.querySelectorAll("[data-route]")) {
    if (link.dataset.route === document.body.dataset.screen) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const main = replace(document.getElementById("main"));
  const result = await target.render(main, { arg, params });
  if (typeof result === "function") cleanup = result;
}

function updateLanguageToggle() {
  const toggle = document.getElementById("lang-toggle");
  toggle.textContent = t("lang.switch");
  toggle.lang = language() === "ja" ? "en" : "ja";
}

function boot() {
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
    location.replace(`#/login?next=${next}`);
  });
  window.addEventListener("hashchange", route);
  route();
}

boot();
