/* The verification queue: "Select all" for verifying several innovations at once. The small-screen
 * list and the table hold the same innovations, so their boxes are kept in step. */
(function () {
  "use strict";
  var form = document.getElementById("bulk");
  var all = document.getElementById("select-all");
  if (!form || !all) {
    return;
  }
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="entry"]'));
  function refresh() {
    var ids = {};
    boxes.forEach(function (box) { if (box.checked) { ids[box.value] = true; } });
    var chosen = Object.keys(ids).length, total = boxes.length / 2;
    all.checked = chosen > 0 && chosen >= total;
    all.indeterminate = chosen > 0 && chosen < total;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      boxes.forEach(function (twin) { if (twin.value === box.value) { twin.checked = box.checked; } });
      refresh();
    });
  });
  document.getElementById("select-all-control").hidden = false;
})();
