import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from torg.estate import services


def png(name="photo.png", colour=(200, 30, 30)):
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def survey(tenant, admin_user, building):
    """A draft survey of the test building with four graded parts: 23 TG2, 26 TG3, 31 TG1, 43 TG2."""
    s = services.survey_create(actor=admin_user, tenant=tenant, building=building, surveyed_on=dt.date(2026, 5, 14),
                               surveyor="Takst AS")
    for code, tg, kg, measure, cost, year in (("23", 2, 2, "Skifte kledning", 450000, 2028),
                                              ("26", 3, 3, "Nytt tak", 1200000, 2027),
                                              ("31", 1, 1, "", None, None),
                                              ("43", 2, 1, "Nytt sikringsskap", 80000, 2029)):
        services.part_add(actor=admin_user, survey=s, ns_code=code, condition_grade=tg, consequence_grade=kg,
                          measure=measure, measure_cost=cost, measure_year=year)
    return s


@pytest.fixture
def approved(survey, admin_user):
    return services.survey_set_status(actor=admin_user, survey=survey, status="approved")
