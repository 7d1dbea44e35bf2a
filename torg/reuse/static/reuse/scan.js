// Phone scan page: read a QR label with the camera (qr-scanner, served locally) and open the
// item. Without a camera (or permission) the typed-code form below keeps working.
(function () {
  "use strict";
  var root = document.querySelector("[data-scan]");
  if (!root || typeof window.QrScanner === "undefined") return;
  var video = root.querySelector("[data-scan-video]");
  var start = root.querySelector("[data-scan-start]");
  var status = root.querySelector("[data-scan-status]");
  var scanner = null;

  function codeFrom(text) {
    var match = /\/q\/([0-9A-Za-z-]+)\/?$/.exec(text || "");
    return match ? match[1] : (text || "").trim();
  }

  function open(text) {
    var code = codeFrom(text);
    if (!code) return;
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
      scanner = new window.QrScanner(video, function (result) { open(result.data); },
        { returnDetailedScanResult: true, highlightScanRegion: true });
      scanner.start().catch(function () {
        status.textContent = root.getAttribute("data-no-camera");
        video.classList.add("torg-hidden");
      });
    });
  });
})();
