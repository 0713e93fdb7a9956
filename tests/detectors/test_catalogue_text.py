"""Catalogue text is not people: titles, product names, genres and text in other languages
yield no PERSON, while lists of names, name columns and generic columns of names still do."""

from __future__ import annotations

import random

import pytest
from column_findings import column_findings

from piscan.detectors.presidio import PresidioDetector, build_engine
from piscan.detectors.shapes import covers_value, foreign_language, is_list, is_prose


@pytest.fixture(scope="module")
def presidio() -> PresidioDetector:
    return PresidioDetector(build_engine())


RNG = random.Random(7)
FIRST = ["Amelia", "Oskar", "Priya", "Mateo", "Ingrid", "Tobias", "Leila", "Rupert", "Noor", "Casimir",
         "Fenna", "Dario", "Maren", "Idris", "Solveig", "Anselm", "Yara", "Lorcan", "Elif", "Benedikt"]
LAST = ["Halloran", "Verhoeven", "Castellanos", "Okonkwo", "Lindqvist", "Marchetti", "Abernathy",
        "Szymanski", "Delacroix", "Thorsen", "Baptiste", "Kowalczyk", "Ferreira", "Nakagawa", "Brennan"]


def _person() -> str:
    return f"{RNG.choice(FIRST)} {RNG.choice(LAST)}"


def test_product_names_named_for_their_makers_are_no_people(presidio):
    goods = ["Organic Dried Pears", "Cajun Seasoning", "Marmalade", "Gumbo Mix", "Smoked Herring",
             "Chocolate Biscuits", "Hot Pepper Sauce", "Clam Chowder", "Crab Meat", "Spiced Tea"]
    titles = ["Uncle", "Chef", "Grandma", "Sir", "Aunt", "Mother", "Captain"]
    products = [f"{RNG.choice(titles)} {RNG.choice(FIRST)}'s {RNG.choice(goods)}" for _ in range(80)]
    assert "PERSON" not in column_findings(presidio, "product_name", products)
    assert "PERSON" not in column_findings(presidio, "description", products)  # not named: the values


def test_film_and_album_titles_are_no_people(presidio):
    # biopics and albums named for their hero: a title that is a name is still a title
    shapes = ["{f} {l}", "The {f} {l} Story", "Becoming {f} {l}", "{f} {l} and the Lost City",
              "Dear {f} {l}", "{f} {l}: Live"]
    titles = [RNG.choice(shapes).format(f=f, l=last) for f in FIRST for last in LAST]
    titles += [f"Night Train {n}" for n in range(60)] + [f"Ocean Drive Vol. {n}" for n in range(60)]
    assert "PERSON" not in column_findings(presidio, "title", titles)
    assert "PERSON" not in column_findings(presidio, "album", titles)
    genres = ["Comedies, International Movies", "Dramas, Romantic Movies", "Documentaries",
              "Kids' TV, Korean TV Shows", "Thrillers, Independent Movies"] * 12
    assert "PERSON" not in column_findings(presidio, "listed_in", genres)


def test_foreign_language_free_text_is_no_people(presidio):
    german = ["Die Lieferung kam {d} Tage zu spät und das Paket war beschädigt",
              "Sehr freundlicher Service, die Ware ist gut verpackt und schnell da",
              "Leider passt die Größe nicht, ich schicke das Kleid mit der Post zurück"]
    spanish = ["El pedido llegó con {d} días de retraso pero el producto es muy bueno",
               "No me gustó la calidad del material, se rompió en una semana"]
    reviews = [RNG.choice(german + spanish).format(d=RNG.randint(2, 9)) for _ in range(90)]
    assert "PERSON" not in column_findings(presidio, "review", reviews)
    assert foreign_language(german[1]) and not foreign_language("Please call Mr. Brennan about the parcel")


def test_lists_of_names_and_name_columns_are_still_people(presidio):
    cast = [", ".join(_person() for _ in range(RNG.randint(3, 7))) for _ in range(60)]
    assert "PERSON" in column_findings(presidio, "cast_members", cast)
    assert "PERSON" in column_findings(presidio, "director", [_person() for _ in range(60)])
    assert "PERSON" in column_findings(presidio, "field_c", [_person() for _ in range(60)])


def test_a_name_covers_its_list_item_but_not_a_title():
    cast = "Amelia Halloran, Oskar Verhoeven, Priya Castellanos"
    assert is_list(cast) and not is_prose(cast)
    assert covers_value(cast, cast.index("Oskar"), cast.index("Oskar") + len("Oskar Verhoeven"))
    product = "Uncle Oskar's Organic Dried Pears"
    assert not covers_value(product, 6, 11)
    assert covers_value("Please call Oskar Verhoeven tomorrow", 12, 27)  # a sentence, not a title
