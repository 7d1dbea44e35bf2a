// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Move focus to an error summary when a page arrives with errors (screen-reader friendly).
  function focusErrors(root) {
    var summary = (root || document).querySelector(".ds-error-summary");
    if (summary) { summary.focus(); }
  }
  // Ask before destructive actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // A table wrapper that scrolls sideways (phones) must be reachable by keyboard (WCAG 2.1.1):
  // make it a focusable, named region while it overflows.
  function scrollableTables(root) {
    var wraps = (root || document).querySelectorAll(".torg-table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        if (!wrap.hasAttribute("tabindex")) {
          var caption = wrap.querySelector("caption");
          wrap.setAttribute("tabindex", "0");
          wrap.setAttribute("role", "region");
          if (caption && !wrap.hasAttribute("aria-label")) {
            wrap.setAttribute("aria-label", caption.textContent.trim());
          }
          wrap.dataset.torgScroll = "1";
        }
      } else if (wrap.dataset.torgScroll) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        delete wrap.dataset.torgScroll;
      }
    }
  }
  // The site menu on a phone: folded behind the *Menu* button (aria-expanded says its state; Escape
  // closes it and returns to the button). Without this script the menu is simply shown.
  function siteMenu() {
    var button = document.querySelector(".torg-menu-toggle");
    var menu = document.getElementById("torg-menu");
    if (!button || !menu) { return; }
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { menu.removeAttribute("data-collapsed"); } else { menu.setAttribute("data-collapsed", ""); }
    }
    button.hidden = false;
    set(false);
    button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true"
          && window.getComputedStyle(button).display !== "none") {
        set(false);
        button.focus();
      }
    });
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { scrollableTables(document); }, 150);
  });
  document.addEventListener("DOMContentLoaded", function () {
    siteMenu(); focusErrors(document); scrollableTables(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrors(event.target);
    scrollableTables(document);
  });
})();
