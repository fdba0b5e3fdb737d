/* The notification list: each item is a plain link to where it leads. Following it marks it read,
 * a change of data and so never a GET: this script first POSTs to the item's read address
 * (data-read-url, with the page's CSRF token), then follows the link, so the page it leads to
 * already counts it as read. Opened in a new tab (middle click, Ctrl/Cmd/Shift), the POST goes out
 * beside it. Without the script the link still leads there; "Mark all as read" remains. */
(function () {
  "use strict";
  var list = document.getElementById("notifications");
  if (!list) {
    return;
  }
  var token = list.getAttribute("data-csrf-token");
  function markRead(link) {
    var address = link.getAttribute("data-read-url");
    var body = new FormData();
    body.append("csrf_token", token);
    link.removeAttribute("data-read-url");  // once is enough
    // "manual": the answer redirects to the link; only the POST matters here.
    return fetch(address, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual", keepalive: true
    }).catch(function () { return null; });
  }
  function follow(event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-read-url]") : null;
    if (!link || event.button > 1) {
      return;
    }
    var elsewhere = event.button === 1 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey;
    if (elsewhere) {
      markRead(link);
      return;
    }
    event.preventDefault();
    var href = link.href, gone = false;
    function go() {
      if (!gone) {
        gone = true;
        window.location.assign(href);
      }
    }
    window.setTimeout(go, 2000);  // a slow answer delays the reader no longer than this
    markRead(link).then(go);
  }
  list.addEventListener("click", follow);
  list.addEventListener("auxclick", follow);
})();
