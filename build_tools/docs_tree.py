"""The docs folder MkDocs reads, written in place and only where something changed.

MkDocs' dirty build rebuilds a page when its Markdown is newer than the built page, so a
file whose bytes did not change must keep its modification time.  Writing every generated
file into a fresh staging folder and copying the changed ones over cost a second write
and a comparison of every file (about 200 MB at 1,000 reports); here each file is compared
with what the folder already holds and written only when it differs, and whatever a build
did not produce is removed at the end.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Iterable


def write_if_changed(root: Path, rel: str, content: str | bytes) -> bool:
    """Write ``content`` to ``root/rel`` unless the file already holds exactly it.

    Returns whether the file was written.  Refuses any path that leaves ``root``: names
    come from reports, which are untrusted.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if not is_inside(rel):
        raise ValueError(f"refusing to write outside {root}: {rel}")
    target = root / rel
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        pass
    write_whole(target, data)
    return True


def write_whole(target: Path, data: bytes) -> None:
    """Write ``target`` whole or not at all: a build stopped half-way leaves no torn file
    for the next build to take as complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def is_inside(rel: str) -> bool:
    """Whether a relative path stays inside its folder, judged from the text alone: the
    folders below the root are all made by this build, so no link can lead out, and a
    check without the file system is cheap enough for every one of tens of thousands of
    files."""
    parts = PurePosixPath(rel.replace("\\", "/")).parts
    return bool(parts) and not rel.startswith(("/", "\\")) and ".." not in parts \
        and ":" not in parts[0]


class DocsTree:
    """One build's view of the docs folder: what it produced, how much changed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.produced: set[str] = set()
        self.changed = 0

    def write(self, rel: str, content: str | bytes) -> None:
        self.changed += write_if_changed(self.root, rel, content)
        self.produced.add(rel)

    def keep(self, rels: Iterable[str]) -> None:
        """Files another writer produced in this folder during this build."""
        self.produced.update(rels)

    def copy_missing(self, source: Path) -> None:
        """Copy the files of ``source`` (the repo's docs/) that the build did not generate:
        a generated page replaces a hand-written one of the same name."""
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source).as_posix()
            if path.is_file() and rel not in self.produced:
                self.write(rel, path.read_bytes())

    def remove_stale(self) -> int:
        """Delete every file this build did not produce (and emptied folders); returns how
        many files went."""
        removed = 0
        # bottom-up, so a folder emptied here is seen empty when its parent is visited
        for folder, subdirs, names in os.walk(self.root, topdown=False):
            base = Path(folder)
            prefix = base.relative_to(self.root).as_posix()
            for name in names:
                rel = name if prefix == "." else f"{prefix}/{name}"
                if rel not in self.produced:
                    (base / name).unlink()
                    removed += 1
            if base != self.root and not any(base.iterdir()):
                base.rmdir()
        return removed
