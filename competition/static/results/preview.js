/* The draft results: the judges' totals in the breakdowns, as given or normalised. */
(function () {
  "use strict";
  var draft = document.getElementById("draft");
  var normalised = document.getElementById("totals-normalised");
  if (!draft || !normalised) {
    return;
  }
  document.querySelectorAll('input[name="totals"]').forEach(function (input) {
    input.addEventListener("change", function () {
      draft.classList.toggle("show-normalised", normalised.checked);
    });
  });
})();
