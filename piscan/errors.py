"""The PiscanError tree and the exit-code table; only the CLI turns errors into exits."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes: a public contract that CI jobs read (README, "Exit codes").

    When several apply, the highest in this order wins: INTERRUPTED / TERMINATED, ERROR,
    INCOMPLETE, FINDINGS, OK.
    """

    OK = 0  # clean: everything asked for was read, nothing fails --fail-on
    FINDINGS = 1  # findings fail --fail-on (new ones only, with --baseline)
    ERROR = 2  # usage, config or baseline error, or a target that could not be opened
    INCOMPLETE = 3  # the scan did not cover what it was asked to (nothing read, or --max-skipped)
    INTERRUPTED = 130  # Ctrl-C: the report holds what was found so far
    TERMINATED = 143  # SIGTERM (CI cancel, Kubernetes): the same partial report, 128 + 15


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be, so a cancelled CI job gets the same partial report."""


class PiscanError(Exception):
    """An expected failure with a one-line, secret-free message."""

    exit_code = ExitCode.ERROR


class UsageError(PiscanError):
    """Bad options or arguments."""


class ConfigError(PiscanError):
    """A rules, policy or config file is missing or invalid."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}")


class TargetError(PiscanError):
    """A target cannot be opened at all (unreachable host, bad credentials, unknown driver)."""


class SkipError(PiscanError):
    """One table or column cannot be read; the scan reports it as skipped and goes on."""
