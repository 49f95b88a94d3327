"""LibreOffice, the one program outside Python that a parse may run: it turns a legacy
Word .doc into a .docx the Word reader can read.

A .doc's record depends on which LibreOffice converted it, so the record cache keys a
.doc by ``converter_identity`` as well as by its bytes and the parser (``cache.py``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from ..errors import ReadError

# LibreOffice needs a few seconds to start; a .doc that takes longer than this is stuck.
CONVERT_TIMEOUT_S = 180

# Files of an install that a new LibreOffice version rewrites, next to the ``soffice``
# it runs (Debian: /usr/lib/libreoffice/program).  Their size and mtime identify the
# version without starting LibreOffice (``soffice --version`` takes about a second,
# which every rebuild would pay); package managers keep a package's mtimes, so the same
# version installed again is the same identity.
VERSION_FILES = ("versionrc", "soffice.bin", "libmergedlo.so")


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def converter_identity() -> str:
    """Which LibreOffice would convert a .doc here: ``absent`` when there is none (so a
    .doc refused for the lack of it is read again once it is installed), else a digest
    of its install's version files."""
    exe = soffice_path()
    if exe is None:
        return "absent"
    program = Path(os.path.realpath(exe))
    parts = [str(program)]
    for path in (program, *(program.parent / name for name in VERSION_FILES)):
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "libreoffice-" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def convert_doc(path: Path, outdir: Path) -> Path:
    """Legacy .doc -> .docx with LibreOffice headless (private profile, time limit)."""
    exe = soffice_path()
    if exe is None:
        raise ReadError(str(path), "legacy Word .doc needs LibreOffice (soffice) to be "
                        "converted; install libreoffice-writer-nogui or save the file as .docx",
                        code="needs_libreoffice")
    profile = outdir / "profile"
    src = outdir / "in.doc"
    shutil.copyfile(path, src)     # a plain name: soffice mishandles some CJK file names
    # A time-out or a crash is LibreOffice's state on this machine (load, memory, a
    # locked profile) as much as the file's, so neither is kept in the record cache:
    # the next build tries again.  A run that ends without a .docx is the file's fault.
    try:
        subprocess.run(
            [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", "docx", "--outdir", str(outdir), str(src)],
            check=True, capture_output=True, timeout=CONVERT_TIMEOUT_S,
            env={**os.environ, "HOME": str(outdir)})
    except subprocess.TimeoutExpired as exc:
        raise ReadError(str(path), f"LibreOffice did not convert the .doc within "
                        f"{CONVERT_TIMEOUT_S} s", code="convert_failed", cacheable=False) from exc
    except subprocess.CalledProcessError as exc:
        raise ReadError(str(path), "LibreOffice could not convert the .doc "
                        f"(exit {exc.returncode})", code="convert_failed", cacheable=False) from exc
    out = outdir / "in.docx"
    if not out.is_file():
        raise ReadError(str(path), "LibreOffice produced no .docx from this .doc (damaged "
                        "file?)", code="convert_failed")
    return out
