"""Course packages built by code: every standard and edition, and hostile zips.

Nothing here is a third-party package; the ADL conformance manifests (data, Apache-2.0, never in
this repository: wherever :mod:`tests.conformance.adl_suite` finds them) are wrapped with stub
files by :func:`adl_case_zip`.
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from tests.conformance import adl_suite

if TYPE_CHECKING:
    from collections.abc import Iterable

SCO_PAGE = b"<!doctype html><title>SCO</title><p>stub SCO</p>"


def zip_bytes(files: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return out.getvalue()


# --- SCORM 1.2 ------------------------------------------------------------------------------


def scorm12_manifest(title: str = "Golf Explained", *, scos: int = 2, mastery_score: int | None = 80,
                     schemaversion: str | None = "1.2", extra_items: str = "") -> str:
    items, resources = [], []
    for n in range(1, scos + 1):
        extras = ""
        if n == 1:
            extras = ("<adlcp:prerequisites type=\"aicc_script\"></adlcp:prerequisites>"
                      "<adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>"
                      "<adlcp:timelimitaction>exit,message</adlcp:timelimitaction>"
                      "<adlcp:datafromlms>hello=1</adlcp:datafromlms>"
                      + (f"<adlcp:masteryscore>{mastery_score}</adlcp:masteryscore>"
                         if mastery_score is not None else ""))
        elif n > 1:
            extras = "<adlcp:prerequisites type=\"aicc_script\">item_1</adlcp:prerequisites>"
        items.append(f'<item identifier="item_{n}" identifierref="res_{n}"><title>Lesson {n}</title>{extras}</item>')
        resources.append(f'<resource identifier="res_{n}" type="webcontent" adlcp:scormtype="sco" '
                         f'href="lesson{n}/index.html"><file href="lesson{n}/index.html"/></resource>')
    version = f"<schema>ADL SCORM</schema><schemaversion>{schemaversion}</schemaversion>" if schemaversion else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.golf" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>{version}</metadata>
  <organizations default="org1">
    <organization identifier="org1"><title>{escape(title)}</title>{''.join(items)}{extra_items}</organization>
  </organizations>
  <resources>{''.join(resources)}
    <resource identifier="shared" type="webcontent" adlcp:scormtype="asset"><file href="shared/style.css"/></resource>
  </resources>
</manifest>"""


def scorm12_zip(title: str = "Golf Explained", *, scos: int = 2, **options: Any) -> bytes:
    files: dict[str, bytes | str] = {"imsmanifest.xml": scorm12_manifest(title, scos=scos, **options),
                                     "shared/style.css": "body{}"}
    for n in range(1, scos + 1):
        files[f"lesson{n}/index.html"] = SCO_PAGE
    return zip_bytes(files)


# --- SCORM 2004 -----------------------------------------------------------------------------

SCHEMAVERSIONS = {"2nd": "CAM 1.3", "3rd": "2004 3rd Edition", "4th": "2004 4th Edition"}
SEQUENCING_COLLECTION = """
  <imsss:sequencingCollection>
    <imsss:sequencing ID="common">
      <imsss:controlMode choiceExit="false"/>
      <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
    </imsss:sequencing>
  </imsss:sequencingCollection>"""


def scorm2004_manifest(title: str = "Photoshop Basics", *, edition: str = "4th", sequencing: bool = True,
                       scos: int = 3, xml_base: str = "content/") -> str:
    items, resources = [], []
    for n in range(1, scos + 1):
        seq = ""
        if sequencing and n == 1:
            seq = """<imsss:sequencing IDRef="common">
              <imsss:sequencingRules>
                <imsss:preConditionRule>
                  <imsss:ruleConditions><imsss:ruleCondition condition="satisfied"/></imsss:ruleConditions>
                  <imsss:ruleAction action="skip"/>
                </imsss:preConditionRule>
                <imsss:postConditionRule>
                  <imsss:ruleConditions conditionCombination="any">
                    <imsss:ruleCondition operator="not" condition="satisfied"/>
                    <imsss:ruleCondition condition="objectiveMeasureLessThan" measureThreshold="0.5"
                        referencedObjective="obj_1"/>
                  </imsss:ruleConditions>
                  <imsss:ruleAction action="retry"/>
                </imsss:postConditionRule>
              </imsss:sequencingRules>
              <imsss:limitConditions attemptLimit="2"/>
              <imsss:objectives>
                <imsss:primaryObjective objectiveID="obj_1" satisfiedByMeasure="true">
                  <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
                  <imsss:mapInfo targetObjectiveID="global_1" writeSatisfiedStatus="true"/>
                </imsss:primaryObjective>
                <imsss:objective objectiveID="obj_2"/>
              </imsss:objectives>
              <adlseq:objectives>
                <adlseq:objective objectiveID="obj_1">
                  <adlseq:mapInfo targetObjectiveID="global_1" writeCompletionStatus="true"/>
                </adlseq:objective>
              </adlseq:objectives>
            </imsss:sequencing>"""
        elif sequencing:
            seq = '<imsss:sequencing IDRef="common"/>'
        threshold = ('<adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.75"/>'
                     if edition == "4th" and n == 1 else "")
        data = ('<adlcp:data><adlcp:map targetID="notes" writeSharedData="true"/></adlcp:data>'
                if edition == "4th" and n == 1 else "")
        presentation = ("<adlnav:presentation><adlnav:navigationInterface><adlnav:hideLMSUI>continue"
                        "</adlnav:hideLMSUI></adlnav:navigationInterface></adlnav:presentation>" if n == 2 else "")
        items.append(f'<item identifier="item_{n}" identifierref="res_{n}" parameters="?page={n}">'
                     f"<title>Module {n}</title>{threshold}{data}{presentation}{seq}</item>")
        resources.append(f'<resource identifier="res_{n}" type="webcontent" adlcp:scormType="sco" '
                         f'href="m{n}/index.html"><file href="m{n}/index.html"/></resource>')
    org_seq = ("""<imsss:sequencing><imsss:controlMode choice="false" flow="true"/>
        <imsss:rollupRules><imsss:rollupRule childActivitySet="all">
          <imsss:rollupConditions><imsss:rollupCondition condition="satisfied"/></imsss:rollupConditions>
          <imsss:rollupAction action="satisfied"/></imsss:rollupRule></imsss:rollupRules>
        </imsss:sequencing>""" if sequencing else "")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.photoshop" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>{SCHEMAVERSIONS[edition]}</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1" adlseq:objectivesGlobalToSystem="false">
      <title>{escape(title)}</title>{''.join(items)}{org_seq}
    </organization>
  </organizations>
  <resources xml:base={quoteattr(xml_base)}>{''.join(resources)}</resources>
  {SEQUENCING_COLLECTION if sequencing else ''}
</manifest>"""


def scorm2004_zip(title: str = "Photoshop Basics", *, edition: str = "4th", sequencing: bool = True,
                  scos: int = 3) -> bytes:
    files: dict[str, bytes | str] = {
        "imsmanifest.xml": scorm2004_manifest(title, edition=edition, sequencing=sequencing, scos=scos)}
    for n in range(1, scos + 1):
        files[f"content/m{n}/index.html"] = SCO_PAGE
    return zip_bytes(files)


def skip_rule_2004_zip(skipped: str = "item_2", scos: int = 3, page: Any = None) -> bytes:
    """A SCORM 2004 4th Ed. course (flow and choice on) whose ``skipped`` SCO is always skipped
    and hidden from choice (pre-condition rules ``always`` -> skip / hiddenFromChoice);
    ``page(n)`` gives SCO n's HTML (a stub page by default)."""
    rules = """<imsss:sequencing><imsss:sequencingRules>
      <imsss:preConditionRule><imsss:ruleConditions><imsss:ruleCondition condition="always"/>
        </imsss:ruleConditions><imsss:ruleAction action="skip"/></imsss:preConditionRule>
      <imsss:preConditionRule><imsss:ruleConditions><imsss:ruleCondition condition="always"/>
        </imsss:ruleConditions><imsss:ruleAction action="hiddenFromChoice"/></imsss:preConditionRule>
      </imsss:sequencingRules></imsss:sequencing>"""
    items = "".join(f'<item identifier="item_{n}" identifierref="res_{n}"><title>Module {n}</title>'
                    f'{rules if f"item_{n}" == skipped else ""}</item>' for n in range(1, scos + 1))
    files: dict[str, bytes | str] = {"imsmanifest.xml": _flow_2004_manifest("com.example.skip", "Skipping", items,
                                                                            range(1, scos + 1))}
    for n in range(1, scos + 1):
        files[f"m{n}/index.html"] = page(n) if page is not None else SCO_PAGE
    return zip_bytes(files)


def adl_case_zip(case: str) -> bytes:
    """An ADL conformance manifest with a stub file for every file it lists."""
    from lxml import etree

    manifest = adl_suite.manifest(case).read_bytes()
    root = etree.fromstring(manifest)
    files: dict[str, bytes | str] = {"imsmanifest.xml": manifest}
    base_attr = "{http://www.w3.org/XML/1998/namespace}base"
    for res in root.iter("{*}resource"):
        bases = [a.get(base_attr, "") for a in reversed(list(res.iterancestors()))] + [res.get(base_attr, "")]
        folder = "".join(b if b.endswith("/") or not b else b + "/" for b in bases)
        hrefs = [f.get("href") for f in res.iter("{*}file")] + [res.get("href")]
        for href in filter(None, hrefs):
            files[posixpath.normpath(folder + href.split("?")[0].split("#")[0])] = SCO_PAGE
    return zip_bytes(files)


def adl_cases() -> list[str]:
    """Every ADL test package (189), or none when the suite is not available."""
    return adl_suite.cases()


# --- hostile zips ---------------------------------------------------------------------------


def _raw_zip(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return out.getvalue()


def zip_slip_zip() -> bytes:
    return zip_bytes({"imsmanifest.xml": scorm12_manifest(), "../../evil.sh": "rm -rf /"})


def absolute_path_zip() -> bytes:
    return zip_bytes({"imsmanifest.xml": scorm12_manifest(), "/etc/cron.d/evil": "* * * * * root x"})


def symlink_zip() -> bytes:
    link = zipfile.ZipInfo("lesson1/index.html")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    manifest = zipfile.ZipInfo("imsmanifest.xml")
    return _raw_zip([(manifest, scorm12_manifest(scos=1).encode()), (link, b"/etc/passwd")])


def bomb_zip(expanded_mib: int = 64) -> bytes:
    """One highly compressible entry: ~1000:1."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("imsmanifest.xml", scorm12_manifest(scos=1))
        archive.writestr("lesson1/index.html", SCO_PAGE)
        with archive.open("lesson1/zeros.bin", "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(expanded_mib):
                entry.write(block)
    return out.getvalue()


def many_entries_zip(count: int = 20_000) -> bytes:
    files: dict[str, bytes | str] = {"imsmanifest.xml": scorm12_manifest(scos=1), "lesson1/index.html": SCO_PAGE}
    for n in range(count):
        files[f"junk/{n}.txt"] = b""
    return zip_bytes(files, compression=zipfile.ZIP_STORED)


def corrupt_central_directory_zip() -> bytes:
    data = bytearray(scorm12_zip())
    start = data.rfind(b"PK\x01\x02")  # the last central directory header
    data[start:start + 4] = b"XX\x01\x02"
    end = data.rfind(b"PK\x05\x06")
    data[end + 16:end + 20] = (len(data) * 3).to_bytes(4, "little")  # offset beyond the file
    return bytes(data)


def truncated_zip() -> bytes:
    return scorm12_zip()[:-200]


def encrypted_flag_zip() -> bytes:
    """A zip whose entries claim to be encrypted (general purpose flag bit 0)."""
    data = bytearray(scorm12_zip())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + offset] |= 0x1
            start = data.find(signature, start + 4)
    return bytes(data)


# --- AICC, xAPI, cmi5, media ----------------------------------------------------------------


def aicc_zip(title: str = "Safety Basics", *, upper_case: bool = True) -> bytes:
    """An AICC course (CMI001 course structure files), extensions in upper case by default."""
    def ext(extension: str) -> str:
        return extension.upper() if upper_case else extension

    crs = (f"[Course]\r\nCourse_Creator=Nimbus tests\r\nCourse_ID=SAFE01\r\nCourse_System=HTML\r\n"
           f"Course_Title={title}\r\nLevel=1\r\nMax_Fields_CST=3\r\nTotal_AUs=2\r\nTotal_Blocks=1\r\nVersion=4.0\r\n"
           "[Course_Behavior]\r\nMax_Normal=99\r\n[Course_Description]\r\nWhat to do in a fire.\r\n")
    au = ('"System_ID","Type","Command_Line","File_Name","Max_Score","Mastery_Score","Max_Time_Allowed",'
          '"Time_Limit_Action","System_Vendor","Core_Vendor","Web_Launch","AU_Password"\r\n'
          '"A1","lesson","","au1/start.html","100","75","00:20:00","exit,message","","hello","lang=en",""\r\n'
          '"A2","lesson","","au2/start.html","","","","","","","",""\r\n')
    des = ('"System_ID","Developer_ID","Title","Description"\r\n"A1","d1","Fire","Fires"\r\n'
           '"A2","d2","Exits","Doors"\r\n"B1","d3","Module 1","Everything"\r\n')
    cst = '"block","member","member"\r\n"root","B1"\r\n"B1","A1","A2"\r\n'
    pre = '"structure_element","prerequisite"\r\n"A2","A1"\r\n'
    return zip_bytes({f"course.{ext('crs')}": crs, f"course.{ext('au')}": au, f"course.{ext('des')}": des,
                      f"course.{ext('cst')}": cst, f"course.{ext('pre')}": pre,
                      "au1/start.html": SCO_PAGE, "au2/start.html": SCO_PAGE})


def tincan_xml(launch: str = "index.html") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
  <activity id="http://example.com/golf" type="http://adlnet.gov/expapi/activities/course">
    <name>Golf Example</name><description lang="en-US">Learn golf.</description>
    <launch lang="en-us">{escape(launch)}</launch>
  </activity>
  <activity id="http://example.com/golf/q1" type="http://adlnet.gov/expapi/activities/cmi.interaction">
    <name>Question 1</name>
  </activity>
</activities></tincan>"""


def tincan_zip() -> bytes:
    return zip_bytes({"tincan.xml": tincan_xml(), "index.html": SCO_PAGE})


def cmi5_xml(au_url: str = "au1/index.html") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/courses/pilot">
    <title><langstring lang="en-US">Pilot Training</langstring></title>
    <description><langstring lang="en-US">Fly.</langstring></description>
  </course>
  <block id="https://example.com/courses/pilot/block1">
    <title><langstring lang="en-US">Ground school</langstring></title>
    <au id="https://example.com/courses/pilot/au1" moveOn="CompletedAndPassed" masteryScore="0.8"
        launchMethod="OwnWindow">
      <title><langstring lang="en-US">Instruments</langstring></title>
      <url>{escape(au_url)}</url>
      <launchParameters>mode=strict</launchParameters>
      <entitlementKey>ent-1</entitlementKey>
    </au>
  </block>
  <au id="https://example.com/courses/pilot/au2">
    <title><langstring lang="en-US">Checkride</langstring></title>
    <url>{escape(au_url.replace('au1', 'au2'))}</url>
  </au>
</courseStructure>"""


def cmi5_zip() -> bytes:
    return zip_bytes({"cmi5.xml": cmi5_xml(), "au1/index.html": SCO_PAGE, "au2/index.html": SCO_PAGE})


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def mp3_bytes() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


def timed_quiz_2004_zip(limits: str = 'attemptAbsoluteDurationLimit="PT30M" '
                                      'attemptExperiencedDurationLimit="PT10M"') -> bytes:
    """A SCORM 2004 4th Ed. course (flow and choice on): a ``quiz`` SCO with the ``limits``
    attributes of imsss:limitConditions, then a ``review`` SCO."""
    items = (f'<item identifier="quiz" identifierref="res_1"><title>Quiz</title>'
             f'<imsss:sequencing><imsss:limitConditions {limits}/></imsss:sequencing></item>'
             '<item identifier="review" identifierref="res_2"><title>Review</title></item>')
    manifest = _flow_2004_manifest("com.example.timed", "Timed", items, (1, 2))
    return zip_bytes({"imsmanifest.xml": manifest, "m1/index.html": SCO_PAGE, "m2/index.html": SCO_PAGE})


def _flow_2004_manifest(identifier: str, title: str, items: str, scos: Iterable[int]) -> str:
    """A SCORM 2004 4th Ed. manifest, flow and choice on, of ``items`` under one organization; SCO
    ``n`` is resource ``res_n`` at ``m{n}/index.html``."""
    resources = "".join(f'<resource identifier="res_{n}" type="webcontent" adlcp:scormType="sco" '
                        f'href="m{n}/index.html"><file href="m{n}/index.html"/></resource>' for n in scos)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{identifier}" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org1"><organization identifier="org1"><title>{title}</title>{items}
    <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
  </organization></organizations>
  <resources>{resources}</resources>
</manifest>"""
