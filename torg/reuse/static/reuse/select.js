// Item list: "select every item on this page" ticks or clears the item checkboxes of its form.
// Delegated, so it keeps working when HTMX replaces the table after a filter change.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-select-all]")) return;
    var items = box.form ? box.form.querySelectorAll("input[type=checkbox][name=item]") : [];
    for (var i = 0; i < items.length; i++) items[i].checked = box.checked;
  });
})();
