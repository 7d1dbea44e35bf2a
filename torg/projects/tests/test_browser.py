"""A decision point through a real browser (Chromium + Playwright), axe-core on every page: the
project manager writes the mandate and submits BP1, the owner waives one item and approves,
money is released and the portfolio shows the project in its next phase; the manager files a status
report late and it shows red in the portfolio."""

import pytest
from playwright.sync_api import expect

from torg.projects.models import Decision

from .conftest import bp

pytestmark = pytest.mark.browser


def test_a_manager_prepares_bp1_and_the_owner_approves_with_one_waived_item(page, live_server, login,
                                                                             assert_accessible, project):
    login(page, live_server, "eiendom")
    page.goto(live_server.url + "/projects/")
    assert_accessible(page)
    page.get_by_role("link", name="P-000001 Nye Flytårnet skole").click()
    assert_accessible(page)
    page.get_by_role("link", name="Skriv det – Mandat").click()
    assert_accessible(page)
    page.locator("#id_background").fill("Skolen på Flytårnet er for liten for elevtallet i 2030.")
    page.locator("#id_effect_goals").fill("Plass til 600 elever; skolen brukes av nærmiljøet på kveldstid.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main h1")).to_contain_text("Mandat, versjon 1")
    assert_accessible(page)
    page.goto(live_server.url + f"/projects/decisions/{bp(project, 'BP1').pk}/")
    page.get_by_role("link", name="Merk som oppfylt – Rammer gjennomgått").click()
    assert_accessible(page)
    page.locator("#id_evidence").fill("Gjennomgått i tverrsektoriell arbeidsgruppe.")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("button", name="Sendt til beslutning").click()
    expect(page.locator("main h1")).to_contain_text("Sendt til beslutning")
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, live_server, "admin")
    page.goto(live_server.url + f"/projects/decisions/{bp(project, 'BP1').pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Frafall – Fremtidige behov").click()
    assert_accessible(page)
    page.locator("#id_reason").fill("Behovene beskrives på tvers i konseptfasen.")
    page.locator("main form button[type=submit]").click()
    page.locator("#amount-approved").fill("2500000")
    page.locator("#minutes-approved").fill("https://storvik.example.no/moter/12")
    page.get_by_role("button", name="Videre: godkjent").click()
    expect(page.locator("main h1")).to_contain_text("Videre: godkjent")
    assert_accessible(page)
    assert Decision.objects.get(pk=bp(project, "BP1").pk).released_amount == 2_500_000

    page.goto(live_server.url + "/projects/?phase=Konseptfase")
    row = page.locator("tbody tr", has_text="Nye Flytårnet skole")
    expect(row).to_contain_text("Konseptfase")
    expect(row).to_contain_text("2 500 000")
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, live_server, "eiendom")
    page.goto(live_server.url + f"/projects/{project.pk}/")
    page.get_by_role("link", name="Ny statusrapport").click()
    assert_accessible(page)
    page.locator("#id_period").select_option(index=2)  # two months ago: past its due date, so late
    for field in ("overall", "schedule", "cost"):
        page.locator(f"#id_{field}").select_option("red")
    for field in ("scope", "risk", "benefits"):
        page.locator(f"#id_{field}").select_option("yellow")
    page.locator("#id_comment").fill("Konseptfasen er forsinket; kostnadsestimatet er over styringsrammen.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#reports-heading")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/projects/")
    row = page.locator("tbody tr", has_text="Nye Flytårnet skole")
    expect(row.locator(".ds-tag[data-color=danger]", has_text="Rød")).to_be_visible()
    expect(row.locator(".ds-tag[data-color=danger]", has_text="For sent")).to_be_visible()
    assert_accessible(page)
    # The manager adds a milestone; the project's and the portfolio's timelines (SVG + table) stay clean.
    page.goto(live_server.url + f"/projects/{project.pk}/")
    page.get_by_role("link", name="Ny milepæl").click()
    assert_accessible(page)
    page.locator("#id_title").fill("Konseptvalg")
    page.locator("#id_due_on").fill("2020-05-01")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#milestones-heading")).to_be_visible()
    expect(page.locator("table", has_text="Konseptvalg").locator(".ds-tag", has_text="Forsinket")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/projects/timeline/")
    expect(page.locator("svg.torg-projects-gantt")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/projects/actuals/import/")
    assert_accessible(page)
