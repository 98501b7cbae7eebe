"""Course import against ``unzip -q`` of the same file, and manifest parsing against lxml.

1. A generated SCORM 1.2 package of 5,000 files and ~200 MB (half random bytes, half text, so
   deflate does real work) is imported by the real import function (:func:`imports.run`:
   download from S3, validate, parse, extract every file to S3, store the tree and the course)
   in a child process talking to a moto server in another process, so the child's peak RSS is
   the import's own. Baseline: ``unzip -q`` of the same file to a local folder, in the same run.
2. Reading the largest ADL conformance manifest (``read_package``: zip checks, lenient parse,
   sequencing, tree) against a bare ``lxml.etree.fromstring`` of the same bytes. Without the ADL
   suite (see ``tests/conformance/adl_suite.py``) a SCORM 2004 package built by code stands in.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

from bench.measure import save

FILES = 5_000
FILE_BYTES = 40_000  # 5,000 x 40 kB = 200 MB expanded
ROOT = Path(__file__).resolve().parents[1]


def build_package(path: Path) -> None:
    text = (b"Nimbus benchmark content line; " * 700)[:FILE_BYTES // 2]
    manifest = ('<?xml version="1.0"?><manifest identifier="bench" '
                'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
                'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><organizations default="o"><organization '
                'identifier="o"><title>Bench</title><item identifier="i" identifierref="r"><title>Start</title></item>'
                '</organization></organizations><resources><resource identifier="r" type="webcontent" '
                'adlcp:scormtype="sco" href="index.html"><file href="index.html"/></resource></resources></manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr("index.html", "<!doctype html><title>bench</title>")
        for n in range(FILES - 2):
            archive.writestr(f"assets/{n // 100:03d}/file{n:05d}.bin", os.urandom(FILE_BYTES // 2) + text)


def unzip_baseline(path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run(["unzip", "-q", str(path), "-d", out], check=True)  # noqa: S607
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_rss_mib": max(peak, before) / 1024}


def child(path: str) -> None:
    """Run one import (in a fresh process) and print its wall time and peak RSS as JSON."""
    from chalicelib import imports
    from chalicelib.store import blobs
    from chalicelib.store import courses as store
    from chalicelib.store.repos import now
    from chalicelib.store.tables import ImportJobItem
    from chalicelib.uploads import UploadedObject

    realm, job_id = "bench", uuid.uuid4().hex
    moment = now()
    store.create_job(ImportJobItem(realm_id=realm, job_id=job_id, course_id=f"bench-{job_id[:6]}", created=moment,
                                   updated=moment, options={"course_id": f"bench-{job_id[:6]}", "file_name": "b.zip"}))
    key = f"uploads/{realm}/{job_id}/b.zip"
    with open(path, "rb") as stream:
        blobs.put_stream(key, stream, Path(path).stat().st_size)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    status = imports.run(UploadedObject(blobs.bucket(), key, Path(path).stat().st_size, realm, job_id))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job = store.get_job(realm, job_id)
    print(json.dumps({"status": status, "message": job.message if job else "", "seconds": seconds,
                      "peak_rss_mib": peak / 1024, "rss_before_mib": rss_before / 1024}))


def import_run(path: Path) -> dict[str, Any]:
    from nimbus_local.child import free_port

    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "bench",
           "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        setup = ("import time\nfor _ in range(100):\n try:\n  from nimbus_local import bootstrap\n"
                 "  bootstrap.create_all('us-east-1'); break\n except Exception:\n  time.sleep(0.2)\n")
        subprocess.run([sys.executable, "-c", setup], env=env, cwd=ROOT, check=True)
        done = subprocess.run([sys.executable, "-m", "bench.course_import", "--child", str(path)], env=env,
                              cwd=ROOT, check=True, capture_output=True, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
    finally:
        server.terminate()
        server.wait(timeout=10)


def manifest_case() -> tuple[str, bytes, bytes]:
    """The largest ADL conformance manifest (name, manifest, package); without the ADL suite, a
    SCORM 2004 package with sequencing built by code (about the same size), and a printed line."""
    from tests.builders.course_zip import adl_case_zip, scorm2004_manifest, scorm2004_zip
    from tests.conformance import adl_suite

    if adl_suite.available():
        largest = max(adl_suite.cases(), key=lambda case: adl_suite.manifest(case).stat().st_size)
        return f"{largest}.xml", adl_suite.manifest(largest).read_bytes(), adl_case_zip(largest)
    scos = 100  # about 30 KB, near the largest ADL manifest (T-01b.xml, 32 KB)
    print(f"{adl_suite.missing_reason()}; the manifest part reads scorm2004_zip(scos={scos}) instead")
    return (f"scorm2004_zip(scos={scos})", scorm2004_manifest(scos=scos).encode(), scorm2004_zip(scos=scos))


def manifest_parse() -> dict[str, Any]:
    from lxml import etree

    from chalicelib.standards import read_package

    name, data, zipped = manifest_case()
    with tempfile.TemporaryDirectory() as work:
        package = Path(work) / "case.zip"
        package.write_bytes(zipped)

        def read() -> None:
            read_package(package, "case.zip").close()

        ours = statistics.median(_time(read) for _ in range(30))
    baseline = statistics.median(_time(lambda: etree.fromstring(data)) for _ in range(30))
    return {"manifest": name, "bytes": len(data), "read_package_ms": ours * 1000,
            "lxml_parse_ms": baseline * 1000, "ratio": ours / baseline}


def _time(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "bench.zip"
        build_package(path)
        size = path.stat().st_size
        unzip = unzip_baseline(path)
        ours = import_run(path)
    parse = manifest_parse()
    result = {"package": {"files": FILES, "expanded_bytes": FILES * FILE_BYTES, "zip_bytes": size},
              "unzip": unzip, "import": ours, "wall_ratio": ours["seconds"] / unzip["seconds"],
              "memory_ratio": ours["peak_rss_mib"] / unzip["peak_rss_mib"], "manifest": parse}
    where = save("course_import", result)
    print(f"| unzip -q (baseline) | {unzip['seconds']:.2f} s | {unzip['peak_rss_mib']:.0f} MiB |")
    print(f"| import ({ours['status']}) | {ours['seconds']:.2f} s ({result['wall_ratio']:.1f}x) | "
          f"{ours['peak_rss_mib']:.0f} MiB ({result['memory_ratio']:.0f}x; {ours['rss_before_mib']:.0f} before) |")
    print(f"| {parse['manifest']} read_package | {parse['read_package_ms']:.1f} ms | "
          f"lxml {parse['lxml_parse_ms']:.2f} ms ({parse['ratio']:.0f}x) |")
    print(f"raw results: {where}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main()
