import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from torg.booking import services

from .conftest import at


def test_conflict_message_and_pages_in_norwegian(client_for, citizen, employee, resource, settings):
    services.booking_create(actor=employee, tenant=resource.tenant, resource=resource, start=at(1, 10), end=at(1, 11))
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=at(1, 10),
                                end=at(1, 11))
    assert "er allerede booket" in exc.value.messages[0]
    settings.LANGUAGE_CODE = "nb"
    html = client_for(citizen).get(reverse("booking:home")).content.decode()
    assert "Book et rom" in html and "Mine bookinger" in html
