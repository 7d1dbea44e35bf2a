import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from torg.reuse import importer, services, tasks
from torg.reuse.models import ImportJob, Item, Label, Product

pytestmark = pytest.mark.django_db

HEADER = "building;room_number;placement;category;manufacturer;model;colour;condition;status;quantity;code\n"


def _csv(body):
    return SimpleUploadedFile("inventar.csv", (HEADER + body).encode("utf-8"))


def test_plan_reports_bad_rows_and_writes_nothing(tenant, building):
    plan = importer.plan_import(tenant=tenant, upload=_csv(
        "1001;0.01;vindu;task_chair;HÅG;Capisco;Svart;1;in_use;3;\n"
        "Testhuset;9.99;;task_chair;;;;;;1;\n"
        "1001;;;flying_carpet;;;;7;stolen;0;\n"))
    assert plan.counts["valid_rows"] == 1 and plan.counts["items"] == 3
    by_line = {}
    for e in plan.errors:
        by_line.setdefault(e.line, set()).add(e.column)
    assert by_line == {3: {"room_number"}, 4: {"category", "condition", "status", "quantity"}}
    assert not Item.objects.exists() and not Product.objects.exists()


def test_apply_refuses_file_with_errors_then_imports_valid_rows_only(tenant, admin_user, building):
    data = ("1001;0.01;vindu;task_chair;HÅG;Capisco;Svart;1;in_use;3;\n"
            "Testhuset;9.99;;task_chair;;;;;;1;\n")
    with pytest.raises(importer.ImportRefused):
        importer.apply_import(actor=admin_user, tenant=tenant, upload=_csv(data))
    assert not Item.objects.exists()
    importer.apply_import(actor=admin_user, tenant=tenant, upload=_csv(data), valid_rows_only=True)
    assert Item.objects.filter(placement_text="vindu", room__number="0.01").count() == 3


def test_import_claims_pre_printed_code(tenant, admin_user, building):
    label = services.label_batch_create(actor=admin_user, tenant=tenant, count=1)[0]
    importer.apply_import(actor=admin_user, tenant=tenant, upload=_csv(
        f"1001;;;desk;;;;0;available;1;{label.code.lower()}\n"))
    item = Item.objects.get()
    assert item.code == label.code and Label.objects.get().item == item


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run at enqueue (the ImmediateBackend), not inline: the enqueue path is exercised."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TORG_TASKS_INLINE = False


def test_import_over_http_preview_then_confirm(client_for, admin_user, building, immediate_tasks):
    c = client_for(admin_user)
    assert c.get(reverse("reuse:import_template")).status_code == 200
    bad = _csv("1001;0.01;;task_chair;;;;1;;2;\n1001;;;nope;;;;;;1;\n")
    r = c.post(reverse("reuse:import"), {"file": bad})
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("reuse:import_job", args=[job.pk])
    assert job.status == ImportJob.Status.READY and job.total_rows == job.processed_rows == 2
    assert job.errors == [{"line": 3, "column": "category", "message": "Ukjent kategori «nope»."}]
    r = c.get(r["Location"])
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="import-errors"' in body and "nope" in body
    assert 'hx-trigger="every 1s"' not in body  # finished checking: no more polling
    assert not Item.objects.exists()
    # confirming a file with errors without "valid rows only" is refused; nothing is written
    r = c.post(reverse("reuse:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert r.status_code == 302 and job.status == ImportJob.Status.READY and not Item.objects.exists()
    r = c.post(reverse("reuse:import_job_confirm", args=[job.pk]), {"valid_rows_only": "1"})
    job.refresh_from_db()
    assert r.status_code == 302 and job.status == ImportJob.Status.DONE and Item.objects.count() == 2
    assert job.counts["items"] == 2 and bytes(job.data) == b"" and job.finished_at is not None
    done_page = c.get(r["Location"]).content.decode()
    assert 'data-testid="import-summary"' in done_page and "every 1s" not in done_page
    # a second confirm does nothing
    c.post(reverse("reuse:import_job_confirm", args=[job.pk]), {"valid_rows_only": "1"})
    assert Item.objects.count() == 2


def test_queued_job_page_polls_with_progress_until_ready(client_for, admin_user, building, settings):
    """With the database backend and no worker the job waits; the page polls and shows a labelled
    <progress>; a worker (here: the task called directly) makes it ready."""
    settings.TORG_TASKS_INLINE = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    c = client_for(admin_user)
    r = c.post(reverse("reuse:import"), {"file": _csv("1001;0.01;;task_chair;;;;1;;2;\n")})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    page = c.get(r["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and '<label class="ds-label" for="import-progress">' in page
    assert 'id="import-progress"' in page and 'aria-live="polite"' in page
    importer.PROGRESS_EVERY, old = 1, importer.PROGRESS_EVERY
    try:
        seen = []
        original = importer._job_progress

        def spy(job):
            inner = original(job)
            return lambda n, total: (seen.append((n, total)), inner(n, total))
        importer._job_progress = spy
        tasks.validate_import.call(job.pk)
    finally:
        importer.PROGRESS_EVERY = old
        importer._job_progress = original
    assert seen[0] == (0, 1) and seen[-1] == (1, 1)
    partial = c.get(r["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in partial and 'hx-swap-oob="innerHTML:#import-live"' in partial
    assert 'data-testid="import-summary"' in partial and "import-progress" not in partial
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING, processed_rows=1, total_rows=4)
    partial = c.get(r["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'max="4" value="1"' in partial and "(25 %)" in partial and "every 1s" in partial
    # writing: first the second check with its progress, then the save (no measurable progress)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, processed_rows=3, total_rows=4)
    partial = c.get(r["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'max="4" value="3"' in partial and "(75 %)" in partial and "every 1s" in partial
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=4)
    partial = c.get(r["Location"], headers={"HX-Request": "true"}).content.decode()
    assert '<progress id="import-progress" data-testid="import-progress"></progress>' in partial
    assert "every 1s" in partial


def test_inline_setting_runs_tasks_in_the_request(client_for, admin_user, building, settings):
    settings.TORG_TASKS_INLINE = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    c = client_for(admin_user)
    r = c.post(reverse("reuse:import"), {"file": _csv("1001;0.01;;task_chair;;;;1;;2;\n")})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY
    c.post(reverse("reuse:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Item.objects.count() == 2


def test_unreadable_file_fails_the_job(client_for, admin_user, building, immediate_tasks):
    c = client_for(admin_user)
    r = c.post(reverse("reuse:import"), {"file": SimpleUploadedFile("x.csv", b"foo;bar\n1;2\n")})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and "bygg, kategori" in job.message  # the columns in the UI language
    assert job.message in c.get(r["Location"]).content.decode()


def test_apply_checks_again_and_refuses_new_errors(client_for, admin_user, building, tenant, immediate_tasks):
    from torg.reuse.models import Category

    c = client_for(admin_user)
    c.post(reverse("reuse:import"), {"file": _csv("1001;0.01;;task_chair;;;;1;;2;\n")})
    job = ImportJob.objects.get()
    Category.objects.filter(tenant=tenant, key="task_chair").update(archived=True)  # changed meanwhile
    c.post(reverse("reuse:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY and job.refused and job.errors[0]["column"] == "category"
    assert not Item.objects.exists()


def test_import_jobs_are_private_to_uploader_and_tenant(client_for, admin_user, building, make_member, tenant,
                                                        other_admin, immediate_tasks):
    from torg.accounts.models import Membership

    c = client_for(admin_user)
    c.post(reverse("reuse:import"), {"file": _csv("1001;0.01;;task_chair;;;;1;;2;\n")})
    job = ImportJob.objects.get()
    assert job.created_by == admin_user and job.tenant == tenant
    url = reverse("reuse:import_job", args=[job.pk])
    assert client_for(other_admin).get(url).status_code == 404
    lm = make_member(tenant, "lm2", "employee")
    services.reuse_role_set(actor=admin_user, membership=Membership.objects.get(user=lm), role="location_manager",
                            buildings=[building])
    assert client_for(lm).get(url).status_code == 404
    assert client_for(lm).post(reverse("reuse:import_job_confirm", args=[job.pk])).status_code == 404
    assert client_for(make_member(tenant, "obs", "employee")).get(url).status_code == 403


def test_location_manager_cannot_import_into_other_buildings(client_for, tenant, make_member, admin_user, building,
                                                             immediate_tasks):
    from torg.accounts.models import Membership
    from torg.places import services as places

    prop = places.property_create(actor=admin_user, tenant=tenant, gnr=7, bnr=7)
    mine = places.building_create(actor=admin_user, tenant=tenant, property=prop, name="Mitt bygg")
    user = make_member(tenant, "lm", "employee")
    services.reuse_role_set(actor=admin_user, membership=Membership.objects.get(user=user), role="location_manager",
                            buildings=[mine])
    client_for(user).post(reverse("reuse:import"), {"file": _csv("1001;;;desk;;;;;;1;\nMitt bygg;;;desk;;;;;;1;\n")})
    job = ImportJob.objects.get()
    assert [(e["line"], e["column"]) for e in job.errors] == [(2, "building")]


def test_register_rows_in_bulk_writes_history_audit_and_claims(tenant, admin_user, building, rooms, product):
    from torg.core.models import AuditEvent

    first = services.item_register(actor=admin_user, tenant=tenant, product=product, building=building)[0]
    label = services.label_batch_create(actor=admin_user, tenant=tenant, count=1)[0]
    items = services.item_register_rows(actor=admin_user, tenant=tenant, comment="bulk", rows=[
        {"product": product, "room": rooms["0.01"], "count": 3, "placement_text": "vindu", "condition": 2},
        {"product": product, "building": building, "claim_code": label.code.lower(), "status": "available"},
    ])
    assert [i.number for i in items] == ["M-000002", "M-000003", "M-000004", "M-000005"] and first.number == "M-000001"
    assert all(i.building_id == building.pk for i in items) and items[0].room == rooms["0.01"]
    assert items[3].code == label.code and items[3].status == "available" and items[0].condition == 2
    label.refresh_from_db()
    assert label.item_id == items[3].pk and label.claimed_at is not None
    assert AuditEvent.objects.filter(object_type="reuse.item", action="item_create", comment="bulk",
                                     object_id__in=[str(i.pk) for i in items]).count() == 4


def test_register_rows_refuses_bad_rows_and_writes_nothing(tenant, admin_user, building, product, other_building,
                                                           other_item):
    from django.core.exceptions import ValidationError

    label = services.label_batch_create(actor=admin_user, tenant=tenant, count=1)[0]
    bad = [
        [{"product": product, "building": building, "count": 2, "claim_code": label.code}],
        [{"product": product, "building": building, "claim_code": label.code},
         {"product": product, "building": building, "claim_code": label.code}],
        [{"product": product, "building": building, "claim_code": "ZZZZZZZZZZZZ"}],
        [{"product": product, "building": other_building}],
        [{"product": other_item.product, "building": building}],
        [{"product": product, "building": building, "status": "disposed"}],
        [{"product": product, "building": building, "count": 0}],
    ]
    for rows in bad:
        with pytest.raises(ValidationError):
            services.item_register_rows(actor=admin_user, tenant=tenant, rows=rows)
    assert not Item.objects.filter(tenant=tenant).exists()


def test_uploaded_files_of_old_jobs_are_dropped(admin_user, tenant, other_tenant, other_admin):
    import datetime as dt

    from django.utils import timezone

    old = services.import_job_create(actor=admin_user, tenant=tenant, file_name="a.csv", data=b"x")
    running = services.import_job_create(actor=admin_user, tenant=tenant, file_name="b.csv", data=b"y")
    foreign = services.import_job_create(actor=other_admin, tenant=other_tenant, file_name="c.csv", data=b"z")
    ImportJob.objects.filter(pk=old.pk).update(status=ImportJob.Status.READY)
    ImportJob.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    services.import_job_create(actor=admin_user, tenant=tenant, file_name="d.csv", data=b"w")
    data = {j.file_name: bytes(j.data) for j in ImportJob.objects.all()}
    assert data == {"a.csv": b"", "b.csv": b"y", "c.csv": b"z", "d.csv": b"w"}
    assert running.status == ImportJob.Status.QUEUED and foreign.tenant == other_tenant
