// Keyboard shortcuts only: a key clicks the element that declares it with data-key.
// On the queue, j/k move between rows and Enter opens the current one.
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  var current = -1;
  var sent = false;
  function select(i) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, n) { r.classList.toggle("current", n === current); });
    rows[current].querySelector("a").focus();
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t.closest && t.closest("input, textarea, select")) {
      if (e.key === "Escape") t.blur();
      return;
    }
    if (rows.length && (e.key === "j" || e.key === "k")) {
      e.preventDefault();
      select(current + (e.key === "j" ? 1 : -1));
      return;
    }
    if (e.key === "n") {
      var note = document.querySelector("textarea[name=note]");
      if (note) { e.preventDefault(); note.focus(); }
      return;
    }
    if (!/^[a-z]$/.test(e.key) || sent) return;
    var el = document.querySelector('[data-key="' + e.key + '"]');
    // One decision per page: a second key press while the first is on its way does nothing.
    if (el) { e.preventDefault(); sent = true; el.click(); }
  });
})();
