"""A PDF, MP4 or MP3 upload → a generated cmi5 course whose one AU presents the media.

The package is ``cmi5.xml`` (one AU, ``moveOn="Completed"``), ``index.html`` (the AU: shows
the media and speaks the cmi5 launch protocol — cmi5 §8: fetch the auth token, read
``LMS.LaunchData`` for the context template, send ``initialized``, ``completed`` when the
video/audio ends or the PDF has been open for a while, ``terminated`` on leaving) and the media
file itself under ``media/``. Titles come from the upload's ``mediaFileMetadata`` if given.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from chalicelib.standards.activity_tree import Activity, Cmi5Au, CourseStructure

if TYPE_CHECKING:
    from chalicelib.standards import PackageReading

PDF_SECONDS_TO_COMPLETE = 10
TAGS = {
    "application/pdf": '<iframe src="{src}" title="{title}"></iframe>',
    "video/mp4": '<video id="media" src="{src}" controls playsinline></video>',
    "audio/mpeg": '<audio id="media" src="{src}" controls></audio>',
}
AU_SCRIPT = """
const q = new URLSearchParams(location.search);
const endpoint = (q.get('endpoint') || '').replace(/\\/?$/, '/');
const actor = JSON.parse(q.get('actor') || '{}');
const registration = q.get('registration'), activityId = q.get('activityId');
let token = null, template = {}, done = false, ended = false;
async function xapi(path, init) {
  return fetch(endpoint + path, {...init, keepalive: true, headers: {...(init && init.headers),
    'Authorization': 'Basic ' + token, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json'}});
}
function send(verb, extra) {
  if (!token) return Promise.resolve();
  const context = JSON.parse(JSON.stringify(template));
  context.registration = registration;
  return xapi('statements', {method: 'POST', body: JSON.stringify({actor, verb: {id: verb},
    object: {id: activityId, objectType: 'Activity'}, context, timestamp: new Date().toISOString(), ...extra})});
}
async function start() {
  if (!q.get('fetch')) return;
  const answer = await (await fetch(q.get('fetch'), {method: 'POST'})).json();
  token = answer['auth-token'];
  const state = await xapi('activities/state?' + new URLSearchParams({stateId: 'LMS.LaunchData',
    activityId, agent: JSON.stringify(actor), registration}), {method: 'GET'});
  if (state.ok) template = (await state.json()).contextTemplate || {};
  await send('http://adlnet.gov/expapi/verbs/initialized');
}
function complete() {
  if (done) return; done = true;
  send('http://adlnet.gov/expapi/verbs/completed', {result: {completion: true}});
}
function leave() {
  if (ended) return; ended = true;
  send('http://adlnet.gov/expapi/verbs/terminated');
}
start().then(() => {
  const media = document.getElementById('media');
  if (media) media.addEventListener('ended', complete);
  else setTimeout(complete, %(pdf_ms)d);
});
addEventListener('pagehide', leave);
"""


def _page(title: str, kind: str, src: str) -> str:
    tag = TAGS[kind].format(src=html.escape(src, quote=True), title=html.escape(title, quote=True))
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<style>html,body{margin:0;height:100%;background:#111;color:#eee;font-family:sans-serif}"
            "iframe,video{width:100%;height:100%;border:0}audio{width:90%;margin:40vh 5%}</style></head>"
            f"<body>{tag}<script>{AU_SCRIPT % {'pdf_ms': PDF_SECONDS_TO_COMPLETE * 1000}}</script></body></html>")


def _course_xml(course_id: str, au_id: str, title: str, description: str) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">'
            f'<course id={quoteattr(course_id)}><title><langstring lang="en-US">{escape(title)}</langstring></title>'
            f'<description><langstring lang="en-US">{escape(description)}</langstring></description></course>'
            f'<au id={quoteattr(au_id)} moveOn="Completed" launchMethod="AnyWindow">'
            f'<title><langstring lang="en-US">{escape(title)}</langstring></title>'
            f'<description><langstring lang="en-US">{escape(description)}</langstring></description>'
            f"<url>index.html</url></au></courseStructure>")


def reading(file_name: str, kind: str, size: int, metadata: dict[str, Any]) -> PackageReading:
    from chalicelib.standards import PackageReading  # noqa: PLC0415 - the package imports this module

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", file_name).strip("._") or "media"
    title = str(metadata.get("title") or file_name.rsplit(".", 1)[0].replace("_", " ") or "Media")
    description = str(metadata.get("description") or "")
    course_id = f"urn:nimbus:media:{uuid.uuid4()}"
    au_id = f"{course_id}/au"
    src = f"media/{safe}"
    au = Activity(identifier=au_id, title=title, kind="SCO", href="index.html",
                  cmi5=Cmi5Au(au_id, "Completed", None, "AnyWindow", "", ""))
    structure = CourseStructure(
        standard="CMI5", title=title, identifier=course_id, activity_id=course_id, description=description,
        languages=[str(metadata["contentLanguage"])] if metadata.get("contentLanguage") else [],
        duration=(f"PT{int(metadata['estimatedDuration'])}S"
                  if str(metadata.get("estimatedDuration", "")).isdigit() else ""),
        root=Activity(identifier=course_id, title=title, children=[au]),
        warnings=[f"A {kind} file was uploaded; it was wrapped in a generated cmi5 course ({size} bytes)."])
    generated = {"cmi5.xml": _course_xml(course_id, au_id, title, description).encode(),
                 "index.html": _page(title, kind, src).encode(),
                 "nimbus-media.json": json.dumps({"source": file_name, "type": kind}).encode()}
    return PackageReading(structure, None, generated, upload_as=src)
