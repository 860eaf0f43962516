// Lore site search: filters the index in search-index.js as one types. No dependencies; every
// page works without it. Results are built with DOM methods (textContent), never innerHTML.
(function () {
  "use strict";
  var index = window.LORE_SEARCH;
  var results = document.getElementById("search-results");
  if (!index || !results) return;
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var root = index.root || "";
  var docs = index.entries.map(function (e) {
    return { e: e, text: [e.t, e.i, e.k, e.s, e.f, e.x].join(" ").toLowerCase() };
  });
  function run() {
    var words = input.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    while (results.firstChild) results.removeChild(results.firstChild);
    if (words.length === 0) { status.textContent = "Type to search " + docs.length + " entries."; return; }
    var found = docs.filter(function (d) {
      return words.every(function (w) { return d.text.indexOf(w) >= 0; });
    });
    found.sort(function (a, b) {
      var at = a.e.t.toLowerCase().indexOf(words[0]) >= 0 ? 0 : 1;
      var bt = b.e.t.toLowerCase().indexOf(words[0]) >= 0 ? 0 : 1;
      return at - bt;
    });
    status.textContent = found.length + (found.length === 1 ? " entry" : " entries") + " found.";
    found.slice(0, 100).forEach(function (d) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + d.e.u;
      a.textContent = d.e.t;
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + [d.e.i, d.e.k, d.e.s].filter(Boolean).join(" · ");
      li.appendChild(meta);
      if (d.e.x) {
        var p = document.createElement("p");
        p.textContent = d.e.x.length > 240 ? d.e.x.slice(0, 240) + "…" : d.e.x;
        li.appendChild(p);
      }
      results.appendChild(li);
    });
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) input.value = query;
  input.addEventListener("input", run);
  run();
})();
