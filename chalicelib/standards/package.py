"""Safe reading of uploaded course packages (zip files).

Everything is checked from the central directory *before* one byte is extracted, so a hostile
package is refused with nothing written anywhere:

* zip slip: absolute names (``/x``, ``C:\\x``, ``\\\\host\\x``), ``..`` components, NUL bytes;
* symbolic links (Unix mode ``S_IFLNK`` in the external attributes);
* zip bombs: caps on the number of entries, the total expanded size, and the compression ratio
  of the whole archive and of each large entry (overlapping-entry bombs inflate the declared
  sizes, so the whole-archive ratio catches them too);
* encrypted entries and compression methods Python cannot decompress;
* a corrupt or truncated central directory (``BadZipFile``).

While extracting, a :class:`CountingReader` enforces the same caps on the bytes actually
produced, in case the declared sizes lie. Zip64 archives are read by :mod:`zipfile` natively.

Packages zipped inside one top-level folder (a common authoring-tool mistake) are re-rooted at
that folder with a warning when the course descriptor is only found there.
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

MiB = 1024 * 1024
SUPPORTED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate",
                     zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
METHOD_NAMES = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 98: "PPMd", 99: "AES"}
_DRIVE = re.compile(r"^[A-Za-z]:")
#: Names of descriptors that mark a package root (case-insensitive), in detection order.
DESCRIPTOR_NAMES = ("cmi5.xml", "imsmanifest.xml", "tincan.xml")
DESCRIPTOR_SUFFIXES = (".crs",)


@dataclass(frozen=True)
class Limits:
    """Caps that make a package a bomb. Defaults suit Lambda (10 GB /tmp, 15 min)."""

    max_entries: int = 10_000
    max_expanded_bytes: int = 2 * 1024 * MiB
    max_archive_ratio: float = 100.0
    max_entry_ratio: float = 250.0
    ratio_floor_bytes: int = 4 * MiB  # small entries (sparse XML, blank images) may compress well
    max_descriptor_bytes: int = 16 * MiB


class PackageError(Exception):
    """The package cannot be delivered. The message names the file, line and rule."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        where = ""
        if file:
            where = f"{file}" + (f", line {line}" if line else "") + ": "
        super().__init__(where + message)
        self.file = file
        self.line = line


@dataclass
class Package:
    """A validated zip: entry paths (relative to the package root) mapped to their zip entries."""

    archive: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]
    root_prefix: str = ""
    warnings: list[str] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)

    @property
    def expanded_bytes(self) -> int:
        return sum(info.file_size for info in self.entries.values())

    def find(self, path: str) -> str | None:
        """The stored name of ``path``, matched exactly or else case-insensitively."""
        clean = normalise(path)
        if clean in self.entries:
            return clean
        lowered = clean.lower()
        return next((name for name in self.entries if name.lower() == lowered), None)

    def read(self, path: str) -> bytes:
        """The bytes of a (small) file such as a course descriptor."""
        name = self.find(path)
        if name is None:
            raise PackageError("file not found in the package", file=path)
        info = self.entries[name]
        if info.file_size > self.limits.max_descriptor_bytes:
            raise PackageError(f"is {info.file_size} bytes; course descriptors may be at most "
                               f"{self.limits.max_descriptor_bytes} bytes", file=name)
        with self.open(name) as stream:
            return stream.read()

    def open(self, name: str) -> CountingReader:
        info = self.entries[name]
        try:
            raw = self.archive.open(info)
        except (zipfile.BadZipFile, OSError, NotImplementedError) as err:
            raise PackageError(f"cannot be read from the zip: {err}", file=name) from err
        return CountingReader(raw, name, info.file_size)

    def files(self) -> Iterator[tuple[str, zipfile.ZipInfo]]:
        yield from sorted(self.entries.items())

    def close(self) -> None:
        self.archive.close()


class CountingReader:
    """A read-only stream over one entry that refuses to produce more than its declared size
    and turns CRC and decompression failures into :class:`PackageError`."""

    def __init__(self, raw: IO[bytes], name: str, declared: int) -> None:
        self.raw, self.name, self.declared, self.produced = raw, name, declared, 0

    def read(self, size: int = -1) -> bytes:
        try:
            data = self.raw.read(size)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
            raise PackageError(f"is corrupt in the zip ({err})", file=self.name) from err
        self.produced += len(data)
        if self.produced > self.declared:
            raise PackageError("expands beyond its declared size (zip bomb?)", file=self.name)
        return data

    def __enter__(self) -> CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.raw.close()


def normalise(name: str) -> str:
    """A zip entry name as a clean relative POSIX path (no ``./``, doubled slashes)."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts)


def unsafe_reason(name: str) -> str | None:
    """Why an entry name would escape the extraction root, or None when it is safe."""
    flipped = name.replace("\\", "/")
    if "\x00" in name:
        return "contains a NUL byte"
    if flipped.startswith("/") or _DRIVE.match(flipped):
        return "is an absolute path"
    if ".." in flipped.split("/"):
        return "contains '..' (zip slip)"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _check_entry(info: zipfile.ZipInfo, limits: Limits) -> None:
    name = info.filename
    reason = unsafe_reason(name)
    if reason:
        raise PackageError(f"entry {name!r} {reason}; the package was refused")
    if _is_symlink(info):
        raise PackageError(f"entry {name!r} is a symbolic link; links are not allowed in packages")
    if info.flag_bits & 0x1:
        raise PackageError(f"entry {name!r} is encrypted; upload an unencrypted zip")
    if info.compress_type not in SUPPORTED_METHODS:
        method = METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise PackageError(f"entry {name!r} uses {method} compression, which is not supported; "
                           "re-zip it with standard (deflate) compression")
    if info.file_size > limits.ratio_floor_bytes:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_entry_ratio:
            raise PackageError(f"entry {name!r} expands {ratio:.0f}:1 (limit {limits.max_entry_ratio:.0f}:1);"
                               " refusing a likely zip bomb")


def _root_prefix(names: list[str]) -> str:
    """The single top-level folder to re-root at, when descriptors exist only inside it."""
    def is_descriptor(path: str) -> bool:
        base = path.rsplit("/", 1)[-1].lower()
        return base in DESCRIPTOR_NAMES or base.endswith(DESCRIPTOR_SUFFIXES)

    if any(is_descriptor(n) for n in names if "/" not in n):
        return ""
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1 and all("/" in n for n in names):
        top = tops.pop() + "/"
        if any(is_descriptor(n[len(top):]) for n in names if n.count("/") == 1):
            return top
    return ""


def open_package(path: Path | str, archive_bytes: int, limits: Limits | None = None) -> Package:
    """Open and validate a zip file; raise :class:`PackageError` for anything unsafe."""
    limits = limits or Limits()
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except zipfile.BadZipFile as err:
        raise PackageError(f"the zip file is corrupt: its central directory cannot be read ({err})") from err
    except (OSError, ValueError, EOFError) as err:
        raise PackageError(f"the zip file cannot be read ({err})") from err
    try:
        return _validated(archive, infos, archive_bytes, limits)
    except PackageError:
        archive.close()
        raise


def _validated(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], archive_bytes: int,
               limits: Limits) -> Package:
    if len(infos) > limits.max_entries:
        raise PackageError(f"the zip has {len(infos)} entries; at most {limits.max_entries} are allowed")
    warnings: list[str] = []
    entries: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        _check_entry(info, limits)
        if info.is_dir():
            continue
        total += info.file_size
        if total > limits.max_expanded_bytes:
            raise PackageError(f"the package expands to more than {limits.max_expanded_bytes} bytes; "
                               "refusing a likely zip bomb")
        name = normalise(info.filename)
        if name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1] in (".DS_Store", "Thumbs.db"):
            continue
        if name in entries:
            warnings.append(f"The zip holds {name!r} twice; the last copy was used.")
        entries[name] = info
    if archive_bytes and total / max(archive_bytes, 1) > limits.max_archive_ratio and \
            total > limits.ratio_floor_bytes:
        raise PackageError(f"the package expands {total / archive_bytes:.0f}:1 "
                           f"(limit {limits.max_archive_ratio:.0f}:1); refusing a likely zip bomb")
    if not entries:
        raise PackageError("the zip is empty")
    prefix = _root_prefix(list(entries))
    if prefix:
        warnings.append(f"The package was zipped inside the folder {prefix!r}; that folder was used "
                        "as the package root.")
        entries = {name[len(prefix):]: info for name, info in entries.items()}
    return Package(archive, entries, prefix, warnings, limits)


def join_href(*parts: str) -> str:
    """Join xml:base values and an href (CAM §2.3.x, XML Base).

    Every part but the last is a folder, even without its trailing slash (authoring tools often
    omit it). Absolute URLs win over everything before them; ``..`` is resolved but never above
    the package root.
    """
    result = ""
    for raw in parts:
        part = (raw or "").strip().replace("\\", "/")
        if not part:
            continue
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", part) or part.startswith("/"):
            result = part.lstrip("/") if part.startswith("/") else part
            continue
        if result and not result.endswith("/"):
            result += "/"  # SPEC DEVIATION: a base without a trailing slash still names a folder
        result = result + part
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", result):
        return result
    path, sep, rest = _split_query(result)
    clean = posixpath.normpath(path) if path else ""
    while clean.startswith("../"):
        clean = clean[3:]
    if clean in (".", ".."):
        clean = ""
    if path.endswith("/") and clean:
        clean += "/"
    return clean + sep + rest


def _split_query(href: str) -> tuple[str, str, str]:
    for mark in ("?", "#"):
        if mark in href:
            index = href.index(mark)
            return href[:index], href[index], href[index + 1:]
    return href, "", ""


def is_url(href: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", href))
