// Read a QR label with the phone's camera (qr-scanner, served locally).
//
// Every element with [data-scan] is one scanner. Without data-scan-fill it opens what was read:
// the code goes into the typed-code field (#code) and its form is submitted (the scan page).
// With data-scan-fill="<input id>" the code is written into that field and the camera stops (the
// registration form: claim a pre-printed label by scanning it). Without a camera, or without
// permission, the typed field keeps working.
(function () {
  "use strict";
  if (typeof window.QrScanner === "undefined") return;

  function codeFrom(text) {
    var match = /\/q\/([0-9A-Za-z-]+)\/?$/.exec(text || "");
    return match ? match[1] : (text || "").trim();
  }

  function setup(root) {
    var video = root.querySelector("[data-scan-video]");
    var start = root.querySelector("[data-scan-start]");
    var stop = root.querySelector("[data-scan-stop]");
    var status = root.querySelector("[data-scan-status]");
    var fillId = root.getAttribute("data-scan-fill");
    var scanner = null;

    function hideCamera() {
      if (scanner) scanner.stop();
      video.classList.add("torg-hidden");
      if (stop) stop.classList.add("torg-hidden");
      start.classList.remove("torg-hidden");
    }

    function found(result) {
      var code = codeFrom(result && result.data);
      if (!code) return;
      if (fillId) {
        var field = document.getElementById(fillId);
        if (!field) return;
        field.value = code;
        hideCamera();
        status.textContent = (root.getAttribute("data-scan-read") || "").replace("{code}", code);
        field.focus();
        return;
      }
      if (scanner) scanner.stop();
      var input = document.getElementById("code");
      if (input) {
        input.value = code;
        input.form.submit();
      }
    }

    window.QrScanner.hasCamera().then(function (has) {
      if (!has) {
        status.textContent = root.getAttribute("data-no-camera");
        return;
      }
      start.classList.remove("torg-hidden");
      start.addEventListener("click", function () {
        video.classList.remove("torg-hidden");
        start.classList.add("torg-hidden");
        if (stop) stop.classList.remove("torg-hidden");
        status.textContent = root.getAttribute("data-scan-aim") || "";
        if (!scanner) {
          scanner = new window.QrScanner(video, found, { returnDetailedScanResult: true, highlightScanRegion: true });
        }
        scanner.start().catch(function () {
          status.textContent = root.getAttribute("data-no-camera");
          hideCamera();
          start.classList.add("torg-hidden");
        });
      });
      if (stop) stop.addEventListener("click", hideCamera);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-scan]"), setup);
})();
