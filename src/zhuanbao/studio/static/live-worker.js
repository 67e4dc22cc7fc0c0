// One stream of changes shared by every open page of the studio. A browser opens at most six connections
// to one host over HTTP/1.1; a stream per tab would leave the seventh tab, and every save, waiting.
"use strict";
var ports = [];
var source = null;

function start() {
  source = new EventSource("/events");
  source.addEventListener("open", function () {  // (again after a reconnect): each page checks what it missed
    ports.forEach(function (port) { port.postMessage("open"); });
  });
  source.addEventListener("changed", function (message) {
    ports.forEach(function (port) { port.postMessage(message.data); });
  });
}

self.onconnect = function (event) {
  var port = event.ports[0];
  ports.push(port);
  port.onmessage = function (message) {
    if (message.data === "bye") {
      ports = ports.filter(function (kept) { return kept !== port; });
      if (ports.length === 0 && source) { source.close(); source = null; }
    }
  };
  port.start();
  if (!source || source.readyState === EventSource.CLOSED) {
    start();
  } else if (source.readyState === EventSource.OPEN) {
    port.postMessage("open");
  }
};
