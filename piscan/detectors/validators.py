"""Checksums and format checks for recognizers whose patterns alone would over-match."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable


def luhn(text: str) -> bool:
    """Luhn mod-10 check (IMEI, payment cards)."""
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) < 2:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"


def cn_resident_id(text: str) -> bool:
    """GB 11643-1999 check digit of an 18-character Chinese resident identity number."""
    value = text.strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _CN_WEIGHTS, strict=True))
    return _CN_CHECK[total % 11] == value[17]


def de_tax_id(text: str) -> bool:
    """German Steuer-IdNr: 11 digits, ISO 7064 MOD 11,10 check digit, one digit repeated 2-3 times."""
    digits = [c for c in text if c.isdigit()]
    if len(digits) != 11 or digits[0] == "0":
        return False
    counts = sorted((digits[:10].count(d) for d in set(digits[:10])), reverse=True)
    if counts[0] not in (2, 3) or (counts[0] == 3 and counts.count(3) > 1):
        return False
    product = 10
    for d in digits[:10]:
        total = (int(d) + product) % 10 or 10
        product = (total * 2) % 11
    check = (11 - product) % 10
    return check == int(digits[10])


# Issuer identification number prefixes and the lengths each network issues (ISO/IEC 7812):
# a Luhn-valid number of another length is an IMEI, an EAN or a serial, not a card.
_CARD_LENGTHS: tuple[tuple[tuple[str, ...], frozenset[int]], ...] = (
    (("34", "37"), frozenset({15})),
    (("300", "301", "302", "303", "304", "305", "36", "38", "39"), frozenset({14, 16})),
    (("4",), frozenset({13, 16, 19})),
    (tuple(str(p) for p in range(51, 56)) + tuple(str(p) for p in range(2221, 2721)), frozenset({16})),
    (("6011", "644", "645", "646", "647", "648", "649", "65"), frozenset({16, 19})),
    (tuple(str(p) for p in range(3528, 3590)), frozenset({16, 19})),
    (("2131", "1800"), frozenset({15})),
    (("62", "81"), frozenset({16, 17, 18, 19})),
    (("50", "56", "57", "58", "6"), frozenset({12, *range(14, 20)})),
)


def payment_card(text: str) -> bool:
    """Luhn check plus a length the card network behind the prefix actually issues."""
    digits = "".join(c for c in text if c.isdigit())
    if not luhn(digits) or (len(digits) == 13 and ean13(digits)):
        return False
    for prefixes, lengths in _CARD_LENGTHS:
        if digits.startswith(prefixes):
            return len(digits) in lengths
    return False


def ean13(digits: str) -> bool:
    """GS1 EAN-13 check digit: product barcodes, which Luhn alone mistakes for 13-digit cards."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return len(digits) == 13 and (10 - total % 10) % 10 == int(digits[12])


def imei(text: str) -> bool:
    """15 digits with a Luhn check digit that no card network issues at that length."""
    digits = "".join(c for c in text if c.isdigit())
    return len(digits) == 15 and luhn(digits) and not payment_card(digits)


def aba_routing(text: str) -> bool:
    """US ABA routing number: 3-7-1 weighted checksum, first two digits a Federal Reserve range."""
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) != 9 or int(digits[:2]) not in (*range(0, 13), *range(21, 33), *range(61, 73), 80):
        return False
    weights = (3, 7, 1) * 3
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


def fr_nir(text: str) -> bool:
    """French social security number (NIR): 13 digits and a key of 97 minus their value mod 97."""
    value = re.sub(r"\s", "", text).upper()
    if len(value) != 15 or value[0] not in "12":
        return False
    body = value[:13].replace("2A", "19").replace("2B", "18")
    return body.isdigit() and value[13:].isdigit() and 97 - int(body) % 97 == int(value[13:])


_NUMBER = re.compile(r"-?\d{1,3}(?:\.\d+)?")


def lat_lon(text: str) -> bool:
    """A latitude/longitude pair in range and away from (0, 0), which is open sea."""
    numbers = [float(n) for n in _NUMBER.findall(text)[:2]]
    if len(numbers) != 2:
        return False
    lat, lon = numbers
    if text.lstrip().upper().startswith("POINT"):
        lat, lon = lon, lat  # WKT puts x (longitude) first
    return abs(lat) <= 90 and abs(lon) <= 180 and (abs(lat) >= 1 or abs(lon) >= 1)


def ip_address(text: str) -> bool:
    """An address that can stand for a host someone used: not loopback, unspecified, multicast,
    a broadcast or netmask (255.x) or 0.x (this network). Documentation ranges stay: examples
    and test data are written in them as real addresses would be."""
    try:
        address = ipaddress.ip_interface(text.strip()).ip
    except ValueError:
        return False
    if address.is_loopback or address.is_unspecified or address.is_multicast:
        return False
    return not (address.version == 4 and str(address).split(".")[0] in ("0", "255"))


# Links to software artefacts and documentation, not pages a person's visit is recorded by:
# downloads (archives, packages, installers, signatures), source files in a repository, build
# and CI job pages, package registries, documentation trees.
_ARTEFACT_PATH = re.compile(
    r"\.(?:zip|tar|tgz|gz|bz2|xz|7z|whl|egg|deb|rpm|apk|jar|war|exe|msi|dmg|pkg|iso|img|bin|sig|asc"
    r"|sha256|sha512|md5|sh|ps1|py|rb|go|rs|c|h|cpp|java|js|ts|json|ya?ml|toml|conf|cfg|ini|md|rst|txt)$"
    r"|/(?:blob|raw|tree|releases|archive|commit|commits|tags|-/blob|-/raw|-/archive|-/jobs)/"
    r"|/job/[^/]+/\d+|/actions/runs/\d+|/builds?/\d+"
    r"|/(?:docs?|documentation|guide|guides|manual|reference|api-docs)/",
    re.IGNORECASE,
)
_ARTEFACT_HOST = re.compile(
    r"^(?:raw\.githubusercontent\.com|objects\.githubusercontent\.com|codeload\.github\.com"
    r"|files\.pythonhosted\.org|pypi\.org|registry\.npmjs\.org|repo1?\.maven\.org|crates\.io"
    r"|(?:docs?|downloads?|dl|artifacts?|releases?|mirror|mirrors|packages|archive|ci|jenkins|build)\.[\w.-]+"
    r"|[\w-]+\.readthedocs\.io)$",
    re.IGNORECASE,
)


def browsing_url(text: str) -> bool:
    """A URL that can be a page someone visited: not a download, a source file, a build page or
    documentation (a README's links and a log's artefact URLs are not browsing history)."""
    from urllib.parse import urlsplit

    raw = text.strip().rstrip(".,;:)]}>'\"")
    try:
        parts = urlsplit(raw if "://" in raw else f"http://{raw}")
        host = (parts.hostname or "").lower()
    except ValueError:
        return True
    return not (_ARTEFACT_HOST.match(host) or _ARTEFACT_PATH.search(parts.path))


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
    "payment_card": payment_card,
    "imei": imei,
    "cn_resident_id": cn_resident_id,
    "de_tax_id": de_tax_id,
    "aba_routing": aba_routing,
    "fr_nir": fr_nir,
    "lat_lon": lat_lon,
    "ip_address": ip_address,
    "browsing_url": browsing_url,
}
