/* The notification list: each item is a plain link to where it leads. Following it marks it read,
 * a change of data and so never a GET. A plain click goes there through the item's read address
 * instead (data-read-url): a POST with the page's CSRF token, which marks it read and redirects to
 * the link, so the page it leads to already counts it as read, however slow the server is.
 * Opened in a new tab (middle click, Ctrl/Cmd/Shift), the link opens there and the POST goes out
 * beside it. Without the script the link still leads there; "Mark all as read" remains. */
(function () {
  "use strict";
  var list = document.getElementById("notifications");
  if (!list) {
    return;
  }
  var token = list.getAttribute("data-csrf-token");
  function markReadBeside(link) {
    var body = new FormData();
    body.append("csrf_token", token);
    // "manual": the answer redirects to the link, which the new tab opens itself.
    fetch(link.getAttribute("data-read-url"), {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual", keepalive: true
    }).catch(function () { return null; });
    link.removeAttribute("data-read-url");  // once is enough
  }
  function goThroughRead(link) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = link.getAttribute("data-read-url");
    form.hidden = true;
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "csrf_token";
    field.value = token;
    form.appendChild(field);
    document.body.appendChild(form);
    form.submit();
  }
  function follow(event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-read-url]") : null;
    if (!link || event.button > 1) {
      return;
    }
    if (event.button === 1 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      markReadBeside(link);
      return;
    }
    event.preventDefault();
    goThroughRead(link);
  }
  list.addEventListener("click", follow);
  list.addEventListener("auxclick", follow);
})();
