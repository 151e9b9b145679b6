
/* The report's test hook, before anything else runs: every error (a library that fails to load, a chart that fails
   to draw) is kept and shown in #report-errors, which the browser test reads. */
(function () {
  var errors = [];
  window.__reportErrors = errors;
  window.__reportFlush = function () {
    var pre = document.getElementById('report-errors');
    if (pre) {
      pre.textContent = errors.join('\n');
      if (errors.length) { pre.hidden = false; }
    }
  };
  window.__reportRecord = function (message) {
    errors.push(String(message));
    window.__reportFlush();
  };
  window.onerror = function (message, source, line, column, error) {
    window.__reportRecord((error && error.stack) || (message + ' at ' + source + ':' + line + ':' + column));
  };
  window.addEventListener('unhandledrejection', function (e) {
    window.__reportRecord('unhandled rejection: ' + ((e.reason && e.reason.stack) || e.reason));
  });
})();
