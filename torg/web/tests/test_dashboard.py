"""The start page leads each role to what it may use, and only there."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _cards(client):
    body = client.get(reverse("web:dashboard")).content.decode()
    if "torg-plain-list" not in body:
        return ""
    return body.split('<ul class="torg-cards torg-plain-list">', 1)[1].split("</ul>", 1)[0]


def test_citizen_is_led_to_booking_not_to_staff_pages(citizen, client_for):
    cards = _cards(client_for(citizen))
    assert reverse("booking:home") in cards
    assert reverse("places:building_list") not in cards and reverse("accounts:settings") not in cards


def test_property_manager_is_led_to_places_and_administration(property_manager, client_for):
    cards = _cards(client_for(property_manager))
    assert reverse("places:building_list") in cards and reverse("accounts:settings") in cards


def test_user_without_municipality_gets_an_explanation_and_no_links(django_user_model, client_for):
    user = django_user_model.objects.create_user(username="ny", password="correct-horse-42")
    from django.conf import settings

    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("web:dashboard")).content.decode()
    assert "torg-plain-list" not in body
    assert "Ask an administrator to give you access." in body
