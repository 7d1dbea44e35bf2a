"""Every stored audit action code becomes `<entity>_<verb>` (docs/architecture.md → Audit).

Until now the generic write helpers, the importers and the demo wrote entity-less codes (`create`,
`update`, `delete`, `archive`, `restore`, `import_create`, `import_update`, `demo_create`), whose
object type said what was changed. They become `<entity>_<verb>` with the entity named from the
model as `torg.core.audit.entity` names it (`places.room` + `create` → `room_create`;
`booking.bookingseries` + `create` → `booking_series_create`), frozen below. A few codes whose
first word was no entity get one: the allocation round's machine and proposal (`round_open` →
`allocation_round_open`, `allocation_propose` → `allocation_round_propose`), frame time on a
decision (`frame_time_pass_on` → `decision_frame_time_pass_on`, `frame_time_release` →
`decision_frame_time_release`) and a participation process's invite codes and retention
(`invites_create` → `process_invites_create`, `retention_<kind>` → `process_retention_<kind>`).

Runs after the apps' own renames (which read the old generic codes). Reversible: the codes go back
(`item_create`, which the reuse inventory wrote before, stays).
"""

from django.db import migrations

ENTITY = {  # object type -> entity, frozen from the models of this release
    "accounts.apitoken": "api_token", "accounts.externalorganisation": "external_organisation",
    "accounts.membership": "membership", "accounts.orgunit": "org_unit", "accounts.tenant": "tenant",
    "accounts.user": "user", "booking.accesscode": "access_code", "booking.accessevent": "access_event",
    "booking.booking": "booking", "booking.bookingrules": "booking_rules", "booking.bookingseries": "booking_series",
    "booking.bookingslot": "booking_slot", "booking.calendarfeed": "calendar_feed", "booking.door": "door",
    "booking.doorcontroller": "door_controller", "booking.meraapentagreement": "meraapent_agreement",
    "booking.notification": "notification", "booking.openingexception": "opening_exception",
    "booking.openinghours": "opening_hours", "booking.resource": "resource",
    "booking.resourcephoto": "resource_photo", "booking_allocation.allocationround": "allocation_round",
    "booking_allocation.application": "application", "booking_allocation.applicationchoice": "application_choice",
    "booking_allocation.complaint": "complaint", "booking_allocation.decision": "decision",
    "booking_allocation.priorityrung": "priority_rung", "booking_allocation.timewindow": "time_window",
    "core.auditevent": "audit_event", "core.sequence": "sequence", "core.uploadstash": "upload_stash",
    "estate.conditionsurvey": "condition_survey", "estate.maintenancebudget": "maintenance_budget",
    "estate.measure": "measure", "estate.surveypart": "survey_part", "estate.surveypartphoto": "survey_part_photo",
    "participation.abusereport": "abuse_report", "participation.activity": "activity",
    "participation.activityphoto": "activity_photo", "participation.answer": "answer",
    "participation.decision": "decision", "participation.feedbackresponse": "feedback_response",
    "participation.floorplan": "floor_plan", "participation.input": "input",
    "participation.invitecode": "invite_code", "participation.news": "news", "participation.phase": "phase",
    "participation.planarea": "plan_area", "participation.process": "process", "participation.question": "question",
    "participation.response": "response", "participation.subscription": "subscription",
    "participation.support": "support", "participation.survey": "survey", "participation.targetgroup": "target_group",
    "participation.theme": "theme", "places.building": "building", "places.floor": "floor",
    "places.property": "property", "places.room": "room", "projects.benefit": "benefit",
    "projects.decision": "decision", "projects.decisionitem": "decision_item", "projects.dependency": "dependency",
    "projects.document": "document", "projects.gate": "gate", "projects.gateitem": "gate_item",
    "projects.measurement": "measurement", "projects.milestone": "milestone", "projects.phase": "phase",
    "projects.project": "project", "projects.projectmodel": "project_model",
    "projects.reportreminder": "report_reminder", "projects.risk": "risk", "projects.statusreport": "status_report",
    "reuse.category": "category", "reuse.importjob": "import_job", "reuse.item": "item",
    "reuse.itemphoto": "item_photo", "reuse.label": "label", "reuse.product": "product",
    "reuse.productphoto": "product_photo", "reuse.reuserecord": "reuse_record", "reuse.reuserole": "reuse_role",
    "reuse_impact.factor": "factor", "reuse_impact.impactsettings": "impact_settings",
    "reuse_market.giveaway": "give_away", "reuse_market.listing": "listing",
    "reuse_market.listingitem": "listing_item", "reuse_market.marketsettings": "market_settings",
    "reuse_market.notification": "notification", "reuse_market.order": "order",
    "reuse_market.orderline": "order_line", "reuse_market.ordermessage": "order_message",
    "reuse_market.savedsearch": "saved_search", "reuse_market.savedsearchhit": "saved_search_hit",
    "reuse_relocation.line": "line", "reuse_relocation.need": "need", "reuse_relocation.plan": "plan",
    "reuse_relocation.purchaserequest": "purchase_request", "reuse_relocation.usedoffer": "used_offer",
}
GENERIC = ["create", "update", "delete", "archive", "restore", "import_create", "import_update", "demo_create"]
ROUND, DECISION, PROCESS = "booking_allocation.allocationround", "booking_allocation.decision", "participation.process"
ROUND_VERBS = ["open", "close_applications", "open_complaints", "close", "publish", "reopen"]
RENAMES = [  # (object type, old code, new code)
    *((ROUND, f"round_{verb}", f"allocation_round_{verb}") for verb in ROUND_VERBS),
    (ROUND, "allocation_propose", "allocation_round_propose"),
    (DECISION, "frame_time_pass_on", "decision_frame_time_pass_on"),
    (DECISION, "frame_time_release", "decision_frame_time_release"),
    (PROCESS, "invites_create", "process_invites_create"),
    (PROCESS, "retention_anonymise", "process_retention_anonymise"),
    (PROCESS, "retention_delete", "process_retention_delete"),
]
KEEP = {("reuse.item", "item_create")}  # written before this migration: not turned back into "create"


def _renames():
    for object_type, entity in ENTITY.items():
        for verb in GENERIC:
            yield object_type, verb, f"{entity}_{verb}"
    yield from RENAMES


def _rename(apps, renames):
    AuditEvent = apps.get_model("core", "AuditEvent")
    for object_type, old, new in renames:
        if not {(object_type, old), (object_type, new)} & KEEP:
            AuditEvent.objects.filter(object_type=object_type, action=old).update(action=new)


def forwards(apps, schema_editor):
    _rename(apps, list(_renames()))


def backwards(apps, schema_editor):
    _rename(apps, [(object_type, new, old) for object_type, old, new in _renames()])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_audit_tenant_action_time_index"),
        # the apps' own renames read the generic codes: they run first
        ("accounts", "0002_audit_action_names"),
        ("booking", "0009_action_codes"),
        ("reuse", "0008_item_history_to_audit"),
        ("reuse_market", "0003_order_history_to_audit"),
        ("reuse_relocation", "0003_plan_actions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
