/* The rancang bangun's words, counted as they are typed, against the minimum the verifier
 * needs. The counter (data-word-count on the element under the text box, which names the box and
 * the minimum) says "N words" or "N words: M more needed", in the page's language, from the two
 * sentences the page gives it (with {count} and {missing}). Counted as the server counts: runs of
 * characters other than white space. */
(function () {
  "use strict";
  document.querySelectorAll("[data-word-count]").forEach(function (counter) {
    var box = document.getElementById(counter.getAttribute("data-word-count"));
    var minimum = parseInt(counter.getAttribute("data-minimum"), 10);
    if (!box) {
      return;
    }
    function show() {
      var words = box.value.split(/\s+/).filter(function (word) { return word.length > 0; }).length;
      var short = words < minimum;
      var template = counter.getAttribute(short ? "data-short" : "data-enough");
      counter.textContent = template.replace("{count}", words).replace("{missing}", minimum - words);
      counter.classList.toggle("text-danger", short);
      counter.classList.toggle("text-success", !short);
    }
    box.addEventListener("input", show);
    show();
  });
})();
