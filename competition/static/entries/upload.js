/* Uploading evidence with a progress bar: files of up to 20 MB take a while on a regional
 * connection. The form (data-upload-progress) is sent as before, by XMLHttpRequest so that its
 * progress can be shown; the server answers such a request with where to go next (the page, with
 * its messages), and the browser goes there. Without JavaScript the form is sent as usual. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var bar = document.getElementById(form.getAttribute("data-upload-progress"));
    form.addEventListener("submit", function (event) {
      var files = form.querySelector("input[type=file]");
      if (!bar || !window.XMLHttpRequest || !files || !files.files.length) {
        return;  // a link alone: sent as usual
      }
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-Upload-Progress", "1");
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          var percent = Math.round(100 * progress.loaded / progress.total);
          bar.value = percent;
          bar.textContent = percent + "%";
          bar.setAttribute("aria-valuenow", percent);
        }
      });
      request.addEventListener("load", function () {
        var next = new URL(request.getResponseHeader("X-Next-Location") || window.location.href,
                           window.location.href);
        if (next.pathname + next.search === window.location.pathname + window.location.search) {
          window.location.hash = next.hash;  // the same page: going there would only scroll
          window.location.reload();
        } else {
          window.location.assign(next.href);
        }
      });
      request.addEventListener("error", function () {
        form.submit();  // the connection failed: try the plain way, which shows the browser's error
      });
      bar.hidden = false;
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
      request.send(new FormData(form));
    });
  });
})();
