"""SCORM 2004 imsmanifest.xml → :class:`CourseStructure` (CAM §3 content packaging, §4
metadata, §5 sequencing; ADL extensions adlcp / adlseq / adlnav).

Editions are told apart by ``<schemaversion>`` ("CAM 1.3" = 2nd, "2004 3rd Edition",
"2004 4th Edition"); when it is missing or odd, 4th-Edition-only markup (adlcp:data,
adlseq:objectives, completionThreshold attributes) decides, else 3rd Edition, with a warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.standards.activity_tree import CompletionThreshold, CourseStructure, DataMap
from chalicelib.standards.imscp import (
    TreeBuilder,
    attr,
    check_files,
    fallback_tree,
    flag,
    kid,
    kids,
    local,
    lom_text,
    number,
    read_manifest,
    text,
)
from chalicelib.standards.scorm2004 import sequencing_definition

if TYPE_CHECKING:
    from chalicelib.standards.activity_tree import Activity
    from chalicelib.standards.package import Package

#: ``<schemaversion>`` text (lower case, spaces squeezed) → API courseLearningStandard.
EDITIONS: dict[str, str] = {
    "2004 4th edition": "SCORM20044THEDITION",
    "2004 3rd edition": "SCORM20043RDEDITION",
    "2004 2nd edition": "SCORM20042NDEDITION",
    "cam 1.3": "SCORM20042NDEDITION",
    "1.3": "SCORM20042NDEDITION",
}
HIDE_LMS_UI = frozenset({"previous", "continue", "exit", "exitAll", "abandon", "abandonAll", "suspendAll"})
TIME_LIMIT_ACTIONS = frozenset({"exit,message", "exit,no message", "continue,message", "continue,no message"})


def edition(root: Any, schemaversion: str, warnings: list[str]) -> str:
    """The API standard value for a SCORM 2004 manifest (see module docstring)."""
    key = " ".join(schemaversion.lower().split())
    if key in EDITIONS:
        return EDITIONS[key]
    fourth = any(local(e) == "data" or (local(e) == "objectives" and "adlseq" in str(e.tag).lower())
                 or (local(e) == "completionThreshold" and e.attrib) for e in root.iter())
    guess = "SCORM20044THEDITION" if fourth else "SCORM20043RDEDITION"
    said = f"schemaversion {schemaversion!r}" if schemaversion else "no schemaversion"
    warnings.append(f"imsmanifest.xml has {said}; read as SCORM 2004 "
                    f"{'4th' if fourth else '3rd'} Edition.")
    return guess


class ItemReader:
    """The SCORM 2004 per-item hook: sequencing (with collections), ADL extensions."""

    def __init__(self, collection: dict[str, dict[str, Any]]) -> None:
        self.collection = collection

    def __call__(self, element: Any, activity: Activity, warnings: list[str]) -> None:
        owner = f"Item {activity.identifier!r}"
        declared: dict[str, Any] = {}
        seq = kid(element, "sequencing")
        if seq is not None:
            ref = attr(seq, "IDRef")
            if ref:
                if ref in self.collection:
                    declared = dict(self.collection[ref])
                else:
                    warnings.append(f"{owner}: sequencing IDRef {ref!r} is not in the "
                                    "sequencingCollection; ignored.")
            declared = sequencing_definition.merge(declared, sequencing_definition.parts(seq, owner, warnings))
        activity.sequencing = sequencing_definition.build(declared, owner, warnings)
        primary = activity.sequencing.primary_objective
        if primary and primary.satisfied_by_measure:
            activity.scaled_passing_score = primary.min_normalized_measure
        self._presentation(element, activity, warnings)
        self._extensions(element, activity, owner, warnings)

    @staticmethod
    def _presentation(element: Any, activity: Activity, warnings: list[str]) -> None:
        presentation = kid(element, "presentation")
        interface = kid(presentation, "navigationInterface") if presentation is not None else None
        for hide in kids(interface, "hideLMSUI") if interface is not None else []:
            value = text(hide)
            if value in HIDE_LMS_UI:
                if value not in activity.hide_lms_ui:
                    activity.hide_lms_ui.append(value)
            else:
                warnings.append(f"Item {activity.identifier!r}: hideLMSUI {value!r} is unknown; ignored.")

    @staticmethod
    def _extensions(element: Any, activity: Activity, owner: str, warnings: list[str]) -> None:
        threshold = kid(element, "completionThreshold")
        if threshold is not None:
            by_text = number(text(threshold) or None, None, warnings, f"{owner} completionThreshold")
            minimum = number(attr(threshold, "minProgressMeasure"), by_text if by_text is not None else 1.0,
                             warnings, "minProgressMeasure")
            weight = number(attr(threshold, "progressWeight"), 1.0, warnings, "progressWeight")
            activity.completion_threshold = CompletionThreshold(
                True, flag(threshold, "completedByMeasure", False, warnings),
                1.0 if minimum is None else minimum, 1.0 if weight is None else weight)
        activity.data_from_lms = text(kid(element, "dataFromLMS"))
        action = text(kid(element, "timeLimitAction"))
        if action and action not in TIME_LIMIT_ACTIONS:
            warnings.append(f"{owner}: timeLimitAction {action!r} is unknown; ignored.")
            action = ""
        activity.time_limit_action = action
        data = kid(element, "data")
        for entry in kids(data, "map") if data is not None else []:
            target = attr(entry, "targetID")
            if not target:
                warnings.append(f"{owner}: an adlcp:map has no targetID; ignored.")
                continue
            activity.shared_data.append(DataMap(target, flag(entry, "readSharedData", True, warnings),
                                                flag(entry, "writeSharedData", False, warnings)))


def _collection(root: Any, warnings: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for block in (e for e in root.iter() if local(e) == "sequencingCollection"):
        for seq in kids(block, "sequencing"):
            ident = attr(seq, "ID")
            if not ident:
                warnings.append("A sequencingCollection entry has no ID; ignored.")
                continue
            found[ident] = sequencing_definition.parts(seq, f"sequencingCollection {ident!r}", warnings)
    return found


def read(package: Package, root: Any, warnings: list[str], fallback_title: str) -> CourseStructure:
    """The course structure of a SCORM 2004 package whose parsed manifest is ``root``."""
    manifest = read_manifest(root, "", warnings)
    standard = edition(root, manifest.schemaversion, warnings)
    builder = TreeBuilder(manifest, package, warnings, ItemReader(_collection(root, warnings)))
    tree = builder.organization()
    if tree is None or not tree.children:
        tree = fallback_tree(manifest, warnings, fallback_title)
    check_files(manifest, package, warnings)
    org = _default_org(root)
    meta = kid(root, "metadata")
    title = tree.title
    if title == "Untitled course":
        title = (lom_text(meta, "general", "title") if meta is not None else "") or fallback_title
    return CourseStructure(
        standard=standard, title=title, root=tree, identifier=manifest.identifier,
        description=lom_text(meta, "general", "description") if meta is not None else "",
        version_label=attr(root, "version") or "",
        objectives_global_to_system=flag(org, "objectivesGlobalToSystem", True, warnings) if org is not None else True,
        shared_data_global_to_system=flag(org, "sharedDataGlobalToSystem", True, warnings) if org is not None else True,
        warnings=warnings)


def _default_org(root: Any) -> Any:
    block = kid(root, "organizations")
    if block is None:
        return None
    orgs = kids(block, "organization")
    default = attr(block, "default")
    return next((o for o in orgs if attr(o, "identifier") == default), orgs[0] if orgs else None)
