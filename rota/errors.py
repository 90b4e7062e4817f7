"""Errors that carry their place in the input, so the CLI can print one line per problem."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we know."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    key_path: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" {self.key_path}:" if self.key_path else ""
        return _one_line(f"error: {where}:{key} {self.message}")


class InputError(Exception):
    """Bad input: a list of located problems. The CLI prints each and exits 2."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class ConfigError(InputError):
    """The team YAML file is invalid."""


class ScheduleError(InputError):
    """A schedule CSV is malformed."""


_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029\ud800-\udfff]")


def _one_line(text: str) -> str:
    """Values quoted in a message must not break the one-line-per-problem promise: every
    character that ends a line (or cannot be printed, a lone surrogate) is escaped."""
    return _BREAKS.sub(lambda m: ascii(m[0])[1:-1], text)
