/*
 * Nimbus side of a dispatch launch: the page the package's form opens in its frame. It frames the
 * player (same origin), tells the package (the host LMS's window) the attempt marker, and relays
 * the registration's results to it: after each commit the player signals (same-origin message),
 * and every 10 s. Messages go only to the host origin the package declared; only messages from
 * that origin and from the parent window, or from our own origin and the player frame, are read.
 */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('nimbus-dispatch-frame').textContent);
  var host = config.hostOrigin;
  function tell(message) { window.parent.postMessage(message, host); }
  if (config.refused) { tell({ type: 'nimbus:refused', message: config.refused }); return; }
  var frame = document.getElementById('nimbus-player');
  var ended = false;

  function relay(exiting) {
    return fetch(config.status, { credentials: 'omit', cache: 'no-store' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status || (ended && !exiting)) { return; }
        if (exiting) { ended = true; }
        tell({ type: exiting ? 'nimbus:exit' : 'nimbus:status', status: status });
      }, function () { /* offline: the next signal or tick reports */ });
  }

  window.addEventListener('message', function (event) {
    var data = event.data || {};
    if (event.origin === location.origin && event.source === frame.contentWindow && data.type === 'nimbus:player') {
      relay(data.event === 'exit');
    } else if (event.origin === host && event.source === window.parent && data.type === 'nimbus:host-exit') {
      try { frame.contentWindow.nimbusPlayer.exit(); } catch (e) { /* the player saves on pagehide anyway */ }
    }
  });
  setInterval(function () { if (!ended) { relay(false); } }, 10000);
  tell({ type: 'nimbus:ready', attempt: config.attempt });
  frame.src = config.player;
})();
