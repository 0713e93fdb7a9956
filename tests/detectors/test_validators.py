"""Checksums that keep pattern recognizers honest."""

from __future__ import annotations

from piscan.detectors.validators import cn_resident_id, de_tax_id, luhn


def test_luhn():
    assert luhn("4111 1111 1111 1111")
    assert luhn("490154203237518")  # an IMEI from the GSMA examples
    assert not luhn("4111 1111 1111 1112")


def test_cn_resident_id_check_digit():
    assert cn_resident_id("11010519491231002X")
    assert not cn_resident_id("110105194912310021")
    assert not cn_resident_id("11010519491231002")


def test_de_tax_id():
    assert de_tax_id("86095742719")  # the Federal Central Tax Office's example
    assert not de_tax_id("86095742718")
    assert not de_tax_id("12345678901")  # no repeated digit
