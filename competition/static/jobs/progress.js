/* A job's page follows its progress: it polls the JSON address in data-progress-url every second,
 * moves the bar and the "done of total" line (data-of: "{done}" and "{total}" stand for the
 * numbers), and reloads the page once the job has ended, to show its result or why it failed.
 * Without JavaScript the page shows the state it was served with. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !box.getAttribute("data-progress-url") || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var of = box.getAttribute("data-of");
  var bar = document.getElementById("job-progress-bar");
  var meter = bar.parentNode;
  var label = document.getElementById("job-progress-label");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, 5000); return; }
        bar.style.width = state.percent + "%";
        meter.setAttribute("aria-valuenow", state.percent);
        if (state.total) {
          label.textContent = of.replace("{done}", state.done).replace("{total}", state.total);
        }
        if (state.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
