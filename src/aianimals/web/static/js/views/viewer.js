// The detail photo's gestures: a double tap likes it, a single tap (or Enter) opens it full
// screen: a modal viewer zoomed by pinching, the wheel, a double tap or its + and − buttons,
// dragged when zoomed, closed by ×, Escape or leaving the page.
import { h } from "../dom.js";
import { t } from "../i18n.js";

const DOUBLE_TAP_MS = 300;
const MIN_SCALE = 1;
const MAX_SCALE = 5;
const STEP = 1.5;

const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

/**
 * The photo as a button: a double tap (or double click) calls `onDoubleTap`, a single one
 * opens the viewer after the double-tap window; a keyboard press opens it at once.
 */
export function photoButton(animal, { onDoubleTap }) {
  const image = h("img", { src: animal.photo_url, alt: animal.name, decoding: "async" });
  const heart = h("span", { class: "burst", "aria-hidden": "true" }, "♥");
  const button = h("button", { type: "button", class: "photo-open", "aria-label": t("viewer.open", { name: animal.name }) }, image, heart);
  let pending = null;
  button.addEventListener("click", (event) => {
    if (event.detail === 0) return openViewer(animal, button); // Enter or Space
    if (pending) {
      clearTimeout(pending);
      pending = null;
      heart.classList.remove("shown");
      void heart.offsetWidth; // restart the animation
      heart.classList.add("shown");
      onDoubleTap();
      return;
    }
    pending = setTimeout(() => {
      pending = null;
      openViewer(animal, button);
    }, DOUBLE_TAP_MS);
  });
  heart.addEventListener("animationend", () => heart.classList.remove("shown"));
  return button;
}

/** Open the full-screen viewer on `animal`'s photo; focus returns to `opener` on close. */
export function openViewer(animal, opener) {
  const image = h("img", { src: animal.photo_url, alt: animal.name, draggable: "false" });
  const stage = h("div", { class: "viewer-stage" }, image);
  const zoomLevel = h("output", { class: "viewer-zoom", "aria-live": "polite" });
  const close = h("button", { type: "button", class: "viewer-close", "aria-label": t("viewer.close") }, "×");
  const zoomIn = h("button", { type: "button", "aria-label": t("viewer.zoomIn") }, "+");
  const zoomOut = h("button", { type: "button", "aria-label": t("viewer.zoomOut") }, "−");
  const dialog = h("dialog", { class: "viewer", "aria-label": t("viewer.title", { name: animal.name }) },
    stage, h("div", { class: "viewer-tools" }, zoomOut, zoomLevel, zoomIn, close));

  let scale = MIN_SCALE;
  let x = 0;
  let y = 0;
  const paint = () => {
    // Keep the photo over the stage: no panning past its edges.
    const limitX = (stage.clientWidth * (scale - 1)) / 2;
    const limitY = (stage.clientHeight * (scale - 1)) / 2;
    x = clamp(x, -limitX, limitX);
    y = clamp(y, -limitY, limitY);
    image.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
    dialog.dataset.scale = scale.toFixed(2);
    zoomLevel.textContent = `${Math.round(scale * 100)}%`;
    zoomOut.disabled = scale <= MIN_SCALE;
    zoomIn.disabled = scale >= MAX_SCALE;
  };
  const zoomTo = (next) => {
    scale = clamp(next, MIN_SCALE, MAX_SCALE);
    if (scale === MIN_SCALE) x = y = 0;
    paint();
  };

  // Pointers: two pinch (the distance between them sets the scale), one drags a zoomed photo.
  const pointers = new Map();
  let pinch = null;
  const spread = () => {
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  stage.addEventListener("pointerdown", (event) => {
    stage.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 2) pinch = { distance: spread() || 1, scale };
  });
  stage.addEventListener("pointermove", (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    const now = { x: event.clientX, y: event.clientY };
    pointers.set(event.pointerId, now);
    if (pinch && pointers.size === 2) {
      zoomTo(pinch.scale * (spread() / pinch.distance));
    } else if (pointers.size === 1 && scale > MIN_SCALE) {
      x += now.x - last.x;
      y += now.y - last.y;
      paint();
    }
  });
  const lift = (event) => {
    pointers.delete(event.pointerId);
    if (pointers.size < 2) pinch = null;
  };
  stage.addEventListener("pointerup", lift);
  stage.addEventListener("pointercancel", lift);
  stage.addEventListener("wheel", (event) => {
    event.preventDefault(); // a trackpad pinch arrives as a wheel with ctrlKey
    zoomTo(scale * Math.exp(-event.deltaY / (event.ctrlKey ? 100 : 400)));
  }, { passive: false });
  stage.addEventListener("dblclick", () => zoomTo(scale > MIN_SCALE ? MIN_SCALE : STEP * STEP));

  zoomIn.addEventListener("click", () => zoomTo(scale * STEP));
  zoomOut.addEventListener("click", () => zoomTo(scale / STEP));
  close.addEventListener("click", () => dialog.close());
  // Escape closes a modal <dialog> by itself; either way it leaves the page as it was.
  dialog.addEventListener("close", () => {
    dialog.remove();
    window.removeEventListener("hashchange", leave);
    opener?.focus();
  });
  const leave = () => dialog.open && dialog.close();
  window.addEventListener("hashchange", leave);

  document.body.append(dialog);
  dialog.showModal();
  close.focus();
  paint();
  return dialog;
}
