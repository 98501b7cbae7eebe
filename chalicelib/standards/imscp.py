"""IMS Content Packaging as SCORM uses it (SCORM 2004 CAM §3; SCORM 1.2 CAM §2.3).

Shared by :mod:`~chalicelib.standards.scorm12.manifest` and
:mod:`~chalicelib.standards.scorm2004.manifest`: lenient XML loading, resources with their
``xml:base`` chain, organizations and items, sub-manifests. Standard-specific item data
(sequencing, mastery scores...) is filled in by a hook each standard passes in.

Leniency (the friendliest player): elements and attributes are matched by local name, in any
namespace or none, and attribute names case-insensitively (``scormtype``/``scormType``);
broken XML is recovered where libxml2 can; every such tolerance becomes an import warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.standards.activity_tree import Activity
from chalicelib.standards.package import PackageError, is_url, join_href

if TYPE_CHECKING:
    from collections.abc import Callable

    from lxml import etree

    from chalicelib.standards.package import Package

MAX_XML_WARNINGS = 20
_SPACE = re.compile(r"\s+")


def parse_xml(data: bytes, file: str, warnings: list[str]) -> etree._Element:
    """Parse leniently and safely (no entities, no network); warn for what was recovered."""
    from lxml import etree  # noqa: PLC0415 - lxml loads only when a package is read

    data = data.lstrip(b"\xef\xbb\xbf").lstrip()
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise PackageError(f"is not well-formed XML: {err.msg}", file=file, line=err.lineno) from err
    errors = list(parser.error_log)
    if root is None:
        first = errors[0] if errors else None
        raise PackageError(f"is not XML{': ' + first.message if first else ''}", file=file,
                           line=first.line if first else None)
    for entry in errors[:MAX_XML_WARNINGS]:
        warnings.append(f"{file}, line {entry.line}: {entry.message.strip()} (tolerated)")
    if len(errors) > MAX_XML_WARNINGS:
        warnings.append(f"{file}: {len(errors) - MAX_XML_WARNINGS} more XML errors tolerated")
    return root


# --- namespace-agnostic access --------------------------------------------------------------


def local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def kids(element: Any, name: str) -> list[Any]:
    return [c for c in element if local(c) == name]


def kid(element: Any, name: str) -> Any:
    return next((c for c in element if local(c) == name), None)


def text(element: Any) -> str:
    return _SPACE.sub(" ", "".join(element.itertext())).strip() if element is not None else ""


def attr(element: Any, name: str, default: str | None = None) -> str | None:
    """An attribute by local name, case-insensitively; ``xml:base`` is ``attr(e, 'base')``."""
    wanted = name.lower()
    for key, value in element.attrib.items():
        if key.rsplit("}", 1)[-1].lower() == wanted:
            return str(value).strip()
    return default


def flag(element: Any, name: str, default: bool, warnings: list[str] | None = None) -> bool:
    """An ``xs:boolean`` attribute (true/false/1/0, any case), or ``default``."""
    raw = attr(element, name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    if warnings is not None:
        warnings.append(f"Attribute {name}={raw!r} is not a boolean; used {str(default).lower()}.")
    return default


def number(raw: str | None, default: float | None, warnings: list[str], what: str) -> float | None:
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        warnings.append(f"{what}={raw!r} is not a number; ignored.")
        return default


# --- resources and manifests ----------------------------------------------------------------


@dataclass
class Resource:
    identifier: str
    href: str  # resolved against every xml:base, package-relative
    scorm_type: str  # "sco" | "asset"
    files: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    """One ``<manifest>`` (the root or a sub-manifest) with everything resolved."""

    element: Any
    identifier: str
    base: str
    resources: dict[str, Resource]
    submanifests: dict[str, Manifest]
    schema: str = ""
    schemaversion: str = ""


def read_manifest(element: Any, base: str, warnings: list[str]) -> Manifest:
    """Resources of a manifest and (recursively) its sub-manifests (CAM §3.4.1.4)."""
    manifest_base = join_href(base, attr(element, "base") or "")
    resources: dict[str, Resource] = {}
    block = kid(element, "resources")
    if block is not None:
        resources_base = join_href(manifest_base, attr(block, "base") or "")
        for res in kids(block, "resource"):
            found = _resource(res, resources_base, warnings)
            if found:
                if found.identifier in resources:
                    warnings.append(f"Resource identifier {found.identifier!r} is used twice; "
                                    "the first was kept.")
                    continue
                resources[found.identifier] = found
    subs = {}
    for sub in kids(element, "manifest"):
        child = read_manifest(sub, manifest_base, warnings)
        subs[child.identifier] = child
        for rid, res in child.resources.items():
            resources.setdefault(rid, res)
    meta = kid(element, "metadata")
    return Manifest(element, attr(element, "identifier") or "", manifest_base, resources, subs,
                    text(kid(meta, "schema")) if meta is not None else "",
                    text(kid(meta, "schemaversion")) if meta is not None else "")


def _resource(res: Any, base: str, warnings: list[str]) -> Resource | None:
    identifier = attr(res, "identifier")
    if not identifier:
        warnings.append("A <resource> has no identifier; it was ignored.")
        return None
    res_base = join_href(base, attr(res, "base") or "")
    href = attr(res, "href") or ""
    scorm_type = (attr(res, "scormType") or "").lower()
    if scorm_type not in ("sco", "asset"):
        if scorm_type:
            warnings.append(f"Resource {identifier!r} has scormType {scorm_type!r}; treated as a SCO.")
        scorm_type = "sco" if href else "asset"
    files = [join_href(res_base, attr(f, "href") or "") for f in kids(res, "file") if attr(f, "href")]
    deps = [d for d in (attr(dep, "identifierref") for dep in kids(res, "dependency")) if d]
    return Resource(identifier, join_href(res_base, href) if href else "", scorm_type, files, deps)


def with_parameters(href: str, parameters: str) -> str:
    """Append item ``parameters`` to a launch href (CAM §3.4.1.9 / IMS CP best practice)."""
    params = parameters.strip()
    if not params or not href:
        return href
    if params.startswith("#"):
        return href if "#" in href else href + params
    params = params.lstrip("?&")
    if not params:
        return href
    head, hash_mark, fragment = href.partition("#")
    joined = head + ("&" if "?" in head else "?") + params
    return joined + hash_mark + fragment


# --- organizations and items ----------------------------------------------------------------

@dataclass
class TreeBuilder:
    """Builds the activity tree of the default organization, calling ``hook`` on every item."""

    manifest: Manifest
    package: Package | None
    warnings: list[str]
    hook: Callable[[Any, Activity, list[str]], None]
    seen: set[str] = field(default_factory=set)

    def organization(self) -> Activity | None:
        block = kid(self.manifest.element, "organizations")
        orgs = kids(block, "organization") if block is not None else []
        if not orgs:
            return None
        default = attr(block, "default") or ""
        chosen = next((o for o in orgs if attr(o, "identifier") == default), None)
        if chosen is None:
            chosen = orgs[0]
            if default:
                self.warnings.append(f"The default organization {default!r} does not exist; "
                                     f"used {attr(chosen, 'identifier')!r}.")
        if len(orgs) > 1:
            self.warnings.append(f"The manifest has {len(orgs)} organizations; only the default "
                                 f"{attr(chosen, 'identifier')!r} is delivered.")
        root = Activity(identifier=attr(chosen, "identifier") or "organization",
                        title=text(kid(chosen, "title")) or "Untitled course")
        self.seen.add(root.identifier)
        self.hook(chosen, root, self.warnings)
        root.children = [a for a in (self.item(i, self.manifest) for i in kids(chosen, "item")) if a]
        return root

    def item(self, element: Any, manifest: Manifest) -> Activity | None:
        identifier = attr(element, "identifier") or ""
        if not identifier or identifier in self.seen:
            fixed = f"item-{len(self.seen) + 1}"
            self.warnings.append(f"An <item> has {'a duplicate' if identifier else 'no'} identifier "
                                 f"{identifier!r}; it was named {fixed!r}.")
            identifier = fixed
        self.seen.add(identifier)
        activity = Activity(identifier=identifier, title=text(kid(element, "title")) or identifier,
                            visible=flag(element, "isvisible", True, self.warnings),
                            parameters=attr(element, "parameters") or "")
        self.hook(element, activity, self.warnings)
        children = [a for a in (self.item(i, manifest) for i in kids(element, "item")) if a]
        ref = attr(element, "identifierref") or ""
        if ref and ref in manifest.submanifests:
            children.extend(self._submanifest(manifest.submanifests[ref]))
        elif ref and children:
            self.warnings.append(f"Item {identifier!r} has child items and refers to resource "
                                 f"{ref!r}; the reference was ignored (CAM: only leaves launch).")
        elif ref:
            self._launch(activity, ref, manifest)
        elif not children:
            self.warnings.append(f"Item {identifier!r} has no children and no resource; it cannot "
                                 "be launched.")
        activity.children = children
        activity.kind = "AGGREGATION" if children else activity.kind
        return activity

    def _submanifest(self, sub: Manifest) -> list[Activity]:
        builder = TreeBuilder(sub, self.package, self.warnings, self.hook, self.seen)
        org = builder.organization()
        return org.children if org else []

    def _launch(self, activity: Activity, ref: str, manifest: Manifest) -> None:
        resource = manifest.resources.get(ref)
        if resource is None:
            self.warnings.append(f"Item {activity.identifier!r} refers to resource {ref!r}, which "
                                 "does not exist; it cannot be launched.")
            return
        activity.resource_identifier = ref
        activity.kind = "SCO" if resource.scorm_type == "sco" else "ASSET"
        if not resource.href:
            self.warnings.append(f"Resource {ref!r} (item {activity.identifier!r}) has no href; "
                                 "the item cannot be launched.")
            return
        activity.href = with_parameters(self._existing(resource.href, ref), activity.parameters)

    def _existing(self, href: str, ref: str) -> str:
        """``href`` as stored in the package (fixing letter case), warning when it is missing."""
        if self.package is None or is_url(href):
            return href
        path, mark, rest = href.partition("?") if "?" in href else href.partition("#")
        stored = self.package.find(path)
        if stored is None:
            self.warnings.append(f"Resource {ref!r} launches {path!r}, which is not in the package.")
            return href
        if stored != path:
            self.warnings.append(f"Resource {ref!r} launches {path!r}; the package has {stored!r} "
                                 "(letter case differs) and that was used.")
        return stored + mark + rest


def fallback_tree(manifest: Manifest, warnings: list[str], title: str) -> Activity:
    """A flat organization made from launchable resources, for manifests without items."""
    warnings.append("The manifest has no organization with items; one was made from its "
                    "launchable resources.")
    children = [Activity(identifier=f"item-{res.identifier}", title=res.identifier,
                         kind="SCO" if res.scorm_type == "sco" else "ASSET",
                         resource_identifier=res.identifier, href=res.href)
                for res in manifest.resources.values() if res.href]
    return Activity(identifier="organization", title=title, children=children)


def lom_text(element: Any, *path: str) -> str:
    """Text of a LOM path (IMS MD 1.2 ``langstring`` or LOM ``string``) under ``element``."""
    node = element
    for name in path:
        if node is None:
            return ""
        node = next((n for n in node.iter() if local(n) == name), None)
    if node is None:
        return ""
    strings = [n for n in node.iter() if local(n) in ("string", "langstring")]
    return text(strings[0]) if strings else text(node)


def check_files(manifest: Manifest, package: Package, warnings: list[str], limit: int = 10) -> None:
    """Warn (up to ``limit`` times) about <file> hrefs that are missing from the package."""
    missing = sorted({f for res in manifest.resources.values() for f in res.files
                      if not is_url(f) and package.find(f.split("?")[0].split("#")[0]) is None})
    for path in missing[:limit]:
        warnings.append(f"The manifest lists file {path!r}, which is not in the package.")
    if len(missing) > limit:
        warnings.append(f"{len(missing) - limit} more files listed in the manifest are missing.")
