(function () {
  "use strict";
  var errors = [];
  function show(message) {
    var box = document.getElementById("report-errors");
    if (!box) return;
    box.hidden = false;
    var line = document.createElement("div");
    line.className = "error-line";
    line.textContent = message;
    box.appendChild(line);
  }
  function record(message) {
    message = String(message);
    errors.push(message);
    show(message);
  }
  window.clinbenchReportErrors = errors;
  window.clinbenchRecordError = record;
  window.addEventListener("error", function (event) {
    var where = event.filename ? " (" + event.filename.slice(-40) + ":" + event.lineno + ")" : "";
    var target = event.target && event.target !== window && event.target.tagName ? " <" + event.target.tagName.toLowerCase() + ">" : "";
    record("error: " + (event.message || "failed to load" + target) + where);
  }, true);
  window.addEventListener("unhandledrejection", function (event) {
    var reason = event.reason;
    record("unhandled promise rejection: " + (reason && reason.message ? reason.message : reason));
  });
  document.addEventListener("securitypolicyviolation", function (event) {
    record("blocked by the page's security policy: " + event.violatedDirective + " " + (event.blockedURI || ""));
  });
  var originalError = console.error;
  console.error = function () {
    record("console error: " + Array.prototype.map.call(arguments, String).join(" "));
    return originalError.apply(console, arguments);
  };
  document.addEventListener("DOMContentLoaded", function () {
    for (var i = 0; i < errors.length; ++i) show(errors[i]);
  });
})();
