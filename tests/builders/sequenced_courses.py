"""SCORM 2004 4th Ed. courses whose sequencing rollup differs from the default rollup, built by
code: the registration's results must be the sequencer's answer (SN §4.6), not the default one.

``rollup_rules_2004_zip``: an organization with flow and choice, and three SCOs:

* the root's rollup rules: satisfied when **any** child is satisfied, completed when **any**
  child is completed (the default needs all of them);
* ``item_2`` counts 0 in the root's measure (``objectiveMeasureWeight="0"``), so the root's score
  is ``item_1``'s alone;
* ``item_3`` is not tracked (``tracked="false"``): what it reports changes nothing; it hides the
  player's Suspend (``adlnav:hideLMSUI`` suspendAll).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.builders import course_zip as cz

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT_RULES = """<imsss:sequencing>
      <imsss:controlMode choice="true" flow="true"/>
      <imsss:rollupRules>
        <imsss:rollupRule childActivitySet="any">
          <imsss:rollupConditions><imsss:rollupCondition condition="satisfied"/></imsss:rollupConditions>
          <imsss:rollupAction action="satisfied"/>
        </imsss:rollupRule>
        <imsss:rollupRule childActivitySet="any">
          <imsss:rollupConditions><imsss:rollupCondition condition="completed"/></imsss:rollupConditions>
          <imsss:rollupAction action="completed"/>
        </imsss:rollupRule>
      </imsss:rollupRules>
    </imsss:sequencing>"""

ITEM_SEQUENCING = {
    "item_2": '<imsss:sequencing><imsss:rollupRules objectiveMeasureWeight="0"/></imsss:sequencing>',
    "item_3": ('<adlnav:presentation><adlnav:navigationInterface><adlnav:hideLMSUI>suspendAll</adlnav:hideLMSUI>'
               '</adlnav:navigationInterface></adlnav:presentation>'
               '<imsss:sequencing><imsss:deliveryControls tracked="false"/></imsss:sequencing>'),
}


def rollup_rules_manifest(title: str = "Any Will Do", scos: int = 3) -> str:
    items = "".join(f'<item identifier="item_{n}" identifierref="res_{n}"><title>Module {n}</title>'
                    f'{ITEM_SEQUENCING.get(f"item_{n}", "")}</item>' for n in range(1, scos + 1))
    resources = "".join(f'<resource identifier="res_{n}" type="webcontent" adlcp:scormType="sco" '
                        f'href="m{n}/index.html"><file href="m{n}/index.html"/></resource>'
                        for n in range(1, scos + 1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.anywilldo" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org1"><organization identifier="org1"><title>{title}</title>{items}
    {ROOT_RULES}
  </organization></organizations>
  <resources>{resources}</resources>
</manifest>"""


def rollup_rules_2004_zip(scos: int = 3, page: Callable[[int], str] | None = None) -> bytes:
    """The course above; ``page(n)`` gives SCO n's HTML (a stub page by default)."""
    files: dict[str, bytes | str] = {"imsmanifest.xml": rollup_rules_manifest(scos=scos)}
    for n in range(1, scos + 1):
        files[f"m{n}/index.html"] = page(n) if page is not None else cz.SCO_PAGE
    return cz.zip_bytes(files)
