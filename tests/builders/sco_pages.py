"""Playable SCOs built by code: pages whose JavaScript finds the LMS's API (RTE 1.2 3.3.3 / 2004
3.3.3: walk window.parent, then window.opener's chain) and calls it like real content, with
buttons a browser test clicks.

* On load: Initialize, then show what the LMS set (entry, location, suspend data, learner...).
* "Answer": an interaction, an objective, a score, a location; then Commit.
* "Suspend": suspend data, exit=suspend, session time, then Finish / Terminate.
* "Finish": completion (and for 2004 success), session time, exit normal, Finish / Terminate.
"""

from __future__ import annotations

import json

from tests.builders import course_zip as cz

_FIND = """
function findIn(win, name) {
  for (var i = 0; i < 10 && win; i++) {
    if (win[name]) { return win[name]; }
    if (win === win.parent) { break; }
    win = win.parent;
  }
  return null;
}
function findAPI(name) {  // the parent chain, then the opener's (a content window of its own)
  return findIn(window, name) || (window.opener ? findIn(window.opener, name) : null);
}
function show(id, text) { document.getElementById(id).textContent = text; }
var calls = [];
"""

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1>
<dl><dt>entry</dt><dd id="entry"></dd><dt>location</dt><dd id="location"></dd>
<dt>suspend data</dt><dd id="suspend"></dd><dt>learner</dt><dd id="learner"></dd>
<dt>launch data</dt><dd id="launch-data"></dd><dt>state</dt><dd id="state">loading</dd></dl>
<button id="answer" type="button">Answer</button> <button id="suspend-btn" type="button">Suspend</button>
<button id="finish" type="button">Finish</button>
<script>{find}
var plan = {plan};
var api = findAPI(plan.api);
function call(name) {{
  var args = Array.prototype.slice.call(arguments, 1);
  var result = api[name].apply(api, args);
  calls.push([name].concat(args).concat([result, api[plan.lastError]()]));
  return result;
}}
function run(list) {{ list.forEach(function (c) {{ call.apply(null, c); }}); }}
if (!api) {{ show('state', 'no API'); }} else {{
  call(plan.init, '');
  show('entry', call(plan.get, plan.entry));
  show('location', call(plan.get, plan.location));
  show('suspend', call(plan.get, plan.suspend));
  show('learner', call(plan.get, plan.learner));
  show('launch-data', call(plan.get, plan.launchData));
  run(plan.onLoad);
  show('state', 'running');
}}
document.getElementById('answer').onclick = function () {{ run(plan.answer); show('state', 'answered'); }};
document.getElementById('suspend-btn').onclick = function () {{ run(plan.suspendCalls); show('state', 'suspended'); }};
document.getElementById('finish').onclick = function () {{ run(plan.finish); show('state', 'finished'); }};
window.sco = {{ calls: calls, call: call }};
</script></body></html>"""

PLAN_12 = {
    "api": "API", "lastError": "LMSGetLastError", "init": "LMSInitialize", "get": "LMSGetValue",
    "entry": "cmi.core.entry", "location": "cmi.core.lesson_location", "suspend": "cmi.suspend_data",
    "learner": "cmi.core.student_name", "launchData": "cmi.launch_data",
    "onLoad": [["LMSSetValue", "cmi.core.lesson_status", "incomplete"]],
    "answer": [
        ["LMSSetValue", "cmi.interactions.0.id", "q1"], ["LMSSetValue", "cmi.interactions.0.type", "choice"],
        ["LMSSetValue", "cmi.interactions.0.correct_responses.0.pattern", "b"],
        ["LMSSetValue", "cmi.interactions.0.student_response", "b"],
        ["LMSSetValue", "cmi.interactions.0.result", "correct"],
        ["LMSSetValue", "cmi.interactions.0.latency", "00:00:05"],
        ["LMSSetValue", "cmi.objectives.0.id", "obj_golf"], ["LMSSetValue", "cmi.objectives.0.score.raw", "90"],
        ["LMSSetValue", "cmi.objectives.0.status", "passed"],
        ["LMSSetValue", "cmi.core.score.min", "0"], ["LMSSetValue", "cmi.core.score.max", "100"],
        ["LMSSetValue", "cmi.core.score.raw", 90], ["LMSSetValue", "cmi.core.lesson_location", "page-3"],
        ["LMSCommit", ""],
    ],
    "suspendCalls": [
        ["LMSSetValue", "cmi.suspend_data", "page=3;answers=b"], ["LMSSetValue", "cmi.core.exit", "suspend"],
        ["LMSSetValue", "cmi.core.session_time", "0000:01:00"], ["LMSFinish", ""],
    ],
    "finish": [["LMSSetValue", "cmi.core.lesson_status", "completed"],
               ["LMSSetValue", "cmi.core.session_time", "00:02:30"], ["LMSSetValue", "cmi.core.exit", ""],
               ["LMSFinish", ""]],
}

PLAN_2004 = {
    "api": "API_1484_11", "lastError": "GetLastError", "init": "Initialize", "get": "GetValue",
    "entry": "cmi.entry", "location": "cmi.location", "suspend": "cmi.suspend_data", "learner": "cmi.learner_name",
    "launchData": "cmi.mode",
    "onLoad": [["SetValue", "cmi.completion_status", "incomplete"]],
    "answer": [
        ["SetValue", "cmi.interactions.0.id", "q1"], ["SetValue", "cmi.interactions.0.type", "choice"],
        ["SetValue", "cmi.interactions.0.correct_responses.0.pattern", "b"],
        ["SetValue", "cmi.interactions.0.learner_response", "b"], ["SetValue", "cmi.interactions.0.result", "correct"],
        ["SetValue", "cmi.interactions.0.latency", "PT5S"],
        ["SetValue", "cmi.objectives.0.id", "obj_photo"], ["SetValue", "cmi.objectives.0.score.scaled", "0.9"],
        ["SetValue", "cmi.objectives.0.success_status", "passed"],
        ["SetValue", "cmi.objectives.0.completion_status", "completed"],
        ["SetValue", "cmi.score.scaled", "0.9"], ["SetValue", "cmi.score.raw", "90"],
        ["SetValue", "cmi.location", "slide-4"], ["Commit", ""],
    ],
    "suspendCalls": [
        ["SetValue", "cmi.suspend_data", "slide=4;answers=b"], ["SetValue", "cmi.exit", "suspend"],
        ["SetValue", "cmi.session_time", "PT1M"], ["Terminate", ""],
    ],
    "finish": [["SetValue", "cmi.completion_status", "completed"], ["SetValue", "cmi.progress_measure", "1"],
               ["SetValue", "cmi.success_status", "passed"],
               ["SetValue", "cmi.session_time", "PT2M30S"], ["SetValue", "cmi.exit", "normal"],
               ["SetValue", "adl.nav.request", "continue"], ["Terminate", ""]],
}


def sco_page(title: str, plan: dict[str, object]) -> str:
    return _PAGE.format(title=title, find=_FIND, plan=json.dumps(plan))


def playable_scorm12_zip(title: str = "Golf Explained", scos: int = 2) -> bytes:
    files: dict[str, bytes | str] = {"imsmanifest.xml": cz.scorm12_manifest(title, scos=scos),
                                     "shared/style.css": "body{}"}
    for n in range(1, scos + 1):
        files[f"lesson{n}/index.html"] = sco_page(f"Lesson {n}", PLAN_12)
    return cz.zip_bytes(files)


def playable_scorm2004_zip(title: str = "Photoshop Basics", scos: int = 2) -> bytes:
    files: dict[str, bytes | str] = {
        "imsmanifest.xml": cz.scorm2004_manifest(title, sequencing=False, scos=scos)}
    for n in range(1, scos + 1):
        files[f"content/m{n}/index.html"] = sco_page(f"Module {n}", PLAN_2004)
    return cz.zip_bytes(files)
