"""Writing files whole or not at all, and sets of files all or none (SPEC §6)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write `text` (or bytes) to a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    tmp = _temporary(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_all(directory: str | Path, files: dict[str, str] | dict[str, bytes]) -> None:
    """Write every file into `directory`, or change none of the files already there.

    Each file is written to a temporary beside it first; only when all are written are
    they renamed into place, and a rename that fails puts back the files renamed before
    it. An OSError names the file that could not be written.
    """
    targets = [Path(directory) / name for name in files]
    temporaries: list[Path] = []
    try:
        for path, text in zip(targets, files.values()):
            if path.is_dir():
                raise IsADirectoryError(21, os.strerror(21), str(path))
            temporaries.append(_temporary(path, text))
        _rename_all(temporaries, targets)
    finally:
        for tmp in temporaries:
            tmp.unlink(missing_ok=True)


def _rename_all(temporaries: list[Path], targets: list[Path]) -> None:
    """Rename each temporary onto its target; on a failure, restore every target."""
    backups: list[tuple[Path, Path | None]] = []  # target, its old content's hard link
    try:
        for tmp, path in zip(temporaries, targets):
            backup = None
            if path.exists():
                backup = path.with_name(f".{path.name}.{os.getpid()}.old")
                backup.unlink(missing_ok=True)
                try:
                    os.link(path, backup)
                except OSError:  # a file system without hard links
                    shutil.copy2(path, backup)
            backups.append((path, backup))
            os.replace(tmp, path)
    except BaseException:
        for path, backup in reversed(backups):
            with contextlib.suppress(OSError):
                if backup is None:
                    path.unlink(missing_ok=True)
                else:
                    os.replace(backup, path)
        raise
    finally:
        for _, backup in backups:
            if backup is not None:
                backup.unlink(missing_ok=True)


def _temporary(path: Path, text: str | bytes) -> Path:
    """`text` (UTF-8) or bytes in a new file beside `path`, with the permissions open()
    would give."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        exc.filename = exc.filename or str(path)
        raise
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give what open() would
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            exc.filename = str(path)
        raise
    return tmp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
