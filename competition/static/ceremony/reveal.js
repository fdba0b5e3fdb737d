// The projector reveal: every slide is already in the page, hidden; keys move between them.
// Next: ArrowRight, PageDown, Space, Enter (a presenter's clicker sends PageDown / PageUp).
// Back: ArrowLeft, PageUp. Home goes to the start, End to the last slide.
// Each slide's type shrinks until the slide holds it all; the control bar hides while the pointer
// is still. "Presenter view" opens this page again as #presenter, showing the current and the
// next slide; both windows follow each other through a BroadcastChannel (localStorage events
// where there is none).
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  var slides = Array.prototype.slice.call(document.querySelectorAll("[data-slide]"));
  var announcer = document.getElementById("announcer");
  var counter = document.getElementById("counter");
  var presenter = window.location.hash === "#presenter";
  var current = 0;
  var NEXT_KEYS = ["ArrowRight", "PageDown", " ", "Spacebar", "Enter"];
  var BACK_KEYS = ["ArrowLeft", "PageUp"];
  var IDLE_MS = 2500;
  var channelName = (stage && stage.getAttribute("data-channel")) || "anugerah-reveal";
  var channel = null;

  if (presenter) { document.body.classList.add("presenter"); }

  // Shrink a shown slide's type (its --fit, a CSS custom property) until nothing spills over.
  function fit(slide) {
    var scale = 1;
    slide.style.setProperty("--fit", "1");
    while (scale > 0.4 && overflows(slide)) {
      scale -= 0.05;
      slide.style.setProperty("--fit", scale.toFixed(2));
    }
  }

  function overflows(slide) {
    if (slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1) { return true; }
    var box = slide.getBoundingClientRect();
    return Array.prototype.some.call(slide.children, function (child) {
      var inner = child.getBoundingClientRect();
      return inner.top < box.top - 1 || inner.bottom > box.bottom + 1 || child.scrollWidth > child.clientWidth + 1;
    });
  }

  function render() {
    slides.forEach(function (slide, position) {
      var isNext = presenter && position === current + 1;
      slide.hidden = !(position === current || isNext);
      slide.classList.toggle("is-current", position === current);
      slide.classList.toggle("is-next", isNext);
      if (presenter && stage) {
        slide.setAttribute("data-label", stage.getAttribute(isNext ? "data-next-label" : "data-now-label") || "");
      }
    });
    slides.forEach(function (slide) { if (!slide.hidden) { fit(slide); } });
  }

  function show(index, quiet) {
    if (!slides.length) { return; }
    current = Math.max(0, Math.min(slides.length - 1, index));
    render();
    if (counter) { counter.textContent = (current + 1) + " / " + slides.length; }
    if (announcer && !presenter) { announcer.textContent = slides[current].getAttribute("data-announce") || ""; }
    if (!quiet) { tell(current); }
  }

  // -- the two windows follow each other -------------------------------------------------------
  function tell(index) {
    if (channel) {
      channel.postMessage({ slide: index });
    } else {
      try { window.localStorage.setItem(channelName, JSON.stringify({ slide: index, at: Date.now() })); }
      catch (error) { /* storage refused: the windows move on their own */ }
    }
  }

  function heard(data) {
    if (data && data.ask && !presenter) { tell(current); }   // a presenter view has just opened
    if (data && typeof data.slide === "number" && data.slide !== current) { show(data.slide, true); }
  }

  function ask() {
    if (channel) { channel.postMessage({ ask: true }); }
    else {
      try { window.localStorage.setItem(channelName, JSON.stringify({ ask: true, at: Date.now() })); }
      catch (error) { /* storage refused */ }
    }
  }

  if (typeof window.BroadcastChannel === "function") {
    channel = new window.BroadcastChannel(channelName);
    channel.onmessage = function (event) { heard(event.data); };
  } else {
    window.addEventListener("storage", function (event) {
      if (event.key !== channelName || !event.newValue) { return; }
      try { heard(JSON.parse(event.newValue)); } catch (error) { /* not ours */ }
    });
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
  control("presenter", function () {
    window.open(window.location.pathname + window.location.search + "#presenter", channelName + "-presenter",
                "width=1280,height=720");
  });

  // -- the control bar hides while the pointer is still ------------------------------------------
  var idleTimer = null;
  function awake() {
    document.body.classList.remove("idle");
    if (idleTimer) { window.clearTimeout(idleTimer); }
    if (!presenter) {
      idleTimer = window.setTimeout(function () { document.body.classList.add("idle"); }, IDLE_MS);
    }
  }
  ["mousemove", "pointermove", "pointerdown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, awake, { passive: true });
  });
  document.addEventListener("focusin", function (event) {
    if (event.target && event.target.closest && event.target.closest(".controls")) { awake(); }
  });
  window.addEventListener("resize", render);

  show(0, presenter);
  if (presenter) { ask(); }
  awake();
})();
