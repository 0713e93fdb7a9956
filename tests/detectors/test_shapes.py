"""Value shapes: machine-made forms and prose, which aggregation weighs against names."""

from __future__ import annotations

import pytest

from piscan.detectors.shapes import is_prose, shape_of


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("550e8400-e29b-41d4-a716-446655440000", "uuid"),
        ("d41d8cd98f00b204e9800998ecf8427e", "digest"),
        ("71:57:93:5B:48:2F:3B:DF:AE:E3:9D:28:FC:99:CC:1D:A6:EE:DF:C6", "colon_digest"),
        ("0x7ffd5e8a", "hex_address"),
        ("v2.14.3", "version"),
        ("2026-01-05T10:22:33Z", "timestamp"),
        ("978-3-16-148410-0", "isbn"),
        ("anna.meyer@example.org", None),
        ("Jean-Luc Picard", None),
        ("1985-04-02", None),  # a bare date may be a birth date
    ],
)
def test_shape_of(value, shape):
    assert shape_of(value) == shape


def test_prose():
    assert is_prose("Customer Joshua Wood called from +1 212 555 0187 about his invoice.")
    assert is_prose("客户唐建华来电18697919074，咨询退款事宜。")
    assert not is_prose("4759 William Haven Apt. 194")
    assert not is_prose("商软冠联信息有限公司")
