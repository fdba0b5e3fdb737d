/* The judge's scoring page: the draft saves itself shortly after each change.
 *
 * The form posts to the draft address as it would without JavaScript, but through fetch and
 * asking for JSON; the answer carries the message to show ("Tersimpan 14.05" or what went wrong),
 * the problem per criterion, the weighted total and how many criteria are still empty. The
 * "Confirm and lock scores" button submits the form normally (it saves, then shows the summary).
 */
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  /* How long after the last change the draft is saved (ANUGERAH_AUTOSAVE_DELAY_MS). */
  var DELAY = parseInt(form.getAttribute("data-autosave-delay"), 10) || 800;
  var status = document.getElementById("save-status");
  var total = document.getElementById("running-total");
  var missing = document.getElementById("missing-note");
  var token = form.querySelector('input[name="csrf_token"]');
  var timer = null;
  var running = null;
  var again = false;

  function show(text, kind) {
    status.textContent = text;
    status.className = "small mb-0 " + (kind === "error" ? "text-danger" : kind === "busy" ? "text-muted" : "text-success");
  }

  function markErrors(errors) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-criterion]"), function (block) {
      var id = block.getAttribute("data-criterion");
      var message = errors[id] || "";
      var box = document.getElementById("error-" + id);
      if (box) {
        box.textContent = message;
        box.hidden = !message;
      }
      Array.prototype.forEach.call(block.querySelectorAll(".score-input"), function (input) {
        input.classList.toggle("is-invalid", Boolean(message) && input.value !== "");
        if (message) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      });
    });
  }

  function post() {
    var headers = {"Accept": "application/json"};
    if (token) {
      headers["X-CSRFToken"] = token.value;
    }
    return fetch(form.action, {method: "POST", body: new FormData(form), headers: headers,
                               credentials: "same-origin"})
      .then(function (response) {
        return response.json().catch(function () {
          throw new Error("HTTP " + response.status);
        });
      })
      .then(function (answer) {
        markErrors(answer.errors || {});
        if (answer.total !== undefined) {
          total.textContent = answer.total;
        }
        if (answer.missing_text) {
          missing.textContent = answer.missing_text;
        }
        show(answer.message, answer.saved ? "ok" : "error");
      })
      .catch(function () {
        show(status.getAttribute("data-failed"), "error");
      });
  }

  /* One request at a time; a change made while one runs is saved right after it. */
  function save() {
    clearTimeout(timer);
    timer = null;
    if (running) {
      again = true;
      return running;
    }
    show(status.getAttribute("data-saving"), "busy");
    running = post().then(function () {
      running = null;
      if (again) {
        again = false;
        return save();
      }
      return null;
    });
    return running;
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  /* Whatever was typed before this script ran (a slow connection) is saved like any change. */
  var typedEarly = Array.prototype.some.call(form.querySelectorAll("input, textarea"), function (field) {
    if (field.type === "radio" || field.type === "checkbox") {
      return field.checked !== field.defaultChecked;
    }
    return field.type !== "hidden" && field.value !== field.defaultValue;
  });
  if (typedEarly) {
    later();
  }
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.hasAttribute("data-confirm")) {
      return;  // saved on the way to the summary
    }
    event.preventDefault();
    save();
  });
  /* Leaving for the next innovation with a change still waiting: save it first. */
  Array.prototype.forEach.call(document.querySelectorAll("a[data-save-first]"), function (link) {
    link.addEventListener("click", function (event) {
      if (timer === null && !running) {
        return;
      }
      event.preventDefault();
      save().then(function () {
        window.location.href = link.href;
      });
    });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && timer !== null) {
      save();
    }
  });
})();
