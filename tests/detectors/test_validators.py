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


def test_payment_card_needs_a_length_its_network_issues():
    from piscan.detectors.validators import payment_card

    assert payment_card("4111 1111 1111 1111")
    assert payment_card("3782 822463 10005")  # Amex, 15 digits
    assert not payment_card("490154203237518")  # a Luhn-valid IMEI is no card
    assert not payment_card("4006381333931")  # a Luhn-valid EAN-13 barcode is no card either


def test_imei_aba_nir_and_coordinates():
    from piscan.detectors.validators import aba_routing, fr_nir, imei, lat_lon

    assert imei("490154203237518") and not imei("490154203237519")
    assert aba_routing("011000015") and not aba_routing("011000016")
    assert fr_nir("292016748222857") and not fr_nir("292016748222858")
    assert lat_lon("52.520008, 13.404954") and lat_lon("POINT(13.404954 52.520008)")
    assert not lat_lon("-0.226071,0.698425")  # (0, 0) is open sea: accelerometer readings
    assert not lat_lon("95.1, 13.4")
