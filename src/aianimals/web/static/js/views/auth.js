// Log in and sign up.
import { api } from "../api.js";
import { h } from "../dom.js";
import { describeError } from "../errors.js";
import { t } from "../i18n.js";
import { forgetMetadata } from "../metadata.js";
import { replaceHash } from "../navigation.js";
import { saveSession } from "../session.js";

function field(id, label, attributes) {
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, name: id, ...attributes }));
}

function errorBox() {
  return h("p", { class: "form-error", role: "alert", hidden: true });
}

function showError(box, message) {
  box.textContent = message;
  box.hidden = false;
}

function afterLogin(params) {
  forgetMetadata();
  const next = params.get("next");
  replaceHash(next && next.startsWith("#/") && !next.startsWith("#/login") ? next : "#/search");
}

export function renderLogin(main, { params }) {
  const failure = errorBox();
  const form = h(
    "form",
    { class: "card auth", novalidate: true },
    h("h1", {}, t("login.title")),
    field("identifier", t("login.identifier"), { autocomplete: "username", required: true, autocapitalize: "none" }),
    field("password", t("login.password"), { type: "password", autocomplete: "current-password", required: true }),
    failure,
    h("button", { type: "submit", class: "primary" }, t("login.submit")),
    h("p", { class: "switch" }, h("a", { href: "#/signup" }, t("login.toSignUp"))),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const identifier = form.identifier.value.trim();
    const body = identifier.includes("@")
      ? { email_address: identifier, password: form.password.value }
      : { handle_name: identifier, password: form.password.value };
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    failure.hidden = true; // the last answer's message goes while this one is asked
    try {
      const login = await api.login(body);
      saveSession(login, identifier.includes("@") ? null : identifier);
      afterLogin(params);
    } catch (error) {
      showError(failure, error.status === 401 || error.status === 422 ? t("login.failed") : describeError(error));
    } finally {
      button.disabled = false;
    }
  });
  main.append(form);
  form.identifier.focus();
}

export function renderSignUp(main, { params }) {
  const failure = errorBox();
  const form = h(
    "form",
    { class: "card auth", novalidate: true },
    h("h1", {}, t("signup.title")),
    field("handle_name", t("signup.handle"), { autocomplete: "username", required: true, minlength: 3, autocapitalize: "none" }),
    field("email_address", t("signup.email"), { type: "email", autocomplete: "email", required: true }),
    field("new_password", t("signup.password"), { type: "password", autocomplete: "new-password", required: true, minlength: 12 }),
    failure,
    h("button", { type: "submit", class: "primary" }, t("signup.submit")),
    h("p", { class: "switch" }, h("a", { href: "#/login" }, t("signup.toLogin"))),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const handle = form.handle_name.value.trim();
    const password = form.new_password.value;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    failure.hidden = true; // the last answer's message goes while this one is asked
    let signedUp = false;
    try {
      await api.signUp({ handle_name: handle, email_address: form.email_address.value.trim(), password });
      signedUp = true;
      saveSession(await api.login({ handle_name: handle, password }), handle);
      afterLogin(params);
    } catch (error) {
      // Sign-up does not say whether an e-mail address is taken: for a taken one it answers
      // as for a new account, makes none and writes to the address's owner, so the login
      // that follows fails.
      showError(failure, signedUp && error.status === 401 ? t("signup.notCreated") : describeError(error));
    } finally {
      button.disabled = false;
    }
  });
  main.append(form);
  form.handle_name.focus();
}
