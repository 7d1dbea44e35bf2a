"""Setting up a new tenant: each app's defaults for a municipality, as one explicit step.

An app that gives every tenant data of its own (the reuse inventory's category list, the impact
reports' factor library) registers a set-up function in its `AppConfig.ready()`:

    from torg.core.tenancy import register_tenant_setup
    register_tenant_setup("reuse", services.category_seed_defaults)

`accounts.services.tenant_create` calls `tenant_setup(tenant)` in its transaction, so every way of
creating a tenant (the demo, the benchmarks, the tests' fixtures) gets the same set-up, and
`manage.py tenant_setup` runs it again for every existing tenant (after adding an app). Each
function takes `tenant=` and must be idempotent: it adds only what the tenant does not have yet.

Order: the functions run in the order of their app labels (alphabetical), not in the order of
`INSTALLED_APPS` or of registration. A function that needs another app's set-up first calls that
app's service itself (it is idempotent), e.g. the factor library seeds the categories it describes.
`core` knows no app: the registry holds plain functions, and the lower layers never import the
apps that register.
"""

from collections.abc import Callable

_SETUP: dict[str, Callable] = {}


def register_tenant_setup(app_label: str, setup: Callable) -> None:
    """Register `setup(tenant=...)` as `app_label`'s part of a new tenant's set-up (one per app;
    registering again replaces it, so a repeated `ready()` is harmless)."""
    _SETUP[app_label] = setup


def tenant_setup_steps() -> list[tuple[str, Callable]]:
    """The registered set-up functions in the order they run."""
    return sorted(_SETUP.items())


def tenant_setup(tenant) -> dict[str, object]:
    """Run every app's set-up for `tenant`, in order; returns each app's result by app label."""
    return {label: setup(tenant=tenant) for label, setup in tenant_setup_steps()}
