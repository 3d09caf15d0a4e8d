(function () {
  "use strict";
  var bar = document.getElementById("filters");
  if (!bar) return;
  bar.hidden = false;
  var selects = bar.querySelectorAll("select[data-filter]");
  function wanted() {
    var want = {};
    selects.forEach(function (s) { if (s.value) want[s.getAttribute("data-filter")] = s.value; });
    return want;
  }
  function apply() {
    var want = wanted();
    document.querySelectorAll("[data-cause]").forEach(function (el) {
      el.hidden = !Object.keys(want).every(function (k) { return el.getAttribute("data-" + k) === want[k]; });
    });
    document.querySelectorAll("section.cause").forEach(function (s) {
      s.hidden = !s.querySelector("tr[data-cause]:not([hidden])");
    });
    var shown = document.querySelectorAll("details.finding:not([hidden])").length;
    var count = document.getElementById("shown-count");
    if (count) count.textContent = String(shown);
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  var pages = Array.prototype.slice.call(document.querySelectorAll("script.page"));
  var more = document.getElementById("more-findings");
  if (more && pages.length) {
    more.hidden = false;
    document.getElementById("next-page").addEventListener("click", function () {
      var block = pages.shift();
      if (block) {
        block.insertAdjacentHTML("beforebegin", JSON.parse(block.textContent).join(""));
        block.remove();
      }
      more.hidden = pages.length === 0;
      apply();
    });
  }
  function openTarget() {
    var el = location.hash && document.getElementById(location.hash.slice(1));
    if (el && el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
