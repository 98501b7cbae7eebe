"""Per-standard package parsers, data models and SCORM 2004 sequencing (course import and
runtime issues). Package names equal the API's ``courseLearningStandard`` values.

:func:`read_package` is the one entry point of import: it recognises what was uploaded — a zip
with ``cmi5.xml``, ``imsmanifest.xml`` (SCORM 1.2 or 2004), ``tincan.xml`` or AICC course
files, a bare ``cmi5.xml``, or a PDF / MP4 / MP3 that becomes a generated cmi5 course — and
returns the normalised :class:`~chalicelib.standards.activity_tree.CourseStructure` with the
files to store. It raises :class:`~chalicelib.standards.package.PackageError` (message naming
the file, line and rule) for anything that cannot be delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from chalicelib.standards.aicc import descriptors
from chalicelib.standards.cmi5 import course_structure, media
from chalicelib.standards.imscp import kid, local, parse_xml, text
from chalicelib.standards.package import Limits, Package, PackageError, open_package
from chalicelib.standards.scorm12 import manifest as scorm12
from chalicelib.standards.scorm2004 import manifest as scorm2004
from chalicelib.standards.xapi import tincan

if TYPE_CHECKING:
    from chalicelib.standards.activity_tree import CourseStructure

#: The API's courseLearningStandard vocabulary (CourseSchema).
STANDARDS = ("UNKNOWN", "SCORM11", "SCORM12", "SCORM20042NDEDITION", "SCORM20043RDEDITION",
             "SCORM20044THEDITION", "AICC", "XAPI", "CMI5", "LTI13")
#: Course descriptors at a package root, in the order they are preferred.
DESCRIPTORS = ("cmi5.xml", "imsmanifest.xml", "tincan.xml")
#: Leading bytes of the media types that become generated cmi5 courses.
MEDIA_SIGNATURES: tuple[tuple[str, bytes, int], ...] = (
    ("application/pdf", b"%PDF-", 0),
    ("video/mp4", b"ftyp", 4),
    ("audio/mpeg", b"ID3", 0),
    ("audio/mpeg", b"\xff\xfb", 0),
    ("audio/mpeg", b"\xff\xf3", 0),
    ("audio/mpeg", b"\xff\xf2", 0),
)
MEDIA_EXTENSIONS = {".pdf": "application/pdf", ".mp4": "video/mp4", ".m4v": "video/mp4",
                    ".mp3": "audio/mpeg"}
SCORM12_MARKS = ("adlcp_rootv1p2", "imscp_rootv1p1p2")
SCORM2004_MARKS = ("adlcp_v1p3", "imsss", "adlseq", "adlnav", "imscp_v1p1")


@dataclass
class PackageReading:
    """What an upload is and what to store: the zip's entries and/or generated files."""

    structure: CourseStructure
    package: Package | None = None
    generated: dict[str, bytes] = field(default_factory=dict)
    upload_as: str | None = None  # store the uploaded file itself under this name (media)

    @property
    def expanded_bytes(self) -> int:
        return (self.package.expanded_bytes if self.package else 0) + sum(map(len, self.generated.values()))

    def close(self) -> None:
        if self.package:
            self.package.close()


def media_type(head: bytes, file_name: str, declared: str | None = None) -> str | None:
    """The media type of a bare PDF / MP4 / MP3 upload, by its bytes, else its name."""
    for kind, magic, offset in MEDIA_SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return kind
    if declared in MEDIA_EXTENSIONS.values():
        return declared
    return MEDIA_EXTENSIONS.get(PurePosixPath(file_name.lower()).suffix)


def read_package(path: Path, file_name: str, content_type: str | None = None,
                 limits: Limits | None = None, media_metadata: dict[str, Any] | None = None) -> PackageReading:
    """Recognise and parse an uploaded file (see module docstring)."""
    size = path.stat().st_size
    with open(path, "rb") as stream:
        head = stream.read(16)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")) or file_name.lower().endswith(".zip"):
        package = open_package(path, size, limits)
        try:
            return PackageReading(_read_zip(package, file_name), package)
        except BaseException:
            package.close()
            raise
    kind = media_type(head, file_name, content_type)
    if kind:
        return media.reading(file_name, kind, size, media_metadata or {})
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<") and size <= (limits or Limits()).max_descriptor_bytes:
        return PackageReading(course_structure.read_bare(path.read_bytes(), file_name))
    raise PackageError("is not a zip file, a cmi5.xml, a PDF, an MP4 or an MP3; upload a course "
                       "package (.zip)", file=file_name)


def _title_from(file_name: str) -> str:
    stem = PurePosixPath(file_name).stem
    return stem.replace("_", " ").strip() or "Untitled course"


def _read_zip(package: Package, file_name: str) -> CourseStructure:
    found = [name for name in DESCRIPTORS if package.find(name)]
    crs = sorted(n for n in package.entries if "/" not in n and n.lower().endswith(".crs"))
    warnings = list(package.warnings)
    if len(found) + (1 if crs else 0) > 1:
        used = found[0] if found else crs[0]
        others = [*found[1:], *crs] if found else crs[1:]
        warnings.append(f"The package has several course descriptors ({', '.join([used, *others])}); "
                        f"{used} was used.")
    fallback = _title_from(file_name)
    if found:
        name = package.find(found[0]) or found[0]
        return _read_descriptor(package, found[0], name, warnings, fallback)
    if crs:
        return _launchable(descriptors.read(package, crs[0], warnings, fallback), crs[0])
    deeper = sorted(n for n in package.entries if n.rsplit("/", 1)[-1].lower() in DESCRIPTORS)
    hint = f" ({deeper[0]!r} is not at the root: zip the folder's contents, not the folder)" if deeper else ""
    raise PackageError("no course descriptor at the package root: expected imsmanifest.xml (SCORM), "
                       f"cmi5.xml (cmi5), tincan.xml (xAPI) or an AICC .crs file{hint}")


def _read_descriptor(package: Package, kind: str, name: str, warnings: list[str], fallback: str) -> CourseStructure:
    root = parse_xml(package.read(name), name, warnings)
    if kind == "cmi5.xml":
        return _launchable(course_structure.read(package, root, warnings, fallback), name)
    if kind == "tincan.xml":
        return _launchable(tincan.read(package, root, warnings, fallback), name)
    if _is_scorm12(root):
        return _launchable(scorm12.read(package, root, warnings, fallback), name)
    return _launchable(scorm2004.read(package, root, warnings, fallback), name)


def _is_scorm12(root: Any) -> bool:
    """SCORM 1.2 or 2004? schemaversion first, then the ADL namespaces, then scormtype case."""
    meta = kid(root, "metadata")
    version = text(kid(meta, "schemaversion")).lower() if meta is not None else ""
    if version in ("1.2", "1.1"):
        return True
    if version.startswith("2004") or "1.3" in version:
        return False
    spaces = " ".join(str(ns) for el in root.iter() if isinstance(el.tag, str)
                      for ns in (el.nsmap or {}).values()).lower()
    if any(mark in spaces for mark in SCORM12_MARKS):
        return True
    if any(mark in spaces for mark in SCORM2004_MARKS):
        return False
    attrs = {k.rsplit("}", 1)[-1] for el in root.iter() if local(el) == "resource" for k in el.attrib}
    return "scormtype" in attrs or "scormType" not in attrs


def _launchable(structure: CourseStructure, descriptor: str) -> CourseStructure:
    if not structure.root.leaves():
        raise PackageError("no activity can be launched: no item refers to a resource with an href "
                           "(SCORM CAM: a leaf item must reference a launchable resource)", file=descriptor)
    return structure
