/* Behaviour every page shares, kept out of the pages: the Content-Security-Policy refuses inline
 * script and inline event handlers.
 *
 * A form with data-confirm-message asks before it is sent (removing a judge who has draft
 * scores, deactivating a user, deleting evidence, a criterion, an award or a category, closing a
 * round); so does a form sent by a button with data-confirm-message (leaving a tie-break rule
 * out). Without JavaScript it is sent at once, as before.
 */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var button = event.submitter;
    var asking = button && button.hasAttribute("data-confirm-message") ? button
      : form.hasAttribute("data-confirm-message") ? form : null;
    if (asking && !window.confirm(asking.getAttribute("data-confirm-message"))) {
      event.preventDefault();
    }
  });
})();
