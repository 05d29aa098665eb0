"""The one exception type for errors a user can fix, and the record of skipped input."""

from __future__ import annotations

from dataclasses import dataclass


class TracerError(Exception):
    """An error in the user's input or invocation, with a message that names the file and line.

    The CLI prints it as ``tracer: error: <message>`` and exits with status 2. Anything else that
    escapes is a bug in tracer.
    """


@dataclass(frozen=True, slots=True)
class Problem:
    """One piece of input that was skipped (or truncated) and why, for the run summary.

    ``where`` names the file and, for line-based formats, the line: ``dump.jsonl:12``.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"
