/* Importing OPDs and users: upload with a progress bar; without JavaScript the form posts as
 * usual. The texts come from the form's data- attributes, in the page's language:
 * data-uploading ("{percent}" stands for the share sent), data-checking, data-failed. */
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  var box = document.getElementById("import-progress");
  if (!form || !box) {
    return;
  }
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector(".progress");
  var label = document.getElementById("import-progress-label");
  var uploading = form.getAttribute("data-uploading");
  var checking = form.getAttribute("data-checking");
  var failed = form.getAttribute("data-failed");
  function show(percent, text) {
    box.classList.remove("d-none");
    bar.style.width = percent + "%";
    meter.setAttribute("aria-valuenow", percent);
    label.textContent = text;
  }
  form.addEventListener("submit", function (event) {
    if (!window.FormData || !form.querySelector("input[type=file]").files.length) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        var percent = Math.round(e.loaded * 100 / e.total);
        show(percent, uploading.replace("{percent}", percent));
      }
    };
    request.upload.onload = function () { show(100, checking); };
    request.onload = function () {
      if (request.responseURL && request.responseURL.indexOf("/jobs/") !== -1) {
        window.location.assign(request.responseURL);  // a large file: its job's page follows it
        return;
      }
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      var result = page.getElementById("import-result");
      var target = document.getElementById("import-result");
      target.innerHTML = result ? result.innerHTML : "";
      box.classList.add("d-none");
      button.disabled = false;
      form.reset();
      target.focus();
    };
    request.onerror = function () {
      label.textContent = failed;
      button.disabled = false;
    };
    show(0, uploading.replace("{percent}", 0));
    request.send(new FormData(form));
  });
})();
