/*
 * Nimbus player: table of contents, previous / next, the content frame, and the commit transport
 * of the runtime (runtime.js).
 *
 * Commits: every SetValue that succeeded is queued; Commit, Terminate, a 15 s timer and leaving
 * the page close the queue into a batch {attemptId, seq, activityId, ops, log}. Batches go to the
 * server one at a time, in order; a failed send is retried with exponential backoff (1 s … 30 s,
 * with jitter) and never dropped; batches not yet acknowledged are kept in localStorage and sent
 * again by the next launch. The server applies each (attemptId, seq) once, so resending is safe.
 * On pagehide the remaining batches go out with navigator.sendBeacon.
 */
(function () {
  'use strict';

  // a cmi5 AU's returnURL (the player with ?returned=1) loaded inside the content frame: the
  // player takes the whole window back instead of nesting itself
  var returned = /[?&]returned=1(&|$)/.test(window.location.search);
  if (returned && window.top !== window.self) { window.top.location.replace(window.location.href); return; }
  var config = JSON.parse(document.getElementById('nimbus-config').textContent);
  var base = config.base;
  var STORE = 'nimbus-unsent:';
  // configuration settings (docs/settings.md): launch type, contents, navigation bar, commit frequency
  var settings = config.settings || {};
  var launchType = settings.launchType || 'FRAMESET';
  var AUTOSAVE_MS = (settings.commitSeconds || 15) * 1000, MAX_BACKOFF_MS = 30000;
  var popup = null;  // PlayerLaunchType NEW_WINDOW*: the content's window (it finds window.API through opener)
  var rules = null, toc = config.toc || [], current = null, unloading = false, exited = false;
  var buttons = null;  // SCORM 2004 sequencing: {previous, continue} as the sequencer answers them
  var frame = document.getElementById('content');
  var status = document.getElementById('save-state');

  function now() { return new Date().toISOString(); }
  function show(text) { status.textContent = text; }
  /** A dispatch launch frames this player in a Nimbus page (same origin) that relays results to
   * the host LMS: nudge it after each commit and on exit. Sent to our own origin only. */
  function nudge(what) {
    if (window.parent === window) { return; }
    try { window.parent.postMessage({ type: 'nimbus:player', event: what }, location.origin); } catch (e) { /* no parent */ }
  }

  // --- the commit transport -----------------------------------------------------------------
  function Channel(url, activityId, attemptId) {
    this.url = url; this.activityId = activityId; this.attemptId = attemptId;
    this.seq = 0; this.pending = []; this.log = []; this.queue = []; this.inflight = false;
    this.backoff = 0; this.timer = null; this.failed = null;
  }
  Channel.prototype.key = function () { return STORE + this.attemptId; };
  Channel.prototype.save = function () {
    try {
      if (this.queue.length) {
        localStorage.setItem(this.key(), JSON.stringify({ url: this.url, activityId: this.activityId,
          attemptId: this.attemptId, batches: this.queue }));
      } else { localStorage.removeItem(this.key()); }
    } catch (e) { /* storage full or disabled: the in-memory queue still retries */ }
  };
  Channel.prototype.close = function (unload) {
    if (!this.pending.length && !this.log.length && !unload) { return; }
    this.seq += 1;
    this.queue.push({ attemptId: this.attemptId, seq: this.seq, activityId: this.activityId,
      ops: this.pending, log: this.log, unload: Boolean(unload) });
    this.pending = []; this.log = [];
    this.save();
  };
  Channel.prototype.flush = function (unload) {
    this.close(unload);
    if (unloading) { this.beacon(); } else { this.send(); }
  };
  Channel.prototype.send = function () {
    var self = this;
    if (self.inflight || !self.queue.length || self.timer) { return; }
    self.inflight = true;
    show('Saving…');
    var batch = self.queue[0];
    fetch(self.url + '/commit', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(batch), keepalive: true, credentials: 'omit' })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) { return [response.status, body]; });
      })
      .then(function (answer) {
        self.inflight = false;
        var code = answer[0], body = answer[1];
        if (code === 200) {
          self.queue.shift(); self.backoff = 0; self.save();
          if (body.buttons) { buttons = body.buttons; }
          if (body.toc) { updateToc(body.toc); }
          show(self.queue.length ? 'Saving…' : 'Saved');
          nudge('commit');
          self.send();
        } else if (code === 400 || code === 401 || code === 404 || code === 410) {
          self.failed = body.message || ('HTTP ' + code);  // refused for good: keep it for the next launch's log
          show('Not saved: ' + self.failed);
        } else { self.retry(); }
      }, function () { self.inflight = false; self.retry(); });
  };
  Channel.prototype.retry = function () {
    var self = this;
    self.backoff = Math.min(MAX_BACKOFF_MS, self.backoff ? self.backoff * 2 : 1000);
    show('Offline — retrying');
    self.timer = setTimeout(function () { self.timer = null; self.send(); }, self.backoff * (0.75 + Math.random() / 2));
  };
  Channel.prototype.beacon = function () {
    for (var i = 0; i < this.queue.length; i++) {
      navigator.sendBeacon(this.url + '/commit', new Blob([JSON.stringify(this.queue[i])], { type: 'text/plain' }));
    }
  };
  Channel.prototype.drained = function (ms) {
    var self = this, until = Date.now() + ms;
    return new Promise(function (resolve) {
      (function wait() {
        if (!self.queue.length || self.failed || Date.now() > until) { resolve(); return; }
        setTimeout(wait, 50);
      })();
    });
  };

  /** Batches a closed tab left behind (network down): send them now, oldest first. */
  function resendLeftovers() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      if (localStorage.key(i).indexOf(STORE) === 0) { keys.push(localStorage.key(i)); }
    }
    keys.forEach(function (key) {
      var saved;
      try { saved = JSON.parse(localStorage.getItem(key)); } catch (e) { localStorage.removeItem(key); return; }
      var channel = new Channel(saved.url, saved.activityId, saved.attemptId);
      channel.queue = saved.batches || [];
      channel.seq = channel.queue.length ? channel.queue[channel.queue.length - 1].seq : 0;
      channel.send();
    });
  }

  // --- table of contents and navigation --------------------------------------------------------
  function launchable() { return toc.filter(function (e) { return e.launchable; }); }
  function position() {
    var list = launchable();
    for (var i = 0; i < list.length; i++) { if (current && list[i].id === current.activityId) { return i; } }
    return -1;
  }
  function updateToc(entries) {
    toc = entries;
    var list = document.getElementById('toc-list');
    list.textContent = '';
    toc.forEach(function (entry) {
      var item = document.createElement('li');
      item.style.paddingLeft = (entry.depth * 0.8) + 'rem';
      if (entry.launchable) {
        var button = document.createElement('button');
        button.type = 'button';
        button.textContent = entry.title || entry.id;
        button.disabled = !entry.available;
        button.dataset.activity = entry.id;
        button.dataset.completion = entry.completion;
        if (current && current.activityId === entry.id) { button.setAttribute('aria-current', 'page'); }
        button.addEventListener('click', function () {
          if (config.sequenced) { navigate('choice', entry.id); } else { go(entry.id); }
        });
        item.appendChild(button);
        var mark = document.createElement('span');
        mark.className = 'mark';
        mark.textContent = entry.completion === 'COMPLETED' ? ' ✓' : '';
        item.appendChild(mark);
      } else {
        item.textContent = entry.title || entry.id;
        item.className = 'cluster';
      }
      list.appendChild(item);
    });
    var list2 = launchable(), at = position();
    if (buttons) {
      document.getElementById('prev').disabled = !buttons.previous;
      document.getElementById('next').disabled = !buttons['continue'];
      return;
    }
    document.getElementById('prev').disabled = at <= 0 || !list2[at - 1].available;
    document.getElementById('next').disabled = at < 0 || at >= list2.length - 1 || !list2[at + 1].available;
  }

  function post(what, body) {
    return fetch(base + '/' + what, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body || {}), credentials: 'omit' }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) { throw new Error(json.message || ('HTTP ' + response.status)); }
        return json;
      });
    });
  }

  /** Leave the current SCO: unload its page (content often terminates on unload), then make
   *  sure what it set is on its way even if it never called Terminate. */
  function leave() {
    if (!current) { return Promise.resolve(); }
    var leaving = current;
    frame.src = 'about:blank';
    if (popup && !popup.closed) { popup.close(); }  // content often terminates on unload
    popup = null;
    return new Promise(function (resolve) { setTimeout(resolve, 100); }).then(function () {
      if (!leaving.channel) { return null; }  // statement-tracked content saved to the LRS itself
      if (!leaving.finished) { leaving.channel.flush(true); }
      return leaving.channel.drained(5000);
    });
  }

  function go(activityId) {
    if (exited) { return Promise.resolve(); }
    return leave().then(function () { return post('deliver', activityId ? { activityId: activityId } : {}); })
      .then(arrive, function (error) { message(error.message); });
  }

  /** SCORM 2004 sequencing: the server's sequencer runs the request and says what to deliver. */
  function navigate(request, target) {
    if (exited) { return Promise.resolve(); }
    return leave().then(function () { return post('deliver', { navRequest: request, target: target }); })
      .then(function (answer) { return arrive(answer, request); }, function (error) { message(error.message); });
  }

  function arrive(answer, request) {
    if (answer.buttons) { buttons = answer.buttons; }
    if (answer.activityId) { document.getElementById('message').hidden = true; return start(answer); }
    current = null;
    updateToc(answer.toc || toc);
    // the session ended; or the learner wants out and there is nothing left to end: leave anyway
    if (answer.sequencing && (answer.sequencing.ended || request === 'exitAll' || request === 'suspendAll')) {
      return exit();
    }
    message(answer.sequencing ? answer.sequencing.message : 'Nothing to deliver.');
  }

  /** xAPI / cmi5 content: it talks to the LRS with the launch parameters in its URL; the player
   *  only frames it (or, for a cmi5 OwnWindow AU, hands it the whole window). */
  function startStatements(delivered) {
    current = { activityId: delivered.activityId, channel: null, finished: true, session: null };
    delete window.API; delete window.API_1484_11;
    updateToc(delivered.toc || toc);
    document.getElementById('course-title').textContent = config.title + ' — ' + (delivered.title || '');
    if (delivered.ownWindow) { window.location.assign(delivered.contentUrl); return; }
    frame.src = delivered.contentUrl;
  }

  function start(delivered) {
    if (delivered.statements) { return startStatements(delivered); }
    var channel = new Channel(base, delivered.activityId, delivered.attemptId);
    var state = { activityId: delivered.activityId, channel: channel, finished: false, session: null };
    var made = window.NimbusRuntime.create(delivered.scorm12 ? 'scorm12' : 'scorm2004', rules, delivered.data, {
      navValid: delivered.navValid, sharedData: delivered.sharedData, maxValueChars: config.maxValueChars,
    }, {
      onSet: function (element, value) { channel.pending.push(['set', element, value]); },
      onCommit: function () { channel.pending.push(['commit']); channel.flush(false); },
      onFinish: function () {
        channel.pending.push(['finish']); state.finished = true; channel.flush(false);
        setTimeout(function () { afterFinish(state); }, 0);
      },
      onCall: function (name, args, result, error) {
        channel.log.push({ t: now(), call: name, args: args, result: result, error: error });
      },
    });
    state.session = made.session;
    delete window.API; delete window.API_1484_11;
    if (delivered.scorm12) { window.API = made.api; } else { window.API_1484_11 = made.api; }
    current = state;
    hideControls(delivered.hideLmsUi || []);
    updateToc(delivered.toc || toc);
    document.getElementById('course-title').textContent = config.title + ' — ' + (delivered.title || '');
    show_content(delivered.contentUrl, delivered.title || config.title);
    if (delivered.standard === 'AICC') { watchHacp(state); }
  }

  /** AICC AUs report over HACP straight to the server (chalicelib.aicc), not through this page:
   *  the table of contents (statuses, prerequisites, Next) is refreshed from the server meanwhile. */
  var HACP_POLL_MS = 2000;
  function watchHacp(state) {
    var timer = setInterval(function () {
      if (current !== state || exited) { clearInterval(timer); return; }
      fetch(base + '/toc', { credentials: 'omit' }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) { if (answer && current === state) { updateToc(answer.toc); } }, function () {});
    }, HACP_POLL_MS);
  }

  /** PlayerLaunchType: in the frame (FRAMESET), or in a window of its own, opened at once
   *  (NEW_WINDOW) or by the learner's click (NEW_WINDOW_AFTER_CLICK, for pop-up blockers). */
  function show_content(url, title) {
    if (launchType === 'FRAMESET') { frame.src = url; return; }
    frame.hidden = true;
    var opener = document.getElementById('open-window');
    function open() {
      popup = window.open(url, 'nimbus-content');
      if (popup) { message('"' + title + '" is open in its own window.'); opener.textContent = 'Bring the course window back'; }
      else { message('Your browser blocked the course window; allow pop-ups for this site and click Open.'); }
    }
    opener.hidden = false;
    opener.onclick = function () { if (popup && !popup.closed) { popup.focus(); } else { open(); } };
    opener.textContent = 'Open "' + title + '"';
    if (launchType === 'NEW_WINDOW') { open(); }
    else { message('Click Open to start "' + title + '" in its own window.'); }
  }

  /** SCORM 2004 navigation requests the SCO made before Terminate (RTE 4.4, adl.nav.request). */
  function afterFinish(state) {
    if (current !== state || exited) { return; }
    var request = state.session.data.values['adl.nav.request'] || '_none_';
    if (config.sequenced) {
      if (request !== '_none_') { navigate(request); }
      return;
    }
    var list = launchable(), at = position();
    var choice = /^\{target=([^}]*)\}(choice|jump)$/.exec(request);
    if (request === 'continue' && at < list.length - 1) { go(list[at + 1].id); }
    else if (request === 'previous' && at > 0) { go(list[at - 1].id); }
    else if (choice) { go(choice[1]); }
    else if (/^(exit|exitAll|suspendAll|abandon|abandonAll)$/.test(request) && request !== 'exit') { exit(); }
  }

  /** adlnav:hideLMSUI (CAM 5.1.5.1): the SCO offers these itself, the player hides its own. */
  var CONTROLS = { previous: 'prev', 'continue': 'next', exit: 'exit', exitAll: 'exit-all', suspendAll: 'suspend-all' };
  function hideControls(hidden) {
    Object.keys(CONTROLS).forEach(function (request) {
      var button = document.getElementById(CONTROLS[request]);
      if (button) { button.hidden = hidden.indexOf(request) >= 0; }
    });
  }

  function message(text) {
    var box = document.getElementById('message');
    box.textContent = text;
    box.hidden = false;
  }

  function exit() {
    if (exited) { return Promise.resolve(); }
    return leave().then(function () {
      exited = true;
      return post('exit', {}).catch(function () { return { redirect: config.redirect }; });
    }).then(function (answer) {
      nudge('exit');
      var target = answer.redirect || config.redirect;
      if (target === 'closer') { window.close(); message('You have exited the course. You may close this window.'); }
      else if (target === 'blank') { window.location.href = 'about:blank'; }
      else if (target === 'message') { message('You have exited the course. You may close this window.'); }
      else { window.location.href = target; }
    });
  }

  window.addEventListener('pagehide', function () {
    unloading = true;
    if (current && current.channel && !exited) { current.channel.flush(true); }
  });
  setInterval(function () { if (current && current.channel && current.channel.pending.length) { current.channel.flush(false); } }, AUTOSAVE_MS);
  document.getElementById('prev').addEventListener('click', function () {
    if (config.sequenced) { navigate('previous'); return; }
    var list = launchable(), at = position();
    if (at > 0) { go(list[at - 1].id); }
  });
  document.getElementById('next').addEventListener('click', function () {
    if (config.sequenced) { navigate('continue'); return; }
    var list = launchable(), at = position();
    if (at >= 0 && at < list.length - 1) { go(list[at + 1].id); }
  });
  // SCORM 2004 sequencing: Exit / Suspend / Exit All are the navigation requests exit, suspendAll
  // and exitAll (SN 4.4.3); the sequencer ends the session or says what comes next.
  var LEAVING = { exit: 'exit', 'suspend-all': 'suspendAll', 'exit-all': 'exitAll' };
  Object.keys(LEAVING).forEach(function (id) {
    var button = document.getElementById(id);
    if (!button) { return; }
    button.addEventListener('click', function () {
      if (config.sequenced) { navigate(LEAVING[id]); } else { exit(); }
    });
  });
  document.getElementById('toc-toggle').addEventListener('click', function (event) {
    var nav = document.getElementById('toc'), open = nav.hidden;
    nav.hidden = !open;
    event.currentTarget.setAttribute('aria-expanded', String(open));
  });
  window.nimbusPlayer = { go: go, navigate: navigate, exit: exit, state: function () {
    if (current && !current.channel) { return { activityId: current.activityId, queued: 0, pending: 0, failed: null }; }
    return current ? { activityId: current.activityId, queued: current.channel.queue.length,
      pending: current.channel.pending.length, failed: current.channel.failed } : null;
  } };

  if (settings.showCourseStructure === false) {
    document.getElementById('toc').hidden = true;
    document.getElementById('toc-toggle').hidden = true;
  } else if (settings.courseStructureStartsOpen === false) {
    document.getElementById('toc').hidden = true;
    document.getElementById('toc-toggle').setAttribute('aria-expanded', 'false');
  }
  if (settings.showNavBar === false) { document.querySelector('nav.flow').hidden = true; }
  // PlayerTimeLimit: when the time left runs out, save and close the course (the server refuses
  // further deliveries once the tracked time reaches the limit)
  if (typeof settings.timeLeftSeconds === 'number') {
    setTimeout(function () {
      exit().then(function () { message('The time limit for this course is used up.'); });
    }, Math.max(0, settings.timeLeftSeconds) * 1000);
  }
  updateToc(toc);
  resendLeftovers();
  fetch('/launch/player/rules.json').then(function (r) { return r.json(); }).then(function (loaded) {
    rules = loaded;
    if (returned) { message('Choose an activity from the table of contents.'); return null; }
    return go(config.start);
  }).catch(function (error) { message('The player could not start: ' + error.message); });
})();
