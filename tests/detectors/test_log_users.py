"""Account names in log lines: the user an authentication line names (sshd, PAM, FTP, MySQL,
nginx and Apache auth) and Windows accounts (a domain user's SID, a profile folder)
are USERNAME; well-known system accounts, placeholders and ordinary prose are not. Measure
fields (byte counts) name nothing, and counters of SIDs or handle ids are no identifiers."""

from __future__ import annotations

import pytest

from piscan.detectors.names import is_measure, name_hits
from piscan.detectors.presidio import PresidioDetector, build_engine
from piscan.mask import digest
from piscan.model import Column, Location, Record, ValueKind

LOC = Location("files", ("auth.log",))


@pytest.fixture(scope="module")
def presidio() -> PresidioDetector:
    return PresidioDetector(build_engine())


def _users(detector: PresidioDetector, text: str) -> set[str]:
    """Keyed hashes of the confident USERNAME spans (detections carry no raw text)."""
    record = Record(LOC, Column("message", "text", ValueKind.TEXT), (text,))
    return {d.digest for d in detector.detect(record, ()) if d.entity == "USERNAME" and d.score >= 0.8}


@pytest.mark.parametrize(
    ("line", "user"),
    [
        ("imago sshd[28732]: Failed password for oskar from 203.0.113.9 port 4 ssh2", "oskar"),
        ("sshd[31602]: Failed password for invalid user mlind from 198.51.100.7 port 50273 ssh2", "mlind"),
        ("sshd[13709]: error: PAM: Authentication failure for priya1374 from 192.0.2.44", "priya1374"),
        ("sshd[1]: Accepted publickey for ingrid from 192.0.2.8 port 5 ssh2", "ingrid"),
        ("sshd[9]: Invalid user tobias from 192.0.2.3", "tobias"),
        ("sshd[9]: pam_unix(sshd:session): session opened for user leila by (uid=0)", "leila"),
        ("vsftpd: authentication failure; uid=0 euid=0 tty=ftp ruser=an8767 rhost=192.0.2.1", "an8767"),
        ("proftpd: (pam_unix) authentication failure; logname= uid=0 tty= ruser= rhost=192.0.2.1  user=mark",
         "mark"),
        ("mysqld: [Warning] Access denied for user 'hacker'@'192.0.2.50' (using password: YES)", "hacker"),
        ('[error] 2865#0: *66647 user "xyz": password mismatch, client: 192.0.2.6', "xyz"),
        ("[error] [client 192.0.2.7] user dsfasdf not found: /", "dsfasdf"),
        ("proftpd[17424] host (::ffff:192.0.2.4): USER god: no such user found from", "god"),
        ("vsftpd[1658]: [casimir] FAIL LOGIN: Client \"192.0.2.9\"", "casimir"),
        ("op=login acct=\"solveig\" exe=\"/usr/sbin/sshd\"", "solveig"),
        (r"Target: HKU\S-1-5-21-3786818125-2382361537-3207726629-1104\Software\Microsoft",
         "S-1-5-21-3786818125-2382361537-3207726629-1104"),
        (r"TargetFilename: C:\Users\pippin\AppData\Local\Temp\x.ps1", "pippin"),
    ],
)
def test_the_user_an_authentication_line_names(presidio, line, user):
    assert _users(presidio, line) == {digest(user)}


@pytest.mark.parametrize(
    "line",
    [
        "sshd[31602]: Failed password for invalid user ROOT from 198.51.100.7 port 50273 ssh2",
        "sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2",
        "Fri Jan 19 12:20:33 2007 [pid 27202] [anonymous] FAIL LOGIN: Client \"192.0.2.2\"",
        "op=login acct=28756E6B6E6F776E207573657229 exe=\"/usr/sbin/sshd\"",
        "Access denied for user 'root'@'192.0.2.5' (using password: NO)",
        "[client 192.0.2.7] user was not found: /",
        "waiting for data from the upstream server",
        r"\REGISTRY\MACHINE\SYSTEM\ControlSet001\Control\Lsa",
        r'"C:\windows\system32\cmd.exe" /C schtasks /create',
        "User: NT AUTHORITY\\SYSTEM",
        r"C:\Users\Public\Documents\readme.txt",
        "SID S-1-5-21-3786818125-2382361537-3207726629-512 is the domain admins group",
        r"{\\rtf1\\ansi {\\fonttbl {\\f0 Times\\fs24 Arial;}}",
    ],
)
def test_system_accounts_placeholders_and_prose_name_no_user(presidio, line):
    assert not _users(presidio, line)


@pytest.mark.parametrize("name", ["RestrictedSidCount", "caches.http_cache.hit.bytes", "phone_count",
                                  "session_duration", "body_length"])
def test_a_measure_names_no_entity(name):
    assert is_measure(name) and not name_hits(Column(name, "X", ValueKind.NUMBER))


WINDOWS_FIELDS = ["HandleId", "TargetHandleId", "TransactionId", "IpPort", "DestinationIsIpv6",
                  "DestinationPort", "RemoteUserID", "UserContext"]


@pytest.mark.parametrize("name", WINDOWS_FIELDS)
def test_windows_event_fields_that_are_no_identifiers(name):
    assert not [h for h in name_hits(Column(name, "X", ValueKind.TEXT)) if h.strong]


STILL_NAMED = [("SubjectUserSid", "USERNAME"), ("ruser", "USERNAME"), ("User", "USERNAME"),
               ("salary_total", "FINANCIAL_TRANSACTION")]


@pytest.mark.parametrize(("name", "entity"), STILL_NAMED)
def test_fields_that_still_name_their_entity(name, entity):
    assert entity in {h.entity for h in name_hits(Column(name, "X", ValueKind.TEXT)) if h.strong}
