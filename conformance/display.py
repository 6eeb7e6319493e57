"""What a run shows while it works: plain lines for CI and pipes, a progress bar on a terminal."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TextIO

Progress = Callable[[str, int, int], None]


class Display:
    """Line-oriented output for CI and pipes: one `conformance: ...` line per event."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def line(self, text: str) -> None:
        print(f"conformance: {text}", file=self.out, flush=True)

    def verdict(self, conforms: bool, text: str) -> None:
        self.line(f"verdict: {text}")

    @contextlib.contextmanager
    def working(self, stage: str, total: int | None) -> Iterator[Progress]:
        self.line(f"{stage}: running")
        yield lambda label, done, planned: None


class TerminalDisplay(Display):
    """A spinner and a progress bar on a terminal (rich)."""

    def __init__(self, out: TextIO) -> None:
        from rich.console import Console

        super().__init__(out)
        self.console = Console(file=out)  # fixed file: the scenario stage redirects stdout

    def line(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False)

    def verdict(self, conforms: bool, text: str) -> None:
        style = "bold green" if conforms else "bold red"
        self.console.print(
            ("✓ " if conforms else "✗ ") + text, style=style, highlight=False, markup=False
        )

    @contextlib.contextmanager
    def working(self, stage: str, total: int | None) -> Iterator[Progress]:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bar

        columns = [
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ]
        with Bar(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(stage, total=total)

            def update(label: str, done: int, planned: int) -> None:
                bar.update(task, description=label, completed=done, total=planned)

            yield update


def make_display(out: TextIO) -> Display:
    return TerminalDisplay(out) if out.isatty() else Display(out)
