"""Statement-tracked courses built by code: a TinCan package whose page talks to the LRS it was
launched with (the TinCan launch parameters) through plain ``fetch``."""

from __future__ import annotations

from html import escape

from tests.builders.course_zip import zip_bytes

TINCAN_ACTIVITY = "https://example.com/tincan/golf"

#: the page: on load ``initialized``; "Finish" sends completed and passed (score, duration),
#: then terminated. ``#state`` says where it is; ``#error`` what the LRS refused.
TINCAN_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Golf</title></head><body>
<h1>Golf Explained</h1><p id="state">loading</p><p id="error"></p>
<button type="button" id="finish">Finish</button>
<script>
(function () {
  var q = new URLSearchParams(location.search);
  var endpoint = q.get('endpoint'), auth = q.get('auth'), actor = JSON.parse(q.get('actor'));
  var registration = q.get('registration'), activity = q.get('activity_id');
  var state = document.getElementById('state');
  function send(verb, result) {
    var statement = { actor: actor, verb: { id: 'http://adlnet.gov/expapi/verbs/' + verb, display: { 'en-US': verb } },
      object: { objectType: 'Activity', id: activity, definition: { name: { 'en-US': 'Golf Explained' } } },
      context: { registration: registration } };
    if (result) { statement.result = result; }
    return fetch(endpoint + 'statements', { method: 'POST', body: JSON.stringify(statement), headers: {
      'Authorization': auth, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' } })
      .then(function (r) {
        if (!r.ok) { return r.text().then(function (t) { throw new Error(verb + ': ' + r.status + ' ' + t); }); }
        return r.json();
      });
  }
  function failed(error) { document.getElementById('error').textContent = error.message; state.textContent = 'error'; }
  send('initialized').then(function () { state.textContent = 'running'; }, failed);
  document.getElementById('finish').addEventListener('click', function () {
    state.textContent = 'finishing';
    send('completed', { completion: true, duration: 'PT1M30S' })
      .then(function () { return send('passed', { success: true, score: { scaled: 0.9, raw: 90, min: 0, max: 100 },
        duration: 'PT1M30S' }); })
      .then(function () { return send('terminated', { duration: 'PT1M30S' }); })
      .then(function () { state.textContent = 'done'; }, failed);
  });
})();
</script></body></html>"""


def tincan_course_xml(activity_id: str = TINCAN_ACTIVITY) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd">
  <activities>
    <activity id="{escape(activity_id)}" type="http://adlnet.gov/expapi/activities/course">
      <name>Golf Explained</name>
      <description lang="en-US">Statements through plain fetch.</description>
      <launch lang="en-us">index.html</launch>
    </activity>
  </activities>
</tincan>"""


def tincan_course_zip(activity_id: str = TINCAN_ACTIVITY) -> bytes:
    return zip_bytes({"tincan.xml": tincan_course_xml(activity_id), "index.html": TINCAN_PAGE})
