"""Errors that name the file and say what is wrong with it."""

from __future__ import annotations


class ReportError(Exception):
    """A report file could not be turned into a record.

    ``reason`` is a short Chinese-or-English sentence for the build report; ``code`` is a
    stable machine-readable tag (``unreadable``, ``no_text_layer``, ``encrypted``, …).
    ``cacheable`` is False when the failure says more about this machine at this moment
    than about the file (a converter that ran out of time): the record cache must not
    keep it, or the file would stay refused after the machine recovers.
    """

    def __init__(self, path: str, reason: str, code: str = "unreadable",
                 cacheable: bool = True) -> None:
        self.path = str(path)
        self.reason = reason
        self.code = code
        self.cacheable = cacheable
        super().__init__(f"{self.path}: {reason}")


class ReadError(ReportError):
    """The file's bytes could not be read as a report (format, encoding, damage)."""
