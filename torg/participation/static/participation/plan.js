/* Plans: place the numbered pins on a plan image, and the pin picker of a form — point with a click
   or tap, choose an area from the list, or place the pin and move it with the arrow keys. The
   list and the form work without this script (choose an area); the script only adds pointing. */
(function () {
  "use strict";

  function clamp(v) { return Math.min(1, Math.max(0, v)); }

  function put(el, x, y) {
    el.style.left = (x * 100) + "%";
    el.style.top = (y * 100) + "%";
  }

  document.querySelectorAll("[data-plan] [data-x]").forEach(function (pin) {
    put(pin, parseFloat(pin.dataset.x), parseFloat(pin.dataset.y));
  });

  document.querySelectorAll("[data-pin-picker]").forEach(function (picker) {
    var img = picker.querySelector("[data-pick]");
    var marker = picker.querySelector("[data-marker]");
    var xIn = picker.querySelector("[data-pin-x]");
    var yIn = picker.querySelector("[data-pin-y]");
    var select = picker.querySelector("select");
    var status = picker.querySelector("[data-pin-status]");
    var placeButton = picker.querySelector("[data-place-pin]");
    var source = document.getElementById(picker.dataset.areas);
    var areas = source ? JSON.parse(source.textContent) : [];
    placeButton.hidden = false;

    function areaAt(x, y) {
      var best = null;
      areas.forEach(function (a) {
        if (x >= a.x && x <= a.x + a.w && y >= a.y && y <= a.y + a.h && (!best || a.w * a.h < best.w * best.h)) {
          best = a;
        }
      });
      return best;
    }

    function byId(id) {
      return areas.filter(function (a) { return String(a.id) === String(id); })[0] || null;
    }

    function set(x, y, keepSelect) {
      x = clamp(x); y = clamp(y);
      xIn.value = x.toFixed(4);
      yIn.value = y.toFixed(4);
      put(marker, x, y);
      marker.hidden = false;
      var area = keepSelect ? byId(select.value) : areaAt(x, y);
      if (!keepSelect) { select.value = area ? String(area.id) : ""; }
      status.textContent = area
        ? picker.dataset.msgArea.replace("{area}", area.name)
        : picker.dataset.msgPoint.replace("{x}", Math.round(x * 100)).replace("{y}", Math.round(y * 100));
    }

    img.addEventListener("click", function (event) {
      var r = img.getBoundingClientRect();
      set((event.clientX - r.left) / r.width, (event.clientY - r.top) / r.height, false);
    });
    select.addEventListener("change", function () {
      var a = byId(select.value);
      if (a) {
        set(a.x + a.w / 2, a.y + a.h / 2, true);
      } else {
        xIn.value = ""; yIn.value = ""; marker.hidden = true; status.textContent = "";
      }
    });
    placeButton.addEventListener("click", function () {
      if (!xIn.value) { set(0.5, 0.5, false); }
      marker.focus();
    });
    marker.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 0.1 : 0.02;
      var x = parseFloat(xIn.value), y = parseFloat(yIn.value);
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      var move = moves[event.key];
      if (!move) { return; }
      event.preventDefault();
      set(x + move[0], y + move[1], false);
    });
    if (xIn.value && yIn.value) {
      set(parseFloat(xIn.value), parseFloat(yIn.value), Boolean(select.value));
    }
  });
}());
