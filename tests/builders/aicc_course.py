"""AICC courses that talk HACP (AICC CMI001 v4): course structure files and an AU page that
reads ``aicc_sid`` / ``aicc_url`` from its URL and posts HACP commands as
``application/x-www-form-urlencoded`` forms, as real AICC content does.

The AU page runs GetParam, then (after its button is pressed, or at once with ``#auto``) PutParam
with its status, score and time, PutObjectives, PutInteractions, PutComments and ExitAU, and
writes every answer into ``#log`` so a browser test can read what the LMS said.
"""

from __future__ import annotations

from tests.builders.course_zip import zip_bytes

AU_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>HACP AU __ID__</title></head>
<body><h1>AU __ID__</h1><button id="finish" type="button">Finish</button>
<pre id="log"></pre><p id="state">starting</p>
<script>
(function () {
  var query = {};
  window.location.search.replace(/^\\?/, '').split('&').forEach(function (pair) {
    if (!pair) { return; }
    var at = pair.indexOf('=');
    var key = decodeURIComponent((at < 0 ? pair : pair.slice(0, at)).replace(/\\+/g, ' ')).toLowerCase();
    query[key] = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1).replace(/\\+/g, ' '));
  });
  var log = document.getElementById('log'), state = document.getElementById('state');
  function hacp(command, data) {
    var form = new URLSearchParams();
    form.set('command', command);
    form.set('version', '4.0');
    form.set('session_id', query.aicc_sid);
    form.set('aicc_data', data || '');
    __PASSWORD__
    return fetch(query.aicc_url, { method: 'POST', body: form }).then(function (r) { return r.text(); })
      .then(function (text) {
        log.textContent += '> ' + command + '\\n' + text + '\\n';
        var error = /^error=(\\d+)/m.exec(text);
        if (!error || error[1] !== '0') { throw new Error(command + ' answered ' + text); }
        return text;
      });
  }
  function finish() {
    state.textContent = 'sending';
    var core = '[Core]\\r\\nLesson_Location=page 3\\r\\nLesson_Status=__STATUS__\\r\\nScore=__SCORE__\\r\\n' +
      'Time=00:02:05\\r\\n[Core_Lesson]\\r\\nbookmark=3\\r\\n';
    var objectives = '"course_id","student_id","lesson_id","date","time","objective_id","score","status"\\r\\n' +
      '"C","s","__ID__","2026/03/02","09:00:00","obj-__ID__","__RAW__","passed"\\r\\n';
    var interactions = '"course_id","student_id","lesson_id","date","time","interaction_id","objective_id",' +
      '"type_interaction","correct_response","student_response","result","weighting","latency"\\r\\n' +
      '"C","s","__ID__","2026/03/02","09:01:00","q1-__ID__","obj-__ID__","C","b","b","C","1","00:00:07"\\r\\n';
    return hacp('PutParam', core).then(function () { return hacp('PutObjectives', objectives); })
      .then(function () { return hacp('PutInteractions', interactions); })
      .then(function () { return hacp('ExitAU', ''); })
      .then(function () { state.textContent = 'done'; }, function (e) { state.textContent = 'failed: ' + e.message; });
  }
  document.getElementById('finish').addEventListener('click', finish);
  hacp('GetParam', '').then(function () {
    state.textContent = 'ready';
    if (window.location.hash === '#auto') { finish(); }
  }, function (e) { state.textContent = 'failed: ' + e.message; });
})();
</script></body></html>
"""


def au_page(au_id: str, *, status: str = "passed", score: str = "85,100,0", password: str = "") -> str:
    """An AU page; ``password``: the AU password it sends (``au_password``)."""
    send = f"form.set('au_password', {password!r});" if password else ""
    return (AU_PAGE.replace("__ID__", au_id).replace("__STATUS__", status).replace("__SCORE__", score)
            .replace("__RAW__", score.split(",", maxsplit=1)[0]).replace("__PASSWORD__", send))


def hacp_course_zip(*, external_url: str = "", password: str = "", cmp: bool = True) -> bytes:
    """A two-AU AICC course (block ``B1`` with ``A1`` and ``A2``; ``A2`` requires ``A1`` in ``.pre``;
    ``.cmp``: ``B1`` is passed when ``A1`` is passed, ``A2`` optional). ``external_url``: ``A2`` is
    hosted elsewhere (an absolute ``file_name``); ``password``: ``A1``'s AU password."""
    crs = ("[Course]\r\nCourse_Creator=Nimbus tests\r\nCourse_ID=HACP01\r\nCourse_System=HTML\r\n"
           "Course_Title=HACP Basics\r\nLevel=1\r\nMax_Fields_CST=3\r\nTotal_AUs=2\r\nTotal_Blocks=1\r\n"
           "Version=4.0\r\n[Course_Behavior]\r\nMax_Normal=99\r\n[Course_Description]\r\nTalking HACP.\r\n")
    second = external_url or "au2/index.html"
    au = ('"System_ID","Type","Command_Line","File_Name","Max_Score","Mastery_Score","Max_Time_Allowed",'
          '"Time_Limit_Action","System_Vendor","Core_Vendor","Web_Launch","AU_Password"\r\n'
          f'"A1","lesson","","au1/index.html","100","80","00:30:00","continue,no message","","vendor=1","",'
          f'"{password}"\r\n'
          f'"A2","lesson","","{second}","","","","","","","",""\r\n')
    des = ('"System_ID","Developer_ID","Title","Description"\r\n"A1","d1","Lesson One","First"\r\n'
           '"A2","d2","Lesson Two","Second"\r\n"B1","d3","Module","Both"\r\n')
    cst = '"block","member","member"\r\n"root","B1"\r\n"B1","A1","A2"\r\n'
    pre = '"structure_element","prerequisite"\r\n"A2","A1"\r\n'
    files: dict[str, bytes | str] = {"course.crs": crs, "course.au": au, "course.des": des, "course.cst": cst,
                                     "course.pre": pre, "au1/index.html": au_page("A1", password=password)}
    if cmp:
        files["course.cmp"] = '"structure_element","requirement","result","next","return"\r\n"B1","A1","P","",""\r\n'
    if not external_url:
        files["au2/index.html"] = au_page("A2", status="completed", score="")
    return zip_bytes(files)
