"""Files are written whole or not at all, with the permissions open() would give."""

from __future__ import annotations

import os

import pytest

from rota.output import write_all, write_atomic


def test_write_creates_directories_and_honours_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a" / "b.csv", "x,y\n")
    finally:
        os.umask(old)
    path = tmp_path / "a" / "b.csv"
    assert path.read_text() == "x,y\n"
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "schedule.csv"
    path.write_text("old\n")
    with pytest.raises(TypeError):
        write_atomic(path, None)  # type: ignore[arg-type]
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["schedule.csv"]


def test_write_all_writes_every_file(tmp_path):
    write_all(tmp_path, {"a.txt": "1\n", "b.txt": "2\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
