"""The one error type the CLI reports: bad input, said in one line."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input: names the file and line, what is wrong and how to fix it."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __reduce__(self):  # raised in a process beside the build (etl.beside) and again in the build itself
        return InputError, (self.path, self.line, self.message)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
