"""SCORM 1.2 imsmanifest.xml → :class:`CourseStructure` (SCORM 1.2 CAM §2.3.4–2.3.7).

Per item: ``adlcp:prerequisites`` (type aicc_script), ``adlcp:maxtimeallowed``,
``adlcp:timelimitaction``, ``adlcp:datafromlms`` and ``adlcp:masteryscore`` (0–100); per
resource ``adlcp:scormtype`` (sco | asset). SCORM 1.2 has no sequencing: the tree is delivered
in order and the learner may choose any item (the SCORM 2004 defaults give exactly that).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.standards.activity_tree import CourseStructure
from chalicelib.standards.imscp import (
    TreeBuilder,
    check_files,
    fallback_tree,
    kid,
    lom_text,
    number,
    read_manifest,
    text,
)

if TYPE_CHECKING:
    from chalicelib.standards.activity_tree import Activity
    from chalicelib.standards.package import Package

TIME_LIMIT_ACTIONS = frozenset({"exit,message", "exit,no message", "continue,message", "continue,no message"})


def item(element: Any, activity: Activity, warnings: list[str]) -> None:
    """The SCORM 1.2 per-item hook (CAM §2.3.7 adlcp extensions)."""
    owner = f"Item {activity.identifier!r}"
    activity.prerequisites = text(kid(element, "prerequisites"))
    activity.max_time_allowed = text(kid(element, "maxtimeallowed"))
    action = text(kid(element, "timelimitaction")).lower()
    if action and action not in TIME_LIMIT_ACTIONS:
        warnings.append(f"{owner}: timelimitaction {action!r} is unknown; ignored.")
        action = ""
    activity.time_limit_action = action
    activity.data_from_lms = text(kid(element, "datafromlms"))
    score = number(text(kid(element, "masteryscore")) or None, None, warnings, f"{owner} masteryscore")
    if score is not None and not 0 <= score <= 100:
        warnings.append(f"{owner}: masteryscore {score} is outside 0–100; ignored.")
        score = None
    activity.mastery_score = score
    if score is not None:
        activity.scaled_passing_score = score / 100


def read(package: Package, root: Any, warnings: list[str], fallback_title: str) -> CourseStructure:
    manifest = read_manifest(root, "", warnings)
    if manifest.schemaversion and manifest.schemaversion.strip() not in ("1.2", "1.1"):
        warnings.append(f"imsmanifest.xml has schemaversion {manifest.schemaversion!r}; read as SCORM 1.2.")
    tree = TreeBuilder(manifest, package, warnings, item).organization()
    if tree is None or not tree.children:
        tree = fallback_tree(manifest, warnings, fallback_title)
    check_files(manifest, package, warnings)
    meta = kid(root, "metadata")
    title = tree.title
    if title == "Untitled course":
        title = (lom_text(meta, "general", "title") if meta is not None else "") or fallback_title
    return CourseStructure(standard="SCORM12", title=title, root=tree, identifier=manifest.identifier,
                           description=lom_text(meta, "general", "description") if meta is not None else "",
                           version_label=(root.get("version") or ""), warnings=warnings)
