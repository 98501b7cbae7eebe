"""cmi5 courses built by code whose AU is written with npm ``@xapi/cmi5`` (pinned in
tests/cmi5_au/package.json, installed by the Makefile): the library's browser build is copied
into the zip at build time, never committed."""

from __future__ import annotations

from pathlib import Path

from tests.builders.course_zip import zip_bytes

ROOT = Path(__file__).resolve().parents[2]
UMD = ROOT / "tests" / "cmi5_au" / "node_modules" / "@xapi" / "cmi5" / "dist" / "Cmi5.umd.js"
COURSE_ID = "https://example.com/cmi5/quiz"
AU_ID = "https://example.com/cmi5/quiz/au"
DEBRIEF_ID = "https://example.com/cmi5/quiz/debrief"

#: initialize on load (launch data, learner preferences, "initialized"); "Finish" sends
#: completed, passed (0.9; the mastery score is 0.8) and terminated, then goes to the returnURL.
AU_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Quiz</title>
<script src="cmi5.umd.js"></script></head><body>
<h1>Flight Quiz</h1><p id="state">loading</p><p id="error"></p><p id="mode"></p>
<button type="button" id="finish">Finish</button>
<script>
(function () {
  var Cmi5 = window.Cmi5.default || window.Cmi5;
  var state = document.getElementById('state');
  var cmi5 = new Cmi5();
  function failed(error) {
    var body = error && error.response ? ' ' + JSON.stringify(error.response.data) : '';
    document.getElementById('error').textContent = String(error && error.message || error) + body;
    state.textContent = 'error';
  }
  cmi5.initialize().then(function () {
    document.getElementById('mode').textContent = cmi5.getLaunchData().launchMode;
    state.textContent = 'running';
  }, failed);
  document.getElementById('finish').addEventListener('click', function () {
    state.textContent = 'finishing';
    cmi5.complete()
      .then(function () { return cmi5.pass(0.9); })
      .then(function () { return cmi5.terminate(); })
      .then(function () {
        state.textContent = 'done';
        var back = cmi5.getLaunchData().returnURL;  // cmi5 §10.2.6: the AU goes back when it ends
        if (back) { window.location.href = back; }
      }, failed);
  });
})();
</script></body></html>"""


def cmi5_xml() -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="{COURSE_ID}">
    <title><langstring lang="en-US">Flight Quiz</langstring></title>
    <description><langstring lang="en-US">An AU written with @xapi/cmi5.</langstring></description>
  </course>
  <block id="{COURSE_ID}/block">
    <title><langstring lang="en-US">Assessment</langstring></title>
    <description><langstring lang="en-US">The quiz.</langstring></description>
    <au id="{AU_ID}" moveOn="CompletedAndPassed" masteryScore="0.8">
      <title><langstring lang="en-US">Quiz</langstring></title>
      <description><langstring lang="en-US">Answer and pass.</langstring></description>
      <url>au/index.html</url>
    </au>
  </block>
  <au id="{DEBRIEF_ID}" moveOn="Completed" launchMethod="OwnWindow">
    <title><langstring lang="en-US">Debrief</langstring></title>
    <description><langstring lang="en-US">Takes the whole window.</langstring></description>
    <url>debrief/index.html</url>
  </au>
</courseStructure>"""


def xapi_cmi5_course_zip() -> bytes:
    """A block with the quiz (AnyWindow, CompletedAndPassed, mastery 0.8), then a debrief AU
    (OwnWindow, Completed), each with ``@xapi/cmi5``'s browser build beside its page."""
    if not UMD.is_file():
        raise FileNotFoundError(f"{UMD} is missing: run `make test` (it installs tests/cmi5_au)")
    library = UMD.read_bytes()
    return zip_bytes({"cmi5.xml": cmi5_xml(), "au/index.html": AU_PAGE, "au/cmi5.umd.js": library,
                      "debrief/index.html": AU_PAGE, "debrief/cmi5.umd.js": library})
