"""Technical strings are not people: versions and OIDs are no IP addresses, counters in system
logs no phone numbers, firmware and product strings no device of a person, build and download
links no browsing history."""

from __future__ import annotations

import pytest

from piscan.detectors.presidio import PresidioDetector, build_engine
from piscan.detectors.validators import ip_address
from piscan.model import Column, Location, Record, ValueKind

LOC = Location("files", ("README.md",))


@pytest.fixture(scope="module")
def presidio() -> PresidioDetector:
    return PresidioDetector(build_engine())


def _scores(detector: PresidioDetector, text: str, entity: str, context: tuple[str, ...] = ()) -> float:
    record = Record(LOC, Column("content", "text", ValueKind.TEXT), (text,))
    return max((d.score for d in detector.detect(record, context) if d.entity == entity), default=0.0)


@pytest.mark.parametrize(
    "text",
    [
        "Tested with Elasticsearch version 6.0.1.2 and Kibana 6.0",
        "Requires OpenSSL version: 1.0.2.11 or later",
        "enterprise OID 1.3.6.1.4.1.311.21.7 (szOID_CERTIFICATE_TEMPLATE)",
        "snmpget -v2c host 1.3.6.1.2.1.1.3.0",
        "upgrade from 10.2.1.4.5 to 10.2.1.5.0",
        "Mozilla/5.0 Chrome/91.0.44.124 Safari/537.36",
        "inet 10.1.2.3 netmask 255.255.255.0 broadcast 10.1.2.255",
        "listening on 0.0.0.0 and 127.0.0.1",
        "firmware 4.2.0.15 installed",
    ],
)
def test_versions_oids_and_masks_are_not_ip_addresses(presidio, text):
    if "10.1.2.3" in text:  # the interface's own address is one; the mask is not
        assert _scores(presidio, "netmask 255.255.255.0", "IP_ADDRESS") == 0.0
        return
    assert _scores(presidio, text, "IP_ADDRESS") == 0.0, text


@pytest.mark.parametrize(
    "text",
    [
        "Failed password for invalid user admin from 85.12.34.56 port 4242 ssh2",
        "[client 172.16.5.9:51234] user bob: authentication failure",
        "10.0.0.5 - - [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 12",
        "connection from 2a02:1810:4d02:9f00::1 closed",
        "blocked 192.168.10.0/24.",
    ],
)
def test_addresses_in_logs_are_still_found(presidio, text):
    assert _scores(presidio, text, "IP_ADDRESS") >= 0.5, text


def test_ip_validator():
    assert ip_address("85.12.34.56") and ip_address("10.0.0.1/8") and ip_address("2a02:1810::1")
    for text in ("127.0.0.1", "0.0.0.0", "255.255.255.0", "224.0.0.251", "::1", "::", "0.1.2.3", "300.1.1.1"):
        assert not ip_address(text), text


@pytest.mark.parametrize(
    "text",
    [
        "type=USER_LOGIN msg=audit(1395573313.530:7391): pid=2871 uid=0 auid=4294967295 ses=4294967295",
        "NOTICE[1234] chan_sip.c: Registration from '<sip:100@10.0.0.2>' failed for '10.0.0.2:5060'",
        'SecurityEvent="InvalidAccountID",RemoteAddress="IPV4/TLS/192.168.10.20/50600"',
        "kernel: eth0: rx 13812345678 bytes, tx 15987654321 bytes",
        "Mar  3 12:00:01 host app[42]: job 13912345678 finished after 1.5s",
    ],
)
def test_numbers_in_system_log_lines_are_not_phone_numbers(presidio, text):
    assert _scores(presidio, text, "PHONE_NUMBER") < 0.4, text


@pytest.mark.parametrize(
    "text",
    [
        "Call to extension 'x' from +44 20 7946 0958 rejected",
        "Customer called from (415) 555-0101 about the order",
        "13812345678",  # a whole value: how Chinese mobiles are stored
    ],
)
def test_phone_numbers_written_as_phones_are_still_found(presidio, text):
    assert _scores(presidio, text, "PHONE_NUMBER") >= 0.4, text


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/tool/blob/master/docs/install.md",
        "https://raw.githubusercontent.com/acme/tool/master/logs/sample.log",
        "https://downloads.example.org/tool/tool-2.4.1.tar.gz",
        "https://ci.example.org/job/tool-release/482/",
        "https://files.pythonhosted.org/packages/ab/cd/tool-1.0-py3-none-any.whl",
        "https://www.example.org/guide/en/tool/6.0/setup.html",
    ],
)
def test_build_download_and_documentation_urls_are_not_browsing_history(presidio, url):
    assert _scores(presidio, f"Download it from {url} and unpack it.", "URL") == 0.0, url


@pytest.mark.parametrize(
    "url", ["http://www.semicomplete.com/blog/geekery/ssl.html", "https://shop.example.com/cart?item=3"]
)
def test_pages_a_person_visits_are_still_urls(presidio, url):
    assert _scores(presidio, url, "URL") >= 0.5


def test_firmware_versions_are_not_device_information(presidio):
    assert _scores(presidio, "4.2.17", "DEVICE_INFO", ("firmware",)) < 0.4
    assert _scores(presidio, "iPhone 13 Pro", "DEVICE_INFO", ("device",)) >= 0.4


def test_a_product_sheet_naming_systems_is_not_a_persons_device(tmp_path):
    from tests.files.helpers import scan_result

    sheet = [
        "The ergonomic keyboard has full travel keys and quiet switches, and it comes with a long cable."
    ] * 12
    sheet[3] = "It works with Windows 10 and with macOS 12 out of the box, so no drivers are needed at all."
    sheet[7] = "Owners of a ThinkPad X1 can keep using the function keys they know from the laptop."
    sheet[9] = "The media keys also work on Ubuntu 22.04 and on Android 13 tablets with a USB adapter."
    (tmp_path / "keyboard_3106.txt").write_text("\n".join(f"{line} ({i})" for i, line in enumerate(sheet)))
    result = scan_result(tmp_path, jobs=1)
    assert not [f for f in result.findings if f.entity == "DEVICE_INFO"]
