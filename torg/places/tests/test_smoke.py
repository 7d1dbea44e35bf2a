import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_building_detail_shows_floors_rooms_and_totals(client_for, employee, building):
    response = client_for(employee).get(reverse("places:building_detail", args=[building.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Testhuset" in body and "Klasserom" in body
    assert "1001" in body  # building number


@pytest.mark.django_db
def test_other_tenant_building_is_404(client_for, other_admin, building):
    response = client_for(other_admin).get(reverse("places:building_detail", args=[building.pk]))
    assert response.status_code == 404
