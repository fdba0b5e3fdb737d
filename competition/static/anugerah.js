/* Behaviour every page shares, kept out of the pages: the Content-Security-Policy refuses inline
 * script and inline event handlers.
 *
 * A form with data-confirm-message asks before it is sent (removing a judge who has draft
 * scores, deactivating a user); without JavaScript it is sent at once, as before.
 */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm-message")) {
      return;
    }
    if (!window.confirm(form.getAttribute("data-confirm-message"))) {
      event.preventDefault();
    }
  });
})();
