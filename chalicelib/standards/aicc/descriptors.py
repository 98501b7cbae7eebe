"""AICC course structure files → :class:`CourseStructure` (AICC CMI001 v4, §5 "Course
Structure Files"): ``.crs`` (INI: course title, ...), ``.au`` (CSV: assignable units and how
to launch them), ``.des`` (CSV: titles and descriptions), ``.cst`` (CSV: blocks and their
members), optional ``.pre`` (prerequisites), ``.ort`` (objectives), ``.cmp`` (completion).

Leniency: extensions and header names are matched case-insensitively, whitespace around
values is ignored, a missing ``.des`` or ``.cst`` is tolerated (titles = ids, AUs in order),
and every tolerance is a warning. A course without a readable ``.au`` cannot be delivered.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

from chalicelib.standards.activity_tree import Activity, CourseStructure
from chalicelib.standards.imscp import with_parameters
from chalicelib.standards.package import PackageError, is_url, join_href

if TYPE_CHECKING:
    from chalicelib.standards.package import Package

TIME_LIMIT_ACTIONS = frozenset({"exit,message", "exit,no message", "continue,message", "continue,no message"})
#: .au columns (CMI001 §5.1.3.2) → the Activity field they fill.
ROOT_BLOCKS = ("root",)


def _text(package: Package, name: str) -> str:
    raw = package.read(name)
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def ini(text: str) -> dict[str, dict[str, str]]:
    """A lenient INI reader (sections and keys case-insensitive; free text kept per section)."""
    sections: dict[str, dict[str, str]] = {}
    current = sections.setdefault("", {})
    free: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        match = re.match(r"^\[(.+)\]$", stripped)
        if match:
            if free:
                current["__text__"] = "\n".join(free)
                free = []
            current = sections.setdefault(match.group(1).strip().lower(), {})
        elif "=" in stripped:
            key, _, value = stripped.partition("=")
            current[key.strip().lower()] = value.strip().strip('"')
        else:
            free.append(stripped)
    if free:
        current["__text__"] = "\n".join(free)
    return sections


def table(text: str) -> list[dict[str, str]]:
    """CSV rows keyed by lower-cased header names."""
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    rows = [[cell.strip() for cell in row] for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [h.lower().replace(" ", "_") for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def _companion(package: Package, crs: str, extension: str) -> str | None:
    stem = crs.rsplit(".", 1)[0].lower()
    same = [n for n in package.entries if n.lower() == f"{stem}.{extension}"]
    if same:
        return same[0]
    folder = crs.rsplit("/", 1)[0] + "/" if "/" in crs else ""
    others = sorted(n for n in package.entries if n.lower().endswith("." + extension)
                    and n.startswith(folder) and "/" not in n[len(folder):])
    return others[0] if others else None


def _au(row: dict[str, str], titles: dict[str, tuple[str, str]], folder: str, package: Package,
        warnings: list[str]) -> Activity:
    system_id = row.get("system_id", "")
    title = titles.get(system_id.lower(), (system_id, ""))[0] or system_id
    file_name = row.get("file_name", "")
    href = file_name if is_url(file_name) else join_href(folder, file_name)
    if href and not is_url(href):
        stored = package.find(href.split("?")[0])
        if stored is None:
            warnings.append(f"AU {system_id!r} launches {href!r}, which is not in the package.")
        else:
            href = stored + (href[len(href.split("?")[0]):])
    activity = Activity(identifier=system_id, title=title, kind="SCO", resource_identifier=system_id,
                        href=with_parameters(href, row.get("web_launch", "")),
                        parameters=row.get("web_launch", ""), data_from_lms=row.get("core_vendor", ""),
                        max_time_allowed=row.get("max_time_allowed", ""), aicc_password=row.get("au_password", ""))
    action = row.get("time_limit_action", "").lower().replace(" ", "").replace(",no", ",no ")
    activity.time_limit_action = action if action in TIME_LIMIT_ACTIONS else ""
    score = row.get("mastery_score", "")
    if score:
        try:
            activity.mastery_score = float(score)
            activity.scaled_passing_score = float(score) / 100
        except ValueError:
            warnings.append(f"AU {system_id!r} has mastery_score {score!r}, not a number; ignored.")
    return activity


def read(package: Package, crs: str, warnings: list[str], fallback_title: str) -> CourseStructure:
    course = ini(_text(package, crs))
    folder = crs.rsplit("/", 1)[0] + "/" if "/" in crs else ""
    au_file = _companion(package, crs, "au")
    if au_file is None:
        raise PackageError("the AICC course has no .au file (CMI001 §5.1.3: assignable units)", file=crs)
    des_file, cst_file, pre_file, cmp_file = (_companion(package, crs, ext) for ext in ("des", "cst", "pre", "cmp"))
    titles: dict[str, tuple[str, str]] = {}
    if des_file:
        titles = {r.get("system_id", "").lower(): (r.get("title", ""), r.get("description", ""))
                  for r in table(_text(package, des_file))}
    else:
        warnings.append(f"{crs}: no .des file; AU identifiers are used as titles.")
    aus = {}
    for row in table(_text(package, au_file)):
        if not row.get("system_id"):
            warnings.append(f"{au_file}: a row has no system_id; ignored.")
            continue
        aus[row["system_id"].lower()] = _au(row, titles, folder, package, warnings)
    if not aus:
        raise PackageError("has no assignable units", file=au_file)
    info = course.get("course", {})
    root = Activity(identifier=info.get("course_id") or "course",
                    title=info.get("course_title") or fallback_title)
    root.children = _structure(package, cst_file, aus, titles, warnings) if cst_file else list(aus.values())
    if not cst_file:
        warnings.append(f"{crs}: no .cst file; the AUs are delivered in .au order.")
    if pre_file:
        _prerequisites(table(_text(package, pre_file)), root)
    if cmp_file:
        _completion(table(_text(package, cmp_file)), root, cmp_file, warnings)
    return CourseStructure(standard="AICC", title=root.title, root=root, identifier=root.identifier,
                           description=course.get("course_description", {}).get("__text__", ""),
                           version_label=info.get("version", ""), warnings=warnings)


def _structure(package: Package, cst_file: str, aus: dict[str, Activity], titles: dict[str, tuple[str, str]],
               warnings: list[str]) -> list[Activity]:
    reader = csv.reader(io.StringIO(_text(package, cst_file)), skipinitialspace=True)
    rows = [[c.strip() for c in row if c.strip()] for row in reader]
    blocks = {row[0].lower(): row[1:] for row in rows[1:] if row}
    placed: set[str] = set()

    def build(block_id: str, trail: tuple[str, ...]) -> list[Activity]:
        found = []
        for member in blocks.get(block_id, []):
            key = member.lower()
            if key in aus and key not in placed:
                placed.add(key)
                found.append(aus[key])
            elif key in blocks and key not in trail:
                title = titles.get(key, (member, ""))[0] or member
                found.append(Activity(identifier=member, title=title, children=build(key, (*trail, key))))
            elif key not in aus:
                warnings.append(f"{cst_file}: member {member!r} is neither an AU nor a block; ignored.")
        return found

    top = next((b for b in blocks if b in ROOT_BLOCKS), None)
    children = build(top, (top,)) if top else []
    if top is None:
        warnings.append(f"{cst_file}: no 'root' block; the AUs are delivered in .au order.")
    children.extend(au for key, au in aus.items() if key not in placed)
    return children


def _prerequisites(rows: list[dict[str, str]], root: Activity) -> None:
    by_id = {a.identifier.lower(): a for a in root.walk()}
    for row in rows:
        target = by_id.get(row.get("structure_element", "").lower())
        if target is not None:
            target.prerequisites = row.get("prerequisite", "")


def _completion(rows: list[dict[str, str]], root: Activity, cmp_file: str, warnings: list[str]) -> None:
    """``.cmp`` (CMI001 §5 completion requirements): a structure element (block, AU or the
    course's ``root``) takes the status ``result`` when the ``requirement`` expression (the
    prerequisites' aicc_script) holds. ``next``/``return`` (branching) are not supported: warned."""
    by_id = {a.identifier.lower(): a for a in root.walk()}
    for row in rows:
        name = row.get("structure_element", "").lower()
        target = root if name == "root" else by_id.get(name)
        requirement = row.get("requirement", "")
        if target is None or not requirement:
            warnings.append(f"{cmp_file}: a row for {name or '(none)'!r} names no structure element or requirement; "
                            "ignored.")
            continue
        target.aicc_completion = [requirement, row.get("result", "") or "completed"]
        if row.get("next") or row.get("return"):
            warnings.append(f"{cmp_file}: {target.identifier!r}: next/return branching is not supported; ignored.")
