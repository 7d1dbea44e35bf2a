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
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.target); });
})();
