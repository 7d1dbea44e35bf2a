"""Projects ("prosjekter"): a municipality's project portfolio on a common project method.

A project model (Prosjektveiviseren, the building projects' early phase, or the municipality's own
copy) is data: phases, and between them decision points ("beslutningspunkter", BP1, BP2…) with a
checklist, the body that decides and what the decision releases. A project keeps the model version
it started with; changing a model that projects use makes a new version.

A project passes a decision point only through `states.DECISION_MACHINE`: the decision must be
taken by the body the model names, with every required checklist item met or waived with a reason.
Approving moves the project into the next phase and releases the money; stop (null point) and other
measures stop the project. States are declared in `states.py` and changed only through services.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from torg.core.models import TenantOwned

MONEY = {"max_digits": 14, "decimal_places": 0, "validators": [MinValueValidator(Decimal(0))]}


class ProjectModel(TenantOwned):
    """A project model ("prosjektmodell"): phases and decision points, versioned."""

    class Kind(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("Administrative project (Prosjektveiviseren)")
        BUILDING = "building", _("Building project")

    key = models.SlugField(_("key"), max_length=60, help_text=_("The same for every version of the model."))
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("based on"))
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key", "version"], name="projects_model_version_unique",
                                               violation_error_message=_("This version of the model exists already."))]
        verbose_name = _("project model")
        verbose_name_plural = _("project models")

    def __str__(self):
        return _("%(name)s, version %(version)s") % {"name": self.name, "version": self.version}


class Phase(TenantOwned):
    """One phase of a project model, e.g. "Concept" or "Construction"."""

    model = models.ForeignKey(ProjectModel, on_delete=models.CASCADE, related_name="phases",
                              verbose_name=_("project model"))
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    line_owned = models.BooleanField(_("owned by the line organisation"), default=False,
                                     help_text=_("The line organisation, not the project, runs this phase."))
    closes_project = models.BooleanField(_("the project is closed in this phase"), default=False,
                                         help_text=_("Entering it closes the project; benefits are still followed."))

    class Meta:
        ordering = ["model", "position"]
        constraints = [models.UniqueConstraint(fields=["model", "position"], name="projects_phase_position_unique")]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return self.name


class Body(models.TextChoices):
    """Who takes a decision."""

    PROJECT_OWNER = "project_owner", _("Project owner")
    STEERING_GROUP = "steering_group", _("Steering group")
    MUNICIPAL_COUNCIL = "municipal_council", _("Municipal council")


class Gate(TenantOwned):
    """A decision point of a project model ("beslutningspunkt"), at the end of `phase`: passing it
    moves a project into the next phase."""

    model = models.ForeignKey(ProjectModel, on_delete=models.CASCADE, related_name="gates",
                              verbose_name=_("project model"))
    phase = models.OneToOneField(Phase, on_delete=models.CASCADE, related_name="gate",
                                 verbose_name=_("at the end of phase"))
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    body = models.CharField(_("decided by"), max_length=20, choices=Body.choices)
    releases = models.TextField(_("releases"), blank=True, help_text=_("What the decision releases: money, a mandate…"))
    outcomes_text = models.TextField(_("possible outcomes"), blank=True)

    class Meta:
        ordering = ["model", "phase__position"]
        verbose_name = _("decision point")
        verbose_name_plural = _("decision points")

    def __str__(self):
        return f"{self.code} {self.name}"


class ItemKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    APPROVAL = "approval", _("Approval")
    EVIDENCE = "evidence", _("Evidence")
    PARTICIPATION = "participation", _("Participation")


class DocumentKind(models.TextChoices):
    MANDATE = "mandate", _("Mandate")
    PLAN = "plan", _("Project plan")


class GateItem(TenantOwned):
    """One line of a decision point's checklist: a required document, approval or evidence."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="items", verbose_name=_("decision point"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    text = models.CharField(_("requirement"), max_length=300)
    document_kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices, blank=True,
                                     help_text=_("Met when the project has this document."))
    # kind "participation": met when a participation process linked to the project has given feedback.
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["gate", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.text


class Project(TenantOwned):
    """A project ("prosjekt") or a programme ("program") with sub-projects."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("project", "Active")
        STOPPED = "stopped", pgettext_lazy("project", "Stopped")
        CLOSED = "closed", pgettext_lazy("project", "Closed")

    number = models.CharField(_("project number"), max_length=20, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("background"), blank=True)
    model = models.ForeignKey(ProjectModel, on_delete=models.PROTECT, related_name="projects",
                              verbose_name=_("project model"))
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="+", verbose_name=_("phase"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    is_programme = models.BooleanField(_("programme"), default=False,
                                       help_text=_("A programme groups sub-projects."))
    programme = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="sub_projects", verbose_name=_("programme"),
                                  limit_choices_to={"is_programme": True})
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("project owner"))
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("project manager"))
    steering_group = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                            verbose_name=_("steering group"))
    responsible_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("responsible unit"))
    finance_number = models.CharField(_("number in the finance system"), max_length=40, blank=True)
    cost_frame = models.DecimalField(_("cost frame (P85)"), null=True, blank=True, **MONEY)
    steering_frame = models.DecimalField(_("steering frame (P50)"), null=True, blank=True, **MONEY)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    properties = models.ManyToManyField("places.Property", blank=True, related_name="+",
                                        verbose_name=_("properties"))
    buildings = models.ManyToManyField("places.Building", blank=True, related_name="+", verbose_name=_("buildings"))
    processes = models.ManyToManyField("participation.Process", blank=True, related_name="+",
                                       verbose_name=_("participation processes"),
                                       help_text=_("Their input and feedback are evidence at the decision points."))

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="projects_project_number_unique"),
            models.CheckConstraint(condition=models.Q(steering_frame__isnull=True) | models.Q(cost_frame__isnull=True)
                                   | models.Q(steering_frame__lte=models.F("cost_frame")),
                                   name="projects_steering_frame_within_cost_frame",
                                   violation_error_message=_("The steering frame (P50) cannot exceed the cost frame (P85).")),
        ]
        indexes = [models.Index(fields=["tenant", "status"], name="projects_project_status")]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return f"{self.number} {self.name}"


class Decision(TenantOwned):
    """A project's decision at one decision point of its model: the gate into the next phase."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Submitted for decision")
        RETURNED = "returned", _("Sent back")
        APPROVED = "approved", _("Go: approved")
        STOPPED = "stopped", _("Stop (null point)")
        REDIRECTED = "redirected", _("Other measures")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("project"))
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="+", verbose_name=_("decision point"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    body = models.CharField(_("decided by"), max_length=20, choices=Body.choices, blank=True)
    minutes_url = models.URLField(_("minutes or document"), blank=True)
    released_amount = models.DecimalField(_("money released"), null=True, blank=True, **MONEY)
    released_mandate = models.TextField(_("mandate released"), blank=True)
    participation_decisions = models.ManyToManyField(
        "participation.Decision", blank=True, related_name="+", verbose_name=_("participation decisions"),
        help_text=_("Decisions recorded in a participation process of the project that this decision point took."))

    class Meta:
        ordering = ["project", "gate__phase__position"]
        constraints = [models.UniqueConstraint(fields=["project", "gate"], name="projects_decision_unique")]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.gate.code} – {self.project.name}"


class DecisionItem(TenantOwned):
    """One checklist line of one project's decision: open, met (with evidence) or waived (with a reason)."""

    class State(models.TextChoices):
        OPEN = "open", _("Not met")
        MET = "met", _("Met")
        WAIVED = "waived", _("Waived")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items", verbose_name=_("decision"))
    gate_item = models.ForeignKey(GateItem, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("checklist item"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    evidence = models.TextField(_("evidence"), blank=True)
    link = models.URLField(_("link"), blank=True)
    waived_reason = models.TextField(_("reason for the waiver"), blank=True)

    class Meta:
        ordering = ["decision", "gate_item__position", "gate_item_id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "gate_item"], name="projects_decision_item_unique"),
            models.CheckConstraint(condition=~models.Q(state="waived") | ~models.Q(waived_reason=""),
                                   name="projects_waiver_has_reason",
                                   violation_error_message=_("A waiver needs a reason.")),
        ]
        verbose_name = _("checklist line")
        verbose_name_plural = _("checklist lines")

    def __str__(self):
        return self.gate_item.text


MANDATE_SECTIONS = [
    ("background", _("Background")), ("effect_goals", _("Effect goals")), ("result_goals", _("Result goals")),
    ("scope", _("Scope and frames")), ("organisation", _("Organisation")),
    ("schedule", _("Schedule and milestones")), ("dependencies", _("Dependencies")), ("risks", _("Risks")),
    ("budget", _("Budget")),
]


class Document(TenantOwned):
    """One version of a project's mandate or project plan, structured in the template's sections."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project"))
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("version"))
    sections = models.JSONField(_("sections"), default=dict)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("written by"))
    approved_by = models.ForeignKey(Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("approved at"))

    class Meta:
        ordering = ["project", "kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["project", "kind", "version"],
                                               name="projects_document_version_unique")]
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")

    def __str__(self):
        return _("%(kind)s, version %(version)s") % {"kind": self.get_kind_display(), "version": self.version}

    def section_list(self):
        return [(key, label, self.sections.get(key, "")) for key, label in MANDATE_SECTIONS]


# --- Follow-up: monthly status, risks, dependencies, benefits -----------------------------------
class Light(models.TextChoices):
    """A traffic light of a status report."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


REPORT_DUE_DAY = 5  # a month's report is due on this day of the following month


class StatusReport(TenantOwned):
    """A project's monthly status report ("statusrapport"): traffic lights, a comment, milestones."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_reports",
                                verbose_name=_("project"))
    period = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    overall = models.CharField(_("overall"), max_length=8, choices=Light.choices)
    schedule = models.CharField(_("schedule"), max_length=8, choices=Light.choices)
    cost = models.CharField(_("cost"), max_length=8, choices=Light.choices)
    scope = models.CharField(_("scope and quality"), max_length=8, choices=Light.choices)
    risk = models.CharField(_("risk"), max_length=8, choices=Light.choices)
    benefits = models.CharField(_("benefits"), max_length=8, choices=Light.choices)
    comment = models.TextField(_("comment"), blank=True)
    milestones = models.TextField(_("milestones"), blank=True, help_text=_("Reached this month and coming next."))
    forecast = models.DecimalField(_("forecast of the total cost"), null=True, blank=True, **MONEY)
    spent = models.DecimalField(_("spent so far"), null=True, blank=True, **MONEY)
    due_on = models.DateField(_("due"))
    submitted_on = models.DateField(_("submitted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))

    class Meta:
        ordering = ["project", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="projects_status_report_month_unique",
                                    violation_error_message=_("This month has a status report already.")),
            models.CheckConstraint(condition=models.Q(period__day=1), name="projects_status_report_first_day"),
        ]
        indexes = [models.Index(fields=["tenant", "project", "period"], name="projects_report_period")]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")

    def __str__(self):
        return _("Status report %(month)s") % {"month": self.period.strftime("%Y-%m")}

    @property
    def is_late(self):
        return self.submitted_on > self.due_on


class Risk(TenantOwned):
    """A risk of the project's risk and vulnerability analysis (ROS): probability × consequence (5 × 5)."""

    SCALE = [(i, str(i)) for i in range(1, 6)]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks", verbose_name=_("project"))
    title = models.CharField(_("risk"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    probability = models.PositiveSmallIntegerField(_("probability (1–5)"), choices=SCALE)
    consequence = models.PositiveSmallIntegerField(_("consequence (1–5)"), choices=SCALE)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("risk owner"))
    measures = models.TextField(_("measures"), blank=True)
    residual_probability = models.PositiveSmallIntegerField(_("probability after measures"), choices=SCALE,
                                                            null=True, blank=True)
    residual_consequence = models.PositiveSmallIntegerField(_("consequence after measures"), choices=SCALE,
                                                            null=True, blank=True)
    review_on = models.DateField(_("next review"), null=True, blank=True)
    closed = models.BooleanField(pgettext_lazy("risk", "closed"), default=False)

    class Meta:
        ordering = ["project", "closed", "-probability", "-consequence", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(probability__gte=1, probability__lte=5, consequence__gte=1, consequence__lte=5),
            name="projects_risk_scale")]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self):
        return self.title

    @property
    def score(self):
        return self.probability * self.consequence

    @property
    def residual_score(self):
        if self.residual_probability and self.residual_consequence:
            return self.residual_probability * self.residual_consequence
        return None


class Dependency(TenantOwned):
    """One project depends on another (e.g. sub-projects of a programme)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependencies",
                                verbose_name=_("project"))
    depends_on = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependents",
                                   verbose_name=_("depends on"))
    description = models.CharField(_("what it needs"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "depends_on__number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "depends_on"], name="projects_dependency_unique",
                                    violation_error_message=_("This dependency is registered already.")),
            models.CheckConstraint(condition=~models.Q(project=models.F("depends_on")),
                                   name="projects_dependency_not_self",
                                   violation_error_message=_("A project cannot depend on itself.")),
        ]
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")

    def __str__(self):
        return f"{self.project.number} → {self.depends_on.number}"


class Benefit(TenantOwned):
    """An effect goal ("effektmål", a benefit — "gevinst"), owned by the line organisation and measured
    for years, also after the project has closed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="benefits", verbose_name=_("project"))
    title = models.CharField(_("effect goal"), max_length=200)
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("benefit owner"), help_text=_("In the line organisation."))
    owner_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("unit of the benefit owner"))
    next_measurement_on = models.DateField(_("next measurement"), null=True, blank=True)
    target_on = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        ordering = ["project", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(target=models.F("baseline")),
                                              name="projects_benefit_target_differs",
                                              violation_error_message=_("The target must differ from the baseline."))]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")

    def __str__(self):
        return self.title

    def reached(self, value):
        return value >= self.target if self.target > self.baseline else value <= self.target


class Measurement(TenantOwned):
    """One measurement of a benefit's indicator."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="measurements",
                                verbose_name=_("benefit"))
    measured_on = models.DateField(_("measured"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["benefit", "-measured_on", "-id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self):
        return f"{self.measured_on}: {self.value}"


class Milestone(TenantOwned):
    """A milestone of a project ("milepæl"): a planned date, and the date it was reached. Shown on the
    project's and the portfolio's timeline."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones",
                                verbose_name=_("project"))
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("planned date"))
    reached_on = models.DateField(_("reached"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "due_on", "id"]
        indexes = [models.Index(fields=["tenant", "due_on"], name="projects_milestone_due")]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    def is_overdue(self, today):
        return self.reached_on is None and self.due_on < today


REMINDER_DAYS_BEFORE = 3  # the reminder of a month's report goes out from this many days before it is due


class ReportReminder(TenantOwned):
    """The reminder sent to a project's manager before a month's status report is due — at most one
    per project and month (the unique constraint makes the daily run idempotent)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="report_reminders",
                                verbose_name=_("project"))
    period = models.DateField(_("month"))
    due_on = models.DateField(_("due"))
    sent_to = models.EmailField(_("sent to"), blank=True)

    class Meta:
        ordering = ["project", "-period"]
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="projects_report_reminder_unique")]
        verbose_name = _("status report reminder")
        verbose_name_plural = _("status report reminders")

    def __str__(self):
        return f"{self.project.number} {self.period:%Y-%m}"


class Actual(TenantOwned):
    """The project's actual cost in one month ("regnskap"), imported from the finance system by the
    project's number there. One row per project and month: importing the month again replaces it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("project"))
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("imported by"))

    class Meta:
        ordering = ["project", "period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="projects_actual_month_unique"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="projects_actual_first_day"),
        ]
        verbose_name = _("actual cost")
        verbose_name_plural = _("actual costs")

    def __str__(self):
        return f"{self.project.number} {self.period:%Y-%m}: {self.amount}"
