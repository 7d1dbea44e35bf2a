"""A new tenant's set-up runs every registered app function, in a fixed order."""

from types import SimpleNamespace

import pytest

from torg.core import tenancy


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(tenancy, "_SETUP", {})
    return tenancy


def test_setup_runs_in_app_label_order_not_registration_order(registry):
    calls = []
    registry.register_tenant_setup("zoo", lambda *, tenant: calls.append(("zoo", tenant.pk)) or 2)
    registry.register_tenant_setup("alpha", lambda *, tenant: calls.append(("alpha", tenant.pk)) or 1)
    assert registry.tenant_setup(SimpleNamespace(pk=7)) == {"alpha": 1, "zoo": 2}
    assert calls == [("alpha", 7), ("zoo", 7)]


def test_registering_again_replaces(registry):
    registry.register_tenant_setup("alpha", lambda *, tenant: "old")
    registry.register_tenant_setup("alpha", lambda *, tenant: "new")
    assert registry.tenant_setup(SimpleNamespace(pk=1)) == {"alpha": "new"}


def test_the_installed_apps_register_their_setup():
    assert [label for label, _setup in tenancy.tenant_setup_steps()] == [
        "projects",
        "reuse",
        "reuse_impact",
    ]
