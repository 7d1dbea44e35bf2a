import pytest

from torg.projects import services
from torg.projects.models import ProjectModel


@pytest.fixture
def building_model(tenant):
    """The building project model every municipality gets (BP1 … BP4)."""
    return ProjectModel.objects.get(tenant=tenant, key="byggeprosjekt")


@pytest.fixture
def pvv_model(tenant):
    return ProjectModel.objects.get(tenant=tenant, key="prosjektveiviseren")


@pytest.fixture
def project(tenant, admin_user, property_manager, employee, building_model, building):
    """A building project in its early phase: owner = the admin, manager = the property manager,
    the employee in the steering group, linked to the test building."""
    return services.project_create(actor=admin_user, tenant=tenant, name="Nye Flytårnet skole", model=building_model,
                                   owner=admin_user, manager=property_manager, steering_group=[employee],
                                   buildings=[building], cost_frame=450_000_000, steering_frame=400_000_000,
                                   finance_number="INV-4711")


def bp(project, code):
    return project.decisions.get(gate__code=code)


def meet_all(decision, actor, *, but=()):
    """Meet every item of a decision (the document items by writing the document) except `but`."""
    for item in decision.items.select_related("gate_item"):
        if item.gate_item.text in but or item.state != "open":
            continue
        if item.gate_item.document_kind:
            services.document_save(actor=actor, project=decision.project, kind=item.gate_item.document_kind,
                                   sections={"background": "Behovet er dokumentert."})
        else:
            services.decision_item_meet(actor=actor, item=item, evidence="Vedlagt")
