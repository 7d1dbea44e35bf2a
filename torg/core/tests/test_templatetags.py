"""Number formatting and query-string helpers shared by every template."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from torg.core.templatetags.torg import area, intspace


@pytest.mark.parametrize("value", [None, ""])
def test_missing_values_show_a_dash(value):
    assert area(value) == "–" and intspace(value) == "–"


def test_area_groups_thousands_in_norwegian_and_english():
    with translation.override("nb"):
        assert area(Decimal("37700.0")) == "37\u202f700 m²"
        assert intspace(125000) == "125\u202f000"
    with translation.override("en"):
        assert area(37700) == "37,700 m²"
    assert area(0) == "0 m²"


@pytest.mark.parametrize("query, kwargs, expected", [
    ("", {"page": 2}, "?page=2"),
    ("q=skole&page=3", {"page": 4}, "?q=skole&amp;page=4"),
    ("q=skole&page=3", {"page": ""}, "?q=skole"),
    ("page=3", {"page": None}, "?"),
    ("q=a%26b", {"page": 2}, "?q=a%26b&amp;page=2"),
])
def test_querystring_with(query, kwargs, expected):
    request = RequestFactory().get("/places/?" + query)
    args = " ".join(f"{k}={v!r}" if v is not None else f"{k}=None" for k, v in kwargs.items())
    rendered = Template("{% load torg %}{% querystring_with " + args + " %}").render(Context({"request": request}))
    assert rendered == expected
