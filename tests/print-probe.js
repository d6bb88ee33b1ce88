// Injected by tests/print.rs into a copy of each printed document: reports
// the document's scroll width and every element that sticks out of the
// viewport (the viewport is as wide as the printed page's content box).
(function () {
  var root = document.documentElement;
  var cw = root.clientWidth;
  var out = [];
  document.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > cw + 0.5 || r.left < -0.5)) {
      out.push(e.tagName + "." + e.className + " right=" + Math.round(r.right) +
        " text=" + (e.textContent || "").replace(/\s+/g, " ").slice(0, 60));
    }
  });
  var p = document.createElement("pre");
  p.id = "fixbook-probe";
  p.textContent = "PROBE scrollWidth=" + root.scrollWidth + " clientWidth=" + cw +
    " overflowing=" + out.length + "\n" + out.slice(0, 12).join("\n") + "\nEND";
  document.body.appendChild(p);
})();
