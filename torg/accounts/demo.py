"""Demo data for accounts: two municipalities, org units, users for every role, associations."""

import random

from django.conf import settings

from . import services
from .models import ExternalOrganisation, OrgUnit, Role
from .validators import orgnr_check_digit

SECTORS = {
    "Oppvekst og utdanning": ["Grunnskole", "Barnehage", "PPT", "Kulturskole"],
    "Helse og omsorg": ["Sykehjem", "Hjemmetjenester", "Legevakt", "Rus og psykisk helse"],
    "Kultur og innbyggerdialog": ["Bibliotek", "Innbyggertorg", "Frivilligsentral"],
    "Eiendom og teknisk": ["Eiendomsforvaltning", "Byggeprosjekter", "Vei og park"],
    "Økonomi og organisasjon": ["Økonomi", "HR", "IKT", "Dokumentsenter"],
}

ASSOCIATIONS = [
    "Idrettslag", "Sjakklubb", "Mannskor", "Skolekorps", "Pensjonistforening", "Husflidslag",
    "Turlag", "Historielag", "Frivilligsentral", "Røde Kors", "Sanitetsforening", "Fotballklubb",
    "Håndballklubb", "Svømmeklubb", "Dansegruppe", "Bridgeklubb", "Fotoklubb", "Seniordans",
    "Leseforening", "Speidergruppe", "Musikkforening", "Teaterlag", "Bygdekvinnelag", "Orienteringslag",
    "Innvandrerforening", "Ungdomsklubb", "Kunstforening", "Velforening", "Mandagsklubben", "Strikkekafé",
    "Skiklubb", "Seilforening",
]
SUPPLIERS = ["Møbelgjenbruk AS", "Kontorinnredning Nord AS", "Flyttebyrået AS", "Snekkerverkstedet AS"]


def orgnr_sequence(rng):
    """Valid, distinct Norwegian organisation numbers (mod-11), deterministic for `rng`."""
    seen = set()
    while True:
        first = str(rng.choice([8, 9])) + "".join(str(rng.randint(0, 9)) for _ in range(7))
        digit = orgnr_check_digit(first)
        if digit is None or first in seen:
            continue
        seen.add(first)
        yield first + str(digit)


def _user(tenant, username, first, last, role, unit=None, email_domain="example.no"):
    return services.user_create(
        actor=None, tenant=tenant, username=username, first_name=first, last_name=last,
        email=f"{username}@{email_domain}", role=role, org_unit=unit, password=settings.TORG_DEMO_PASSWORD,
    )


def load(ctx):
    rng = random.Random(ctx.seed)
    main = services.tenant_create(name="Storvik kommune", slug="storvik", municipality_number="5999",
                                  inhabitants=125_000)
    second = services.tenant_create(name="Lillevik kommune", slug="lillevik", municipality_number="5998",
                                    inhabitants=8_400)
    ctx.main, ctx.second = main, second

    units = {}
    for sector, service_names in SECTORS.items():
        s = services.org_unit_create(actor=None, tenant=main, kind=OrgUnit.Kind.SECTOR, name=sector)
        units[sector] = s
        for name in service_names:
            units[name] = services.org_unit_create(actor=None, tenant=main, kind=OrgUnit.Kind.SERVICE, name=name,
                                                   parent=s)
    ctx.units = units
    s2 = services.org_unit_create(actor=None, tenant=second, kind=OrgUnit.Kind.SECTOR, name="Fellestjenester")
    services.org_unit_create(actor=None, tenant=second, kind=OrgUnit.Kind.SERVICE, name="Eiendom", parent=s2)

    ctx.users = {
        "admin": _user(main, "admin", "Ada", "Administrator", Role.ADMIN, units["IKT"]).user,
        "eiendom": _user(main, "eiendom", "Eirik", "Eiendomsforvalter", Role.PROPERTY_MANAGER,
                         units["Eiendomsforvaltning"]).user,
        "ansatt": _user(main, "ansatt", "Anne", "Ansatt", Role.EMPLOYEE, units["Innbyggertorg"]).user,
        "innbygger": _user(main, "innbygger", "Ivar", "Innbygger", Role.CITIZEN).user,
        "forening": _user(main, "forening", "Frida", "Foreningsleder", Role.ASSOCIATION).user,
        "admin2": _user(second, "admin2", "Lise", "Lillevik", Role.ADMIN, email_domain="lillevik.example.no").user,
    }
    for i, (first, last) in enumerate([("Kari", "Nordmann"), ("Ola", "Hansen"), ("Sara", "Berg"),
                                       ("Jonas", "Dahl"), ("Nora", "Lie"), ("Emil", "Moen")]):
        unit = units[rng.choice(["Grunnskole", "Sykehjem", "Bibliotek", "HR", "Økonomi", "Byggeprosjekter"])]
        _user(main, f"{first.lower()}.{last.lower()}", first, last, Role.EMPLOYEE, unit)

    numbers = orgnr_sequence(rng)
    orgs = []
    for name in ASSOCIATIONS:
        kind = ExternalOrganisation.Kind.VOLUNTEER if name in ("Frivilligsentral", "Røde Kors") else \
            ExternalOrganisation.Kind.ASSOCIATION
        orgs.append(services.external_organisation_create(
            actor=None, tenant=main, orgnr=next(numbers), name=f"Storvik {name}", kind=kind,
            email=f"post@storvik-{name.lower().replace(' ', '-')}.example.no",
        ))
    for name in SUPPLIERS:
        orgs.append(services.external_organisation_create(
            actor=None, tenant=main, orgnr=next(numbers), name=name, kind=ExternalOrganisation.Kind.SUPPLIER))
    orgs[0].representatives.add(ctx.users["forening"])
    ctx.organisations = orgs
    services.external_organisation_create(actor=None, tenant=second, orgnr=next(numbers),
                                          name="Lillevik Idrettslag", kind=ExternalOrganisation.Kind.ASSOCIATION)
