"""A rich progress display on stderr: tables done of total and the current table."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class RichProgress:
    """Shows scan progress; used only when stderr is a terminal and --quiet is off."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[table]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task: int | None = None

    def start(self, source: str, total: int) -> None:
        """A new source with ``total`` tables."""
        self._progress.start()
        self._task = self._progress.add_task(source, total=total, table="")

    def table(self, name: str) -> None:
        """The table now being read."""
        if self._task is not None:
            self._progress.update(self._task, table=name)

    def advance(self) -> None:
        """One more table done."""
        if self._task is not None:
            self._progress.advance(self._task)

    def stop(self) -> None:
        """The source is done."""
        self._progress.stop()
        self._task = None
