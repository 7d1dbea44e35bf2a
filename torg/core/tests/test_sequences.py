"""Per-tenant sequence numbers: unique, increasing, independent across tenants."""

import pytest

from torg.core.sequences import next_label, next_number
from torg.core.testing import file_database, in_thread, race


def test_numbers_increase_per_tenant_and_key(tenant):
    assert [next_number(tenant, "M") for _ in range(5)] == [1, 2, 3, 4, 5]
    assert next_number(tenant, "R") == 1  # another key starts afresh
    assert next_label(tenant, "M") == "M-000006"


def test_tenants_have_independent_sequences(tenant, other_tenant):
    assert next_number(tenant, "M") == 1
    assert next_number(tenant, "M") == 2
    assert next_number(other_tenant, "M") == 1
    assert next_number(tenant, "M") == 3
    assert next_number(other_tenant, "M") == 2


def test_reserving_a_block_returns_its_first_number(tenant):
    assert next_number(tenant, "M", count=10) == 1
    assert next_number(tenant, "M") == 11
    assert next_number(tenant, "M", count=3) == 12
    assert next_number(tenant, "M") == 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_share_a_number(tenant, tmp_path):
    """Eight threads reserve numbers at once, on SQLite (a file database with the production
    settings) and on PostgreSQL; every number is handed out exactly once."""

    def work(i):
        return [next_number(tenant, "T") for _ in range(10)] + [next_number(tenant, "T", count=5)]

    with file_database(tmp_path):
        outcomes = race(work, 8)
        last = in_thread(lambda: next_number(tenant, "T"))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    singles = [n for o in outcomes for n in o[:10]]
    blocks = [range(o[10], o[10] + 5) for o in outcomes]
    handed_out = sorted(singles + [n for block in blocks for n in block])
    assert handed_out == list(range(1, 8 * 15 + 1))
    assert last == 8 * 15 + 1
