"""``tincan.xml`` → :class:`CourseStructure` (Rustici's Tin Can package format, as SCORM Cloud
reads it): ``<tincan><activities><activity id type><name/><description/><launch/>``. Every
activity with a ``<launch>`` becomes a launchable child; the first one gives the course IRI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.standards.activity_tree import Activity, Cmi5Au, CourseStructure
from chalicelib.standards.imscp import attr, kid, kids, local, text
from chalicelib.standards.package import PackageError, is_url

if TYPE_CHECKING:
    from chalicelib.standards.package import Package


def read(package: Package, root: Any, warnings: list[str], fallback_title: str) -> CourseStructure:
    if local(root) != "tincan":
        warnings.append(f"tincan.xml's root element is <{local(root)}>, not <tincan>; read anyway.")
    block = kid(root, "activities")
    activities = kids(block, "activity") if block is not None else []
    children, course_id, course_title, description = [], "", "", ""
    for element in activities:
        identifier = attr(element, "id") or ""
        name = text(kid(element, "name"))
        launch = text(kid(element, "launch"))
        if (attr(element, "type") or "").endswith("/course") and not course_id:
            course_id, course_title = identifier, name
            description = text(kid(element, "description"))
        if not launch:
            continue
        if not identifier:
            warnings.append("tincan.xml: an activity with <launch> has no id; ignored.")
            continue
        href = launch
        if not is_url(launch):
            stored = package.find(launch.split("?")[0])
            if stored is None:
                warnings.append(f"tincan.xml: activity {identifier!r} launches {launch!r}, "
                                "which is not in the package.")
            else:
                href = stored + launch[len(launch.split("?")[0]):]
        children.append(Activity(identifier=identifier, title=name or identifier, kind="SCO", href=href,
                                 cmi5=Cmi5Au(activity_id=identifier)))
    if not children:
        raise PackageError("no <activity> has a <launch> element, so nothing can be launched", file="tincan.xml")
    course_id = course_id or children[0].identifier
    title = course_title or children[0].title or fallback_title
    return CourseStructure(standard="XAPI", title=title, identifier=course_id, activity_id=course_id,
                           description=description,
                           root=Activity(identifier=course_id, title=title, children=children), warnings=warnings)
