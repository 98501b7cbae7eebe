"""The dispatch package: a thin course of a given standard that an LMS imports and that plays the
real course from Nimbus (SCORM Cloud GetDispatchZip, ``type`` SCORM_12 | SCORM_2004_3RD | AICC).

Contents: the standard's course description (``imsmanifest.xml`` built with lxml for SCORM — CAM
1.2 §2 / CAM 2004 3rd Ed. §3 —, or the AICC CMI001 course structure files ``.crs .au .des .cst``),
``index.html`` (the one SCO / AU, carrying only the Nimbus origin, the realm, the dispatch id and
the dispatch's unguessable key) and ``nimbus-dispatch.js`` (finds the host LMS's API and relays;
see its header). A destination's zip holds one such zip per dispatch.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from chalicelib import courses
from chalicelib.config import settings
from chalicelib.dispatch import dispatches
from chalicelib.errors import BadRequest
from chalicelib.store import courses as course_store

if TYPE_CHECKING:
    from chalicelib.store.dispatch import DispatchItem

STATIC = Path(__file__).resolve().parent / "static"
#: ``type`` → (runtime the launch page talks to, file-name suffix)
TYPES: dict[str, str] = {"SCORM_12": "scorm12", "SCORM_2004_3RD": "scorm2004", "AICC": "aicc"}
SCORM12_NS = {None: "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
              "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
SCORM2004_NS = {None: "http://www.imsglobal.org/xsd/imscp_v1p1",
                "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3"}
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Package:
    """A built zip and the name it is downloaded under."""

    body: bytes
    file_name: str


def package_type(raw: str | None) -> str:
    value = (raw or "SCORM_12").upper()
    if value not in TYPES:
        raise BadRequest(f"type must be one of {', '.join(TYPES)}, not {raw!r}.")
    return value


def css_url(raw: str | None) -> str:
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(raw) > 2048:
        raise BadRequest(f"cssUrl must be an http or https URL, not {raw!r}.")
    return raw


def _origin() -> str:
    parts = urlsplit(settings().base_url)
    return f"{parts.scheme}://{parts.netloc}"


def _launch_page(item: DispatchItem, title: str, runtime: str, css: str) -> str:
    config = {"server": _origin(), "realm": item.realm_id, "dispatch": item.dispatch_id,
              "key": dispatches.package_key(item), "runtime": runtime}
    data = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    stylesheet = f'<link rel="stylesheet" href="{escape(css)}">' if css else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>html,body{{margin:0;height:100%}}#nimbus-course{{border:0;width:100%;height:100%;display:block}}
#nimbus-note{{font-family:sans-serif;max-width:40rem;margin:2rem auto}}</style>{stylesheet}
<script type="application/json" id="nimbus-dispatch">{data}</script>
<script src="nimbus-dispatch.js" defer></script></head>
<body><p id="nimbus-note" role="status">Loading the course…</p>
<iframe id="nimbus-course" name="nimbus-course" title="{escape(title)}" allow="fullscreen" hidden></iframe>
</body></html>
"""


def _scorm_manifest(item: DispatchItem, title: str, runtime: str) -> bytes:
    from lxml import etree  # noqa: PLC0415 - heavy; only when a package is built

    ns = SCORM12_NS if runtime == "scorm12" else SCORM2004_NS
    imscp, adlcp = ns[None], ns["adlcp"]
    identifier = "nimbus.dispatch." + SAFE_NAME.sub("_", item.dispatch_id)
    manifest = etree.Element(f"{{{imscp}}}manifest", nsmap=ns, identifier=identifier, version="1.0")
    metadata = etree.SubElement(manifest, f"{{{imscp}}}metadata")
    etree.SubElement(metadata, f"{{{imscp}}}schema").text = "ADL SCORM"
    etree.SubElement(metadata, f"{{{imscp}}}schemaversion").text = "1.2" if runtime == "scorm12" else "2004 3rd Edition"
    organizations = etree.SubElement(manifest, f"{{{imscp}}}organizations", default="org")
    organization = etree.SubElement(organizations, f"{{{imscp}}}organization", identifier="org")
    etree.SubElement(organization, f"{{{imscp}}}title").text = title
    entry = etree.SubElement(organization, f"{{{imscp}}}item", identifier="item", identifierref="res")
    etree.SubElement(entry, f"{{{imscp}}}title").text = title
    resources = etree.SubElement(manifest, f"{{{imscp}}}resources")
    kind = "scormtype" if runtime == "scorm12" else "scormType"
    resource = etree.SubElement(resources, f"{{{imscp}}}resource", identifier="res", type="webcontent",
                                href="index.html", attrib={f"{{{adlcp}}}{kind}": "sco"})
    for name in ("index.html", "nimbus-dispatch.js"):
        etree.SubElement(resource, f"{{{imscp}}}file", href=name)
    return bytes(etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _aicc_value(text: str) -> str:
    return '"' + text.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def _aicc_files(item: DispatchItem, title: str) -> dict[str, str]:
    """CMI001 course structure files for one AU (the launch page, HACP)."""
    course_id = SAFE_NAME.sub("_", item.dispatch_id)[:40] or "nimbus"
    return {
        "course.crs": ("[Course]\r\nCourse_Creator=Nimbus\r\nCourse_ID=" + course_id + "\r\nCourse_System=Nimbus\r\n"
                       "Course_Title=" + title.replace("\r", " ").replace("\n", " ") + "\r\nLevel=1\r\n"
                       "Max_Fields_CST=2\r\nTotal_AUs=1\r\nTotal_Blocks=0\r\nVersion=4.0\r\n"
                       "[Course_Behavior]\r\nMax_Normal=1\r\n[Course_Description]\r\n"
                       + title.replace("\r", " ").replace("\n", " ") + "\r\n"),
        "course.au": ('"System_ID","Type","Command_Line","File_Name","Core_Vendor","Web_Launch","AU_Password"\r\n'
                      '"A1","nimbus-dispatch","","index.html","","",""\r\n'),
        "course.des": '"System_ID","Developer_ID","Title","Description"\r\n'
                      f'"A1","{course_id}",{_aicc_value(title)},{_aicc_value(title)}\r\n',
        "course.cst": '"Block","Member"\r\n"root","A1"\r\n',
    }


def build(item: DispatchItem, raw_type: str | None, raw_css: str | None = None) -> Package:
    """The dispatch's package of ``type`` (default SCORM_12)."""
    kind, css = package_type(raw_type), css_url(raw_css)
    runtime = TYPES[kind]
    course = course_store.get_course(item.realm_id, item.course_id)
    title = (course.title if course else "") or item.course_id
    files: dict[str, str | bytes] = {
        "index.html": _launch_page(item, title, runtime, css),
        "nimbus-dispatch.js": (STATIC / "nimbus-dispatch.js").read_bytes(),
    }
    if runtime == "aicc":
        files.update(_aicc_files(item, title))
    else:
        files["imsmanifest.xml"] = _scorm_manifest(item, title, runtime)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    stem = SAFE_NAME.sub("_", f"{title}-{item.dispatch_id}")[:120]
    return Package(out.getvalue(), f"{stem}-{kind}.zip")


def for_dispatch(realm_id: str, dispatch_id: str, raw_type: str | None, raw_css: str | None) -> Package:
    return build(dispatches.require(realm_id, dispatch_id), raw_type, raw_css)


def for_destination(realm_id: str, destination_id: str, raw_type: str | None, raw_css: str | None,
                    raw_tags: str | None) -> Package:
    """GetDestinationDispatchZip: one package per dispatch of the destination (``tags``: any of)."""
    from chalicelib.dispatch import destinations  # noqa: PLC0415 - destinations import dispatches

    package_type(raw_type)
    destinations.require(realm_id, destination_id)
    query = dispatches.Query(destination_id=destination_id, tags=courses.parse_tags(raw_tags) or None)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for item in sorted(dispatches.matching(realm_id, query), key=lambda d: d.dispatch_id):
            made = build(item, raw_type, raw_css)
            archive.writestr(made.file_name, made.body)
    return Package(out.getvalue(), SAFE_NAME.sub("_", f"{destination_id}-{package_type(raw_type)}")[:120] + ".zip")
