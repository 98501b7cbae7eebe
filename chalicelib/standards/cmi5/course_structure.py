"""``cmi5.xml`` → :class:`CourseStructure` (cmi5 spec §13 Course Structure, §14 packages).

Blocks become aggregations, AUs launchable leaves carrying their cmi5 properties (§13.1.4:
``moveOn``, ``masteryScore``, ``launchMethod``, ``launchParameters``, ``entitlementKey``).
A bare ``cmi5.xml`` (no zip) is allowed when every AU URL is absolute (§14.1.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.standards.activity_tree import Activity, Cmi5Au, CourseStructure
from chalicelib.standards.imscp import attr, kid, local, lom_text, parse_xml, text
from chalicelib.standards.package import PackageError, is_url

if TYPE_CHECKING:
    from chalicelib.standards.package import Package

MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")


def _langstring(element: Any, name: str) -> str:
    node = kid(element, name)
    return lom_text(node, name) if node is not None else ""


class Reader:
    def __init__(self, package: Package | None, warnings: list[str]) -> None:
        self.package, self.warnings = package, warnings
        self.seen: set[str] = set()

    def unique(self, identifier: str, what: str) -> None:
        """cmi5 §13.1.2-13.1.4: course, block, objective and AU ids are unique in the structure."""
        if identifier and identifier in self.seen:
            raise PackageError(f"the {what} id {identifier!r} is used twice (cmi5 §13.1)", file="cmi5.xml")
        self.seen.add(identifier)

    def objectives(self, element: Any) -> None:
        found = kid(element, "objectives")
        for objective in (c for c in (found if found is not None else []) if local(c) == "objective"):
            self.unique(attr(objective, "id") or "", "objective")

    def node(self, element: Any) -> Activity | None:
        identifier = attr(element, "id") or ""
        self.unique(identifier, local(element))
        title = _langstring(element, "title") or identifier
        if local(element) == "block":
            children = [a for a in (self.node(c) for c in element if local(c) in ("au", "block")) if a]
            return Activity(identifier=identifier, title=title, children=children)
        return self.au(element, identifier, title)

    def au(self, element: Any, identifier: str, title: str) -> Activity | None:
        if not identifier:
            self.warnings.append("cmi5.xml: an <au> has no id; ignored.")
            return None
        url = text(kid(element, "url"))
        if not url:
            raise PackageError(f"AU {identifier!r} has no <url> (cmi5 §13.1.4)", file="cmi5.xml")
        if any(c.isspace() for c in url):
            raise PackageError(f"AU {identifier!r} has the url {url!r}, which is not a valid URL (cmi5 §13.1.4)",
                               file="cmi5.xml")
        if not is_url(url):
            if self.package is None:
                raise PackageError(f"AU {identifier!r} has the relative url {url!r}; a cmi5.xml uploaded without "
                                   "a package must use absolute URLs (cmi5 §14.1.1)", file="cmi5.xml")
            stored = self.package.find(url.split("?")[0])
            if stored is None:
                raise PackageError(f"AU {identifier!r} launches {url!r}, which is not in the package (cmi5 §14.1)",
                                   file="cmi5.xml")
            url = stored + url[len(url.split("?")[0]):]
        move_on = attr(element, "moveOn") or "NotApplicable"
        if move_on not in MOVE_ON:
            self.warnings.append(f"cmi5.xml: AU {identifier!r} moveOn {move_on!r} is unknown; used NotApplicable.")
            move_on = "NotApplicable"
        method = attr(element, "launchMethod") or "AnyWindow"
        if method not in LAUNCH_METHODS:
            self.warnings.append(f"cmi5.xml: AU {identifier!r} launchMethod {method!r} is unknown; used AnyWindow.")
            method = "AnyWindow"
        mastery = None
        raw = attr(element, "masteryScore")
        if raw:
            try:
                mastery = float(raw)
                if not 0 <= mastery <= 1:
                    raise ValueError(raw)
            except ValueError:
                self.warnings.append(f"cmi5.xml: AU {identifier!r} masteryScore {raw!r} is not 0-1; ignored.")
                mastery = None
        return Activity(identifier=identifier, title=title, kind="SCO", href=url, scaled_passing_score=mastery,
                        cmi5=Cmi5Au(identifier, move_on, mastery, method, text(kid(element, "launchParameters")),
                                    text(kid(element, "entitlementKey"))))


def read(package: Package | None, root: Any, warnings: list[str], fallback_title: str) -> CourseStructure:
    if local(root) != "courseStructure":
        warnings.append(f"cmi5.xml's root element is <{local(root)}>, not <courseStructure>; read anyway.")
    course = kid(root, "course")
    course_id = attr(course, "id") if course is not None else None
    if not course_id:
        raise PackageError("has no <course id=...> (cmi5 §13.1.2)", file="cmi5.xml")
    reader = Reader(package, warnings)
    reader.unique(course_id, "course")
    reader.objectives(root)
    for element in root.iter():
        if local(element) in ("au", "block"):
            reader.objectives(element)
    children = [a for a in (reader.node(c) for c in root if local(c) in ("au", "block")) if a]
    title = _langstring(course, "title") or fallback_title
    tree = Activity(identifier=course_id, title=title, children=children)
    if not tree.leaves():
        raise PackageError("has no <au>, so nothing can be launched (cmi5 §13.1.4)", file="cmi5.xml")
    return CourseStructure(standard="CMI5", title=title, root=tree, identifier=course_id, activity_id=course_id,
                           description=_langstring(course, "description"), warnings=warnings)


def read_bare(data: bytes, file_name: str) -> CourseStructure:
    """A ``cmi5.xml`` uploaded on its own (AUs hosted elsewhere)."""
    warnings: list[str] = []
    root = parse_xml(data, file_name, warnings)
    if local(root) != "courseStructure":
        raise PackageError("is XML but not a cmi5 course structure (<courseStructure>)", file=file_name)
    return read(None, root, warnings, file_name.rsplit(".", 1)[0])


