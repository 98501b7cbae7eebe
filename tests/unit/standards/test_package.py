"""Safe reading of uploaded packages: every hostile zip is refused before extraction, with a
message that says why."""

from __future__ import annotations

import pytest

from chalicelib.standards import read_package
from chalicelib.standards.package import Limits, PackageError, join_href, open_package
from tests.builders import course_zip as cz

HOSTILE = {
    "zip slip": (cz.zip_slip_zip, "zip slip"),
    "absolute path": (cz.absolute_path_zip, "absolute path"),
    "symlink": (cz.symlink_zip, "symbolic link"),
    "bomb": (cz.bomb_zip, "zip bomb"),
    "20,000 entries": (cz.many_entries_zip, "20002 entries"),
    "corrupt central directory": (cz.corrupt_central_directory_zip, "central directory"),
    "truncated": (cz.truncated_zip, "corrupt"),
    "encrypted": (cz.encrypted_flag_zip, "encrypted"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_zip_is_refused_with_a_clear_message(kind: str, tmp_path) -> None:
    build, words = HOSTILE[kind]
    path = tmp_path / "hostile.zip"
    path.write_bytes(build())
    with pytest.raises(PackageError) as refused:
        read_package(path, "hostile.zip")
    assert words in str(refused.value)


def test_archive_ratio_catches_bombs_of_many_small_entries(tmp_path) -> None:
    path = tmp_path / "b.zip"
    path.write_bytes(cz.bomb_zip(16))
    with pytest.raises(PackageError, match="expands"):
        open_package(path, path.stat().st_size, Limits(max_entry_ratio=1e9))


def test_total_expanded_size_is_capped(tmp_path) -> None:
    path = tmp_path / "big.zip"
    path.write_bytes(cz.scorm12_zip())
    with pytest.raises(PackageError, match="expands to more than 100 bytes"):
        open_package(path, path.stat().st_size, Limits(max_expanded_bytes=100))


def test_package_zipped_inside_a_folder_is_rerooted_with_a_warning(tmp_path) -> None:
    import io
    import zipfile

    inner = zipfile.ZipFile(io.BytesIO(cz.scorm12_zip()))
    path = tmp_path / "folder.zip"
    with zipfile.ZipFile(path, "w") as out:
        for name in inner.namelist():
            out.writestr(f"Golf Course/{name}", inner.read(name))
    reading = read_package(path, "folder.zip")
    assert reading.structure.root.children[0].href == "lesson1/index.html"
    assert "lesson1/index.html" in reading.package.entries  # type: ignore[union-attr]
    assert any("zipped inside the folder 'Golf Course/'" in w for w in reading.structure.warnings)
    reading.close()


def test_missing_descriptor_says_what_was_expected(tmp_path) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(cz.zip_bytes({"a/b/imsmanifest.xml": "<manifest/>", "readme.txt": "hi"}))
    with pytest.raises(PackageError, match=r"no course descriptor.*'a/b/imsmanifest.xml' is not at the root"):
        read_package(path, "x.zip")


def test_not_a_package_at_all(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"just some text")
    with pytest.raises(PackageError, match="notes.txt: is not a zip file"):
        read_package(path, "notes.txt")


@pytest.mark.parametrize(("parts", "joined"), [
    (("resources/", "a.htm"), "resources/a.htm"),
    (("resources", "a.htm"), "resources/a.htm"),
    (("a/", "b/", "../c/x.htm?p=1"), "a/c/x.htm?p=1"),
    (("", "../../x.htm"), "x.htm"),
    (("base/", "http://cdn.example.com/x.htm"), "http://cdn.example.com/x.htm"),
    (("http://cdn.example.com/course/", "x.htm"), "http://cdn.example.com/course/x.htm"),
    (("./a//", "./b.htm"), "a/b.htm"),
])
def test_xml_base_joining(parts: tuple[str, ...], joined: str) -> None:
    assert join_href(*parts) == joined


def test_zip64_package_imports(tmp_path) -> None:
    import zipfile

    path = tmp_path / "zip64.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
        for name, data in (("imsmanifest.xml", cz.scorm12_manifest(scos=1).encode()),
                           ("lesson1/index.html", cz.SCO_PAGE)):
            with out.open(name, "w", force_zip64=True) as entry:
                entry.write(data)
    assert b"\x01\x00" in path.read_bytes()  # a zip64 extra field is present
    reading = read_package(path, "zip64.zip")
    assert reading.structure.root.leaves()[0].href == "lesson1/index.html"
    with reading.package.open("lesson1/index.html") as stream:  # type: ignore[union-attr]
        assert stream.read() == cz.SCO_PAGE
    reading.close()
