"""The local AWS's write-ahead journal: changing requests since the last snapshot, by generation.

Every AWS request that changed state outside the DynamoDB item store (S3 objects and buckets,
SQS, Kinesis, DynamoDB table definitions) is appended to ``journal.<generation>.bin`` before its
answer is sent (and fsynced with ``NIMBUS_FSYNC=1``). A snapshot *rotates* the journal — later requests go to the next
generation — and records the generation it covers; once the snapshot is on disk the covered
files are deleted. A start restores the snapshot and replays the newer generations in order.
A record torn by a crash mid-append (its caller never saw an answer) is ignored.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import struct
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

LOG = logging.getLogger("nimbus.local.journal")
_NAME = re.compile(r"^journal\.(\d+)\.bin$")
#: The single journal file of earlier versions: replayed first, as generation 0.
LEGACY = "journal.bin"


class Journal:
    def __init__(self, folder: Path, *, fsync: bool = False) -> None:
        self.folder = folder
        self.fsync = fsync
        existing = self.generations()
        self.generation = (existing[-1][0] if existing else 0) + 1
        self._file = open(self._path(self.generation), "ab")  # noqa: SIM115 - lives with the journal
        self.size = 0

    def _path(self, generation: int) -> Path:
        return self.folder / f"journal.{generation}.bin"

    def generations(self) -> list[tuple[int, Path]]:
        """Every journal file on disk, oldest first (the legacy file as generation 0)."""
        found = [(int(m.group(1)), p) for p in self.folder.iterdir() if (m := _NAME.match(p.name))]
        legacy = self.folder / LEGACY
        if legacy.exists():
            found.append((0, legacy))
        return sorted(found)

    @staticmethod
    def encode(environ: dict[str, Any], body: bytes) -> bytes:
        """The record of a request as it arrived: done before the request lock is taken, so a
        large upload is not copied while every other request waits."""
        kept = {k: v for k, v in environ.items() if isinstance(v, str) and not k.startswith("wsgi.")}
        return pickle.dumps((kept, body), protocol=pickle.HIGHEST_PROTOCOL)

    def append(self, record: bytes) -> None:
        """Append an encoded record (:meth:`encode`), in the order the requests changed state."""
        self._file.write(struct.pack(">I", len(record)))  # two writes: no copy of a large upload
        self._file.write(record)
        self._file.flush()  # in the OS before the answer: a killed process loses nothing
        if self.fsync:
            os.fsync(self._file.fileno())
        self.size += 4 + len(record)

    def rotate(self) -> int:
        """Seal the current generation (returned) and start the next one."""
        sealed = self.generation
        self._file.close()
        self.generation += 1
        self._file = open(self._path(self.generation), "ab")  # noqa: SIM115
        self.size = 0
        return sealed

    def drop_through(self, generation: int) -> None:
        """Delete the files a snapshot now covers."""
        for number, path in self.generations():
            if number <= generation and number != self.generation:
                path.unlink(missing_ok=True)

    def after(self, generation: int) -> Iterator[tuple[dict[str, str], bytes]]:
        """The records of every generation newer than ``generation``, in order."""
        for number, path in self.generations():
            if number > generation:
                yield from records(path)

    def close(self) -> None:
        self._file.close()


def records(path: Path) -> Iterator[tuple[dict[str, str], bytes]]:
    """The complete records of one journal file; a torn last record is ignored."""
    if not path.exists():
        return
    data = path.read_bytes()
    offset = 0
    while offset + 4 <= len(data):
        (size,) = struct.unpack(">I", data[offset:offset + 4])
        if offset + 4 + size > len(data):
            LOG.warning("ignoring a torn journal record at byte %d of %s", offset, path.name)
            return
        yield pickle.loads(data[offset + 4:offset + 4 + size])  # noqa: S301 - our own file
        offset += 4 + size
