"""The HACP wire format (AICC CMI001 v4, HACP): an AU posts a form to the ``aicc_url`` it was
launched with and reads a plain-text answer.

Request (``application/x-www-form-urlencoded``; field names case-insensitive): ``command``,
``version``, ``session_id``, ``aicc_data`` and, for AUs with an AU password in the ``.au`` file,
``au_password``. Answer (``text/plain``, CR LF lines)::

    error=0
    error_text=Successful
    version=4.0
    aicc_data=[Core]
    Student_ID=...

``aicc_data`` is either INI-like groups (``GetParam`` / ``PutParam``: ``[Core]`` keywords
``Name=value``, free-form groups such as ``[Core_Lesson]``; group names and keywords
case-insensitive) or, for the other ``Put`` commands, a CSV file with a header row (CMI001's
student performance file formats). Parsing is pure and refuses malformed data with
:class:`~chalicelib.aicc.errors.HacpError` (1) naming the line.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from chalicelib.aicc.errors import ERRORS, INVALID_COMMAND, HacpError

VERSION = "4.0"
MAX_BODY = 512 * 1024
MAX_AICC_DATA = 256 * 1024
#: Groups whose content is free text, not keywords (CMI001 [Core_Lesson], [Core_Vendor], [Comments]).
FREE_FORM = frozenset({"core_lesson", "core_vendor", "comments"})
#: Keyword groups the CMI reads from an AU; others (LMS-owned, unknown) are kept as text and ignored.
KEYWORD_GROUPS = frozenset({"core", "objectives_status", "student_preferences"})
_GROUP = re.compile(r"^\s*\[\s*([A-Za-z0-9_ ]+?)\s*\]\s*$")
_LINES = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Request:
    """One HACP request, field names lower-cased."""

    command: str
    version: str = ""
    session_id: str = ""
    aicc_data: str = ""
    au_password: str = ""


def parse_request(body: bytes | str) -> Request:
    """The form fields of a HACP post (unknown fields ignored; the first of repeated ones wins)."""
    if isinstance(body, bytes):
        if len(body) > MAX_BODY:
            raise HacpError(INVALID_COMMAND, f"the request is {len(body)} bytes; at most {MAX_BODY}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode("latin-1")
    else:
        text = body
    fields: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"):
        fields.setdefault(key.strip().lower(), value)
    return Request(command=fields.get("command", "").strip(), version=fields.get("version", "").strip(),
                   session_id=fields.get("session_id", "").strip(), aicc_data=fields.get("aicc_data", ""),
                   au_password=fields.get("au_password", ""))


def answer(code: int, data: str | None = None) -> str:
    """The plain-text answer; ``aicc_data`` last (it may span lines)."""
    text = f"error={code}\r\nerror_text={ERRORS[code]}\r\nversion={VERSION}\r\n"
    return text if data is None else text + "aicc_data=" + data


@dataclass
class Group:
    """One ``[Group]`` of ``aicc_data``: keywords (lower-cased names) or free text."""

    name: str
    keywords: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        lines = list(self.lines)
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        return "\r\n".join(lines)


def parse_groups(data: str) -> dict[str, Group]:
    """``aicc_data`` groups by lower-cased name (group names and keywords are case-insensitive,
    CMI001 HACP). A repeated group adds to the first. Refused (1): text before the first group,
    a keyword line without ``=`` in a keyword group, a keyword given twice."""
    if len(data) > MAX_AICC_DATA:
        raise HacpError(INVALID_COMMAND, f"aicc_data is {len(data)} characters; at most {MAX_AICC_DATA}")
    groups: dict[str, Group] = {}
    current: Group | None = None
    for number, line in enumerate(_LINES.split(data), start=1):
        header = _GROUP.match(line)
        if header:
            name = re.sub(r"\s+", "_", header.group(1).strip().lower())
            current = groups.setdefault(name, Group(name))
            continue
        if current is None:
            if line.strip() and not line.strip().startswith(";"):
                raise HacpError(INVALID_COMMAND, f"aicc_data line {number}: {line[:60]!r} is outside any [group]")
            continue
        if current.name not in KEYWORD_GROUPS:
            current.lines.append(line)
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if "=" not in stripped:
            raise HacpError(INVALID_COMMAND, f"aicc_data line {number} in [{current.name}]: {stripped[:60]!r} "
                                             "is not keyword=value")
        key, _, value = stripped.partition("=")
        key = re.sub(r"\s+", "_", key.strip().lower())
        if not key:
            raise HacpError(INVALID_COMMAND, f"aicc_data line {number} in [{current.name}]: no keyword before '='")
        if key in current.keywords:
            raise HacpError(INVALID_COMMAND, f"aicc_data line {number}: [{current.name}] {key} is given twice")
        current.keywords[key] = value.strip()
    return groups


def render_groups(groups: list[tuple[str, list[tuple[str, str]] | str]]) -> str:
    """``[Group]`` sections: keyword groups as ``Name=value`` lines, free-form groups as text."""
    out: list[str] = []
    for name, content in groups:
        out.append(f"[{name}]")
        if isinstance(content, str):
            if content:
                out.extend(_LINES.split(content))
        else:
            out.extend(f"{key}={value}" for key, value in content)
    return "\r\n".join(out) + "\r\n"


def parse_table(data: str, what: str) -> list[dict[str, str]]:
    """A CMI001 student performance file (CSV, a header row of field names, then one row per
    record) as dicts keyed by lower-cased field names. Refused (1): no header or no record, a
    row with more fields than the header, broken quoting."""
    if len(data) > MAX_AICC_DATA:
        raise HacpError(INVALID_COMMAND, f"aicc_data is {len(data)} characters; at most {MAX_AICC_DATA}")
    try:
        rows = [row for row in csv.reader(io.StringIO(data.strip()), skipinitialspace=True, strict=True)
                if any(cell.strip() for cell in row)]
    except csv.Error as err:
        raise HacpError(INVALID_COMMAND, f"{what}: aicc_data is not a CSV file ({err})") from err
    if len(rows) < 2:
        raise HacpError(INVALID_COMMAND, f"{what}: aicc_data needs a header row and at least one record")
    header = [re.sub(r"\s+", "_", cell.strip().lower()) for cell in rows[0]]
    if len(set(header)) != len(header) or not all(header):
        raise HacpError(INVALID_COMMAND, f"{what}: the header row names a field twice or has an empty name")
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            raise HacpError(INVALID_COMMAND, f"{what}: row {number} has {len(row)} fields; the header has "
                                             f"{len(header)}")
        records.append({name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)})
    return records
