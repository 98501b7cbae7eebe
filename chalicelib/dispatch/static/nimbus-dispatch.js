/*
 * Nimbus dispatch package: the launch page's script (the one SCO / AU of the package).
 *
 * 1. Finds the host LMS's run-time API: SCORM 1.2 `API` / SCORM 2004 `API_1484_11`, looked for
 *    in this window, its parents (up to 500 levels) and then the opener's chain (RTE 1.2 §3.3.6.1,
 *    RTE 2004 §3.1.2.1 "API instance discovery"); for AICC, HACP over HTTP to `aicc_url` with
 *    `aicc_sid` (CMI001 §6.4).
 * 2. Reads the host's learner (cmi.core.student_id / cmi.learner_id, name), the attempt marker it
 *    saved in suspend data, and the total time the host has recorded so far.
 * 3. Posts them to Nimbus (`/launch/dispatch/play`) into the frame: Nimbus answers with the course's
 *    player, or with a page that says why it cannot play (disabled, expired, full...).
 * 4. Relays over postMessage, checking origins both ways: only messages from the Nimbus origin and
 *    from that frame are read; messages go only to the Nimbus origin. Progress (completion,
 *    success, score, total time) is written to the host on every report and on exit.
 *
 * The package holds no secret beyond the dispatch id and its unguessable key.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('nimbus-dispatch').textContent);
  var frame = document.getElementById('nimbus-course');
  var note = document.getElementById('nimbus-note');
  var MARK = 'nimbus:';
  var host = null, started = false, finished = false, attempt = '', startTotal = 0, last = null, refused = false;

  function say(text) { note.textContent = text; note.hidden = false; }

  // --- API discovery -------------------------------------------------------------------------
  function lookIn(win, name) {
    for (var hops = 0; win && hops < 500; hops += 1) {
      try { if (win[name]) { return win[name]; } } catch (e) { /* a cross-origin ancestor: keep climbing */ }
      if (!win.parent || win.parent === win) { return null; }
      win = win.parent;
    }
    return null;
  }
  function discover(name) {
    var found = lookIn(window, name);
    if (!found && window.opener) { found = lookIn(window.opener, name); }
    if (!found && window.top && window.top.opener) { found = lookIn(window.top.opener, name); }
    return found;
  }

  // --- time formats --------------------------------------------------------------------------
  function pad(n, width) { var s = String(n); while (s.length < width) { s = '0' + s; } return s; }
  function fromHms(text) {  // SCORM 1.2 CMITimespan / AICC time: [H]HHH:MM:SS[.SS]
    var m = /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(String(text || '').trim());
    return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
  }
  function toHms(seconds, hourDigits) {
    var whole = Math.max(0, seconds), h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60);
    var s = whole - h * 3600 - m * 60, cs = Math.floor(s * 100 + 0.5) / 100;
    return pad(h, hourDigits) + ':' + pad(m, 2) + ':' + (cs < 10 ? '0' : '') + cs.toFixed(2);
  }
  function fromIso(text) {  // SCORM 2004 timeinterval (second, 10,0): PnYnMnDTnHnMnS
    var m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(String(text || ''));
    if (!m) { return 0; }
    return Number(m[1] || 0) * 31536000 + Number(m[2] || 0) * 2592000 + Number(m[3] || 0) * 86400 +
      Number(m[4] || 0) * 3600 + Number(m[5] || 0) * 60 + Number(m[6] || 0);
  }
  function toIso(seconds) {
    var whole = Math.max(0, seconds), h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60);
    var s = Math.round((whole - h * 3600 - m * 60) * 100) / 100;
    return 'PT' + h + 'H' + m + 'M' + s + 'S';
  }
  function scoreText(score) { return String(Math.round(score * 100) / 100); }

  // --- the host's runtime, one adapter per standard ----------------------------------------
  function scorm12(api) {
    return {
      start: function () { return String(api.LMSInitialize('')) === 'true'; },
      learner: function () {
        return { id: api.LMSGetValue('cmi.core.student_id'), name: api.LMSGetValue('cmi.core.student_name'),
          suspend: api.LMSGetValue('cmi.suspend_data'), total: fromHms(api.LMSGetValue('cmi.core.total_time')) };
      },
      report: function (s, exiting) {
        var status = s.success === 'PASSED' ? 'passed' : s.success === 'FAILED' ? 'failed'
          : s.completion === 'COMPLETED' ? 'completed' : 'incomplete';
        api.LMSSetValue('cmi.core.lesson_status', status);
        if (s.score !== null && s.score !== undefined) {
          api.LMSSetValue('cmi.core.score.min', '0'); api.LMSSetValue('cmi.core.score.max', '100');
          api.LMSSetValue('cmi.core.score.raw', scoreText(s.score));
        }
        api.LMSSetValue('cmi.core.session_time', toHms(s.totalSeconds - startTotal, 4));
        api.LMSSetValue('cmi.suspend_data', MARK + attempt);
        if (exiting) { api.LMSSetValue('cmi.core.exit', s.completion === 'COMPLETED' ? '' : 'suspend'); }
        api.LMSCommit('');
      },
      mark: function () { api.LMSSetValue('cmi.suspend_data', MARK + attempt); api.LMSCommit(''); },
      finish: function () { api.LMSFinish(''); },
    };
  }
  function scorm2004(api) {
    return {
      start: function () { return String(api.Initialize('')) === 'true'; },
      learner: function () {
        return { id: api.GetValue('cmi.learner_id'), name: api.GetValue('cmi.learner_name'),
          suspend: api.GetValue('cmi.suspend_data'), total: fromIso(api.GetValue('cmi.total_time')) };
      },
      report: function (s, exiting) {
        api.SetValue('cmi.completion_status', s.completion === 'COMPLETED' ? 'completed' : 'incomplete');
        api.SetValue('cmi.success_status', s.success === 'PASSED' ? 'passed' : s.success === 'FAILED' ? 'failed' : 'unknown');
        if (s.score !== null && s.score !== undefined) {
          api.SetValue('cmi.score.scaled', String(Math.round(s.score * 100) / 10000));
          api.SetValue('cmi.score.min', '0'); api.SetValue('cmi.score.max', '100');
          api.SetValue('cmi.score.raw', scoreText(s.score));
        }
        api.SetValue('cmi.session_time', toIso(s.totalSeconds - startTotal));
        api.SetValue('cmi.suspend_data', MARK + attempt);
        if (exiting) { api.SetValue('cmi.exit', s.completion === 'COMPLETED' ? 'normal' : 'suspend'); }
        api.Commit('');
      },
      mark: function () { api.SetValue('cmi.suspend_data', MARK + attempt); api.Commit(''); },
      finish: function () { api.Terminate(''); },
    };
  }
  function aicc() {  // HACP (CMI001 §6.4): form posts to aicc_url, plain-text answers
    var params = {};
    location.search.replace(/^\?/, '').split('&').forEach(function (pair) {
      var at = pair.indexOf('=');
      if (at > 0) { params[decodeURIComponent(pair.slice(0, at)).toLowerCase()] = decodeURIComponent(pair.slice(at + 1).replace(/\+/g, ' ')); }
    });
    var url = params.aicc_url, sid = params.aicc_sid;
    if (!url || !sid) { return null; }
    function call(command, data) {
      var body = 'command=' + command + '&version=4.0&session_id=' + encodeURIComponent(sid) +
        '&aicc_data=' + encodeURIComponent(data || '');
      var request = new XMLHttpRequest();  // HACP calls are answered at once; keep them in order
      request.open('POST', url, false);
      request.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
      request.send(body);
      return request.responseText || '';
    }
    function parse(text) {
      var core = {}, section = '', lesson = [];
      // the data may start on the aicc_data= line itself ("aicc_data=[Core]"), as many LMSs send it
      String(text).replace(/^(aicc_data=)/im, '$1\n').split(/\r?\n/).forEach(function (line) {
        var header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
        if (header) { section = header[1].toLowerCase(); return; }
        if (section === 'core_lesson') { lesson.push(line); return; }
        var at = line.indexOf('=');
        if (at > 0) { core[(section ? section + '.' : '') + line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim(); }
      });
      core.lesson = lesson.join('\n').trim();
      return core;
    }
    var known = null;
    return {
      start: function () { known = parse(call('GetParam')); return String(known.error || '0') === '0'; },
      learner: function () {
        return { id: known['core.student_id'] || '', name: known['core.student_name'] || '',
          suspend: known.lesson || '', total: fromHms(known['core.time']) };
      },
      report: function (s) {
        var status = s.success === 'PASSED' ? 'passed' : s.success === 'FAILED' ? 'failed'
          : s.completion === 'COMPLETED' ? 'completed' : 'incomplete';
        var score = s.score !== null && s.score !== undefined ? scoreText(s.score) : '';
        call('PutParam', '[Core]\r\nLesson_Location=\r\nLesson_Status=' + status + '\r\nScore=' + score +
          '\r\nTime=' + toHms(s.totalSeconds - startTotal, 2) + '\r\n[Core_Lesson]\r\n' + MARK + attempt + '\r\n');
      },
      mark: function () {
        call('PutParam', '[Core]\r\nLesson_Location=\r\nLesson_Status=incomplete\r\nTime=00:00:00\r\n[Core_Lesson]\r\n' + MARK + attempt + '\r\n');
      },
      finish: function () { call('ExitAU'); },
    };
  }

  function connect() {
    if (config.runtime === 'aicc') { return aicc(); }
    var api = discover(config.runtime === 'scorm12' ? 'API' : 'API_1484_11');
    if (!api) { return null; }
    return config.runtime === 'scorm12' ? scorm12(api) : scorm2004(api);
  }

  // --- launch and relay ------------------------------------------------------------------------
  function open() {
    host = connect();
    if (!host) { say('This course must be launched from your learning management system (no LMS connection was found).'); return; }
    if (!host.start()) { say('Your learning management system did not start this course.'); return; }
    started = true;
    var learner = host.learner();
    var saved = String(learner.suspend || '');
    startTotal = learner.total || 0;
    var form = document.createElement('form');
    form.method = 'POST'; form.action = config.server + '/launch/dispatch/play'; form.target = frame.name;
    form.acceptCharset = 'utf-8';
    var values = { realm: config.realm, dispatch: config.dispatch, key: config.key, learner_id: learner.id || '',
      learner_name: learner.name || '', attempt: saved.indexOf(MARK) === 0 ? saved.slice(MARK.length) : '',
      host_origin: location.origin, runtime: config.runtime };
    Object.keys(values).forEach(function (name) {
      var field = document.createElement('input');
      field.type = 'hidden'; field.name = name; field.value = values[name];
      form.appendChild(field);
    });
    document.body.appendChild(form);
    note.hidden = true; frame.hidden = false;
    form.submit();
  }

  // A refused launch (disabled, expired, capped) leaves the host's session unfinished: finishing
  // it would make the host record an attempt (SCORM 1.2 RTE, cmi.core.lesson_status: an LMS sets
  // the status itself when a SCO finishes without one), and Nimbus stored nothing for it either.
  function finish() {
    if (!started || finished) { return; }
    finished = true;
    if (refused) { return; }
    if (last) { try { host.report(last, true); } catch (e) { /* the host is going away */ } }
    try { host.finish(); } catch (e) { /* the host is going away */ }
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== config.server || event.source !== frame.contentWindow) { return; }
    var data = event.data || {};
    if (typeof data !== 'object' || finished) { return; }
    if (data.type === 'nimbus:ready') {
      attempt = String(data.attempt || '');
      host.mark();
    } else if (data.type === 'nimbus:status' || data.type === 'nimbus:exit') {
      last = data.status; host.report(last, false);
      if (data.type === 'nimbus:exit') { finish(); }
    } else if (data.type === 'nimbus:refused') {
      refused = true;
    }
  });
  window.addEventListener('pagehide', function () {
    try { frame.contentWindow.postMessage({ type: 'nimbus:host-exit' }, config.server); } catch (e) { /* gone */ }
    finish();
  });
  window.nimbusDispatch = { state: function () { return { started: started, finished: finished, attempt: attempt, last: last, refused: refused }; } };

  open();
})();
