// 睦邻 社区工作台: the board refreshes itself, keeping its filters (our own small script).
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.fetch) return;
  var url = board.getAttribute("data-refresh");
  var every = 30000;
  function refresh() {
    if (document.hidden) return;
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 401) { window.location.reload(); return null; }  // signed out: to login
        return r.ok ? r.text() : null;
      })
      .then(function (html) { if (html !== null) board.innerHTML = html; })
      .catch(function () {});
  }
  setInterval(refresh, every);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
// The figures page: choosing a month or week clears a custom range (the range would win).
(function () {
  "use strict";
  var period = document.querySelector("form.figfilters select[name=period]");
  if (!period) return;
  period.addEventListener("change", function () {
    var dates = period.form.querySelectorAll("input[type=date]");
    for (var i = 0; i < dates.length; i++) dates[i].value = "";
  });
})();
