// Post a photo: pick it (with a preview), category, breed, name, description.
import { api, isAbort } from "../api.js";
import { h, replace } from "../dom.js";
import { describeError, formatBytes } from "../errors.js";
import { language, localName, t } from "../i18n.js";
import { breedOptions, metadata } from "../metadata.js";
import { errorState, skeletonDetail } from "./states.js";

/** Why the chosen file would be refused, checked against the server's stated limits
 * (GET /v0/metadata's `upload`) before a byte is sent; null when it may be sent. A file the
 * browser cannot type is left to the server, which sniffs the bytes anyway. */
export function fileProblem(file, upload) {
  if (file.type && !upload.media_types.includes(file.type)) return t("invalid.file.image_type");
  if (file.size > upload.max_bytes) return t("invalid.file.too_large", { size: formatBytes(upload.max_bytes) });
  if (file.size === 0) return t("invalid.file.empty");
  return null;
}

export async function renderPost(main, { signal }) {
  let meta;
  replace(main, skeletonDetail());
  try {
    meta = await metadata();
    signal.throwIfAborted();
  } catch (error) {
    if (isAbort(error) || signal.aborted) return;
    replace(main, errorState(error, { retry: () => renderPost(main, { signal }) }));
    return;
  }
  replace(main);
  const preview = h("img", { class: "preview", alt: t("post.preview"), hidden: true });
  const file = h("input", { id: "photo", name: "photo", type: "file", accept: meta.upload.media_types.join(","), required: true });
  const category = h("select", { id: "post-category", name: "category", required: true },
    h("option", { value: "" }, t("post.choose")),
    meta.animal_category.map((c) => h("option", { value: String(c.id), dataset: { nameEn: c.name_en } }, localName(c))));
  const breed = h("select", { id: "post-breed", name: "breed", required: true }, h("option", { value: "" }, t("post.choose")));
  const name = h("input", { id: "post-name", name: "name", required: true, maxlength: 200 });
  const description = h("textarea", { id: "post-description", name: "description", rows: 4, maxlength: 4000 });
  const failure = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary" }, t("post.submit"));
  const form = h("form", { class: "card post-form", novalidate: true },
    h("h1", {}, t("post.title")),
    h("div", { class: "field" }, h("label", { for: "photo" }, t("post.photo")), file),
    preview,
    h("div", { class: "field" }, h("label", { for: "post-category" }, t("post.category")), category),
    h("div", { class: "field" }, h("label", { for: "post-breed" }, t("post.breed")), breed),
    h("div", { class: "field" }, h("label", { for: "post-name" }, t("post.name")), name),
    h("div", { class: "field" }, h("label", { for: "post-description" }, t("post.description")), description),
    failure,
    submit,
  );
  let previewUrl = null;
  file.addEventListener("change", () => {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    const chosen = file.files[0];
    previewUrl = chosen ? URL.createObjectURL(chosen) : null;
    preview.hidden = !chosen;
    if (previewUrl) preview.src = previewUrl;
    // Say at once when the chosen photo would be refused, before anything is sent.
    const refused = chosen ? fileProblem(chosen, meta.upload) : null;
    file.setAttribute("aria-invalid", String(Boolean(refused)));
    failure.textContent = refused ?? "";
    failure.hidden = !refused;
  });
  category.addEventListener("change", () => {
    const nameEn = category.selectedOptions[0]?.dataset.nameEn ?? "";
    const options = nameEn ? breedOptions(meta, nameEn, t("post.choose"), "") : [h("option", { value: "" }, t("post.choose"))];
    replace(breed, options);
    // breedOptions' values are English names: post needs the ids.
    for (const option of breed.options) {
      const found = meta.animal_subcategory.find((b) => b.name_en === option.value && b.animal_category_name_en === nameEn);
      option.value = found ? String(found.id) : "";
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    failure.hidden = true;
    const required = [file, category, breed, name];
    const missing = required.filter((input) => !input.value.trim());
    if (missing.length) {
      for (const input of required) input.setAttribute("aria-invalid", String(!input.value.trim()));
      missing[0].focus();
      const labels = missing.map((input) => form.querySelector(`label[for=${input.id}]`).textContent);
      failure.textContent = t("post.missing", { fields: labels.join(language() === "ja" ? "・" : ", ") });
      failure.hidden = false;
      return;
    }
    const refused = fileProblem(file.files[0], meta.upload);
    if (refused) {
      file.setAttribute("aria-invalid", "true");
      failure.textContent = refused;
      failure.hidden = false;
      file.focus();
      return;
    }
    const body = new FormData();
    body.append("request", JSON.stringify({
      animal_category_id: Number(category.value),
      animal_subcategory_id: Number(breed.value),
      name: name.value.trim(),
      description: description.value.trim(),
    }));
    body.append("file", file.files[0]);
    submit.disabled = true;
    submit.textContent = t("post.sending");
    try {
      const animal = await api.post(body);
      if (!signal.aborted) location.hash = `#/animal/${animal.id}?posted=1`;
    } catch (error) {
      failure.textContent = describeError(error, { size: formatBytes(meta.upload.max_bytes) });
      failure.hidden = false;
    } finally {
      submit.disabled = false;
      submit.textContent = t("post.submit");
    }
  });
  main.append(form);
  signal.addEventListener("abort", () => previewUrl && URL.revokeObjectURL(previewUrl));
}
