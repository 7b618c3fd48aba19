// A classic script run before the first paint: marks the page with the stored language so
// that the fixed header texts never show in the other one (main.js fills them in).
(function () {
  var stored = null;
  try {
    stored = localStorage.getItem("aianimals.lang");
  } catch (error) {
    stored = null;
  }
  var lang = stored === "en" ? "en" : "ja";
  document.documentElement.lang = lang;
  document.documentElement.dataset.lang = lang;
})();
