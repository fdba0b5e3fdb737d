// The projector reveal: every slide is already in the page, hidden; keys move between them.
// Next: ArrowRight, PageDown, Space, Enter (a presenter's clicker sends PageDown / PageUp).
// Back: ArrowLeft, PageUp. Home goes to the start, End to the last slide.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll("[data-slide]"));
  var announcer = document.getElementById("announcer");
  var counter = document.getElementById("counter");
  var current = 0;
  var NEXT_KEYS = ["ArrowRight", "PageDown", " ", "Spacebar", "Enter"];
  var BACK_KEYS = ["ArrowLeft", "PageUp"];

  function show(index) {
    if (!slides.length) { return; }
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (slide, position) { slide.hidden = position !== current; });
    if (counter) { counter.textContent = (current + 1) + " / " + slides.length; }
    if (announcer) { announcer.textContent = slides[current].getAttribute("data-announce") || ""; }
  }

  function next() { show(current + 1); }
  function back() { show(current - 1); }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var onControl = event.target && event.target.closest && event.target.closest("button, a");
    if (onControl && (event.key === "Enter" || event.key === " ")) { return; }  // let the control act
    if (NEXT_KEYS.indexOf(event.key) !== -1) { event.preventDefault(); next(); }
    else if (BACK_KEYS.indexOf(event.key) !== -1) { event.preventDefault(); back(); }
    else if (event.key === "Home") { event.preventDefault(); show(0); }
    else if (event.key === "End") { event.preventDefault(); show(slides.length - 1); }
  });

  function control(id, action) {
    var button = document.getElementById(id);
    if (!button) { return; }
    button.addEventListener("click", function () {
      action();
      button.blur();  // keys go back to the reveal, not to the button
    });
  }

  control("next", next);
  control("previous", back);
  control("fullscreen", function () {
    var root = document.documentElement;
    if (document.fullscreenElement) {
      if (document.exitFullscreen) { document.exitFullscreen(); }
    } else if (root.requestFullscreen) {
      root.requestFullscreen().catch(function () {});
    } else if (root.webkitRequestFullscreen) {
      root.webkitRequestFullscreen();
    }
  });

  show(0);
})();
