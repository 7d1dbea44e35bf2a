"""One support per person, kept by the database under concurrent requests (SQLite and PostgreSQL)."""

import pytest

from torg.core.testing import file_database, in_thread, race
from torg.participation import services
from torg.participation.models import Support

THREADS = 30


@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_supports_by_one_person_give_exactly_one(idea, tmp_path):
    with file_database(tmp_path):
        results = race(lambda i: services.support_add(item=idea, participant="u:42"), THREADS)
        count = in_thread(lambda: Support.objects.filter(input=idea).count())
    assert [r for r in results if not isinstance(r, bool)] == []  # no errors, only True/False
    assert results.count(True) == 1 and results.count(False) == THREADS - 1
    assert count == 1
