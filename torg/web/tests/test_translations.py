"""Norwegian bokmål is the default language and every catalogue is complete.

The catalogues live in torg/<app>/locale/nb/LC_MESSAGES/django.po and are compiled by
scripts/compile_messages.py (polib). These tests read the .po files directly, so an untranslated
or fuzzy string fails here before anyone sees English text in the Norwegian UI.
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
PO_FILES = sorted((ROOT / "torg").glob("**/locale/nb/LC_MESSAGES/*.po"))
# The apps whose catalogues must exist; modules add their own and are checked the same way.
REQUIRED_APPS = {"core", "accounts", "places", "web"}

# %(name)s, %(name)d, %s, %d, ... but not a literal "%%".
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifrxXeEgGc])")


def placeholders(text: str) -> Counter:
    return Counter(m.group(0) for m in PLACEHOLDER.finditer(text.replace("%%", "")))


def _app(path: Path) -> str:
    return ".".join(path.relative_to(ROOT / "torg").parts[:-4])  # e.g. "reuse" or "reuse.market"


def test_every_foundation_app_has_a_norwegian_catalogue():
    assert REQUIRED_APPS <= {_app(p) for p in PO_FILES}


@pytest.fixture(params=PO_FILES, ids=lambda p: _app(p))
def catalogue(request):
    return polib.pofile(str(request.param))


def test_catalogue_is_norwegian_bokmal_with_two_plural_forms(catalogue):
    assert catalogue.metadata.get("Language") == "nb"
    assert catalogue.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert len([e for e in catalogue if not e.obsolete]) > 0


def test_every_string_is_translated(catalogue):
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    assert untranslated == []


def test_a_string_reads_the_same_in_every_catalogue():
    """Django merges the apps' catalogues and the first translation of a msgid wins everywhere, so
    two apps translating one string differently show one app's wording in the other. A string that
    means different things takes a context (pgettext / `translate … context …`)."""
    seen = {}
    for path in PO_FILES:
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and entry.msgstr:
                seen.setdefault((entry.msgctxt, entry.msgid), {})[_app(path)] = entry.msgstr
    assert {key: apps for key, apps in seen.items() if len(set(apps.values())) > 1} == {}


def test_no_fuzzy_entries(catalogue):
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy


def test_placeholders_in_translation_match_the_source(catalogue):
    mismatches = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translated in pairs:
            if placeholders(source) != placeholders(translated):
                mismatches.append((source, translated))
            # Template variables in a blocktranslate are written %(name)s too; keep any HTML tags.
            if re.findall(r"</?\w+", source) != re.findall(r"</?\w+", translated):
                mismatches.append((source, translated))
    assert mismatches == []


def test_placeholder_helper_finds_named_and_positional_placeholders():
    assert placeholders("%(n)s of %(total)d, %s and 100%%") == Counter({"%(n)s": 1, "%(total)d": 1, "%s": 1})


def test_catalogues_are_compiled():
    # `make install` (and so `make test` and `make demo`) runs scripts/compile_messages.py.
    stale = [str(p) for p in PO_FILES
             if not p.with_suffix(".mo").exists() or p.with_suffix(".mo").stat().st_mtime < p.stat().st_mtime]
    assert stale == [], "run `make messages` (scripts/compile_messages.py) to compile these catalogues"


def test_plural_entries_are_translated_in_both_forms():
    for path in PO_FILES:
        for entry in polib.pofile(str(path)):
            if entry.msgid_plural and not entry.obsolete:
                assert entry.msgstr_plural.get(0) and entry.msgstr_plural.get(1), entry.msgid


# Django merges every app's catalogue into one; for a msgid found in several, the app listed first
# in INSTALLED_APPS wins, and django.contrib.* and third-party apps are listed before Torg's apps.
# A Torg translation that differs from theirs would therefore never be shown.
# "Filter" (a button in Torg) is translated "Filtrering" by django.contrib.admin; see docs/architecture.md.
KNOWN_OVERRIDDEN = {"Filter"}


def test_strings_shared_with_django_catalogues_are_translated_the_same():
    from django.apps import apps

    ours = {}
    for path in PO_FILES:
        for entry in polib.pofile(str(path)):
            if not entry.msgid_plural and not entry.msgctxt:
                ours[entry.msgid] = entry.msgstr
    differing = []
    for config in apps.get_app_configs():
        if config.name.startswith("torg."):
            break  # only apps listed before Torg's take precedence
        for mo in Path(config.path).glob("locale/nb/LC_MESSAGES/django.mo"):
            for entry in polib.mofile(str(mo)):
                if entry.msgid in ours and not entry.msgctxt and entry.msgid not in KNOWN_OVERRIDDEN:
                    if entry.msgstr != ours[entry.msgid]:
                        differing.append((config.name, entry.msgid, entry.msgstr, ours[entry.msgid]))
    assert differing == []


def test_modules_use_the_foundation_terms():
    # Catalogues are merged at run time, so two apps cannot translate the same msgid differently:
    # only one translation would be shown everywhere. A module that uses a string the foundation
    # already translates must translate it the same way (the glossary in docs/architecture.md).
    # Use a context (pgettext / {% translate ... context ... %}) when a different word is needed.
    foundation = {}
    for path in PO_FILES:
        if _app(path) in REQUIRED_APPS:
            for entry in polib.pofile(str(path)):
                if not entry.obsolete:
                    foundation[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = (_app(path), _value(entry))
    conflicts = []
    for path in PO_FILES:
        for entry in polib.pofile(str(path)):
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
            if not entry.obsolete and key in foundation and foundation[key][1] != _value(entry):
                conflicts.append((entry.msgid, foundation[key], (_app(path), _value(entry))))
    assert conflicts == []


def _value(entry):
    return tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr


# --- The language the pages are shown in ----------------------------------------------------

def test_login_page_is_norwegian_by_default(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "Logg inn i Torg" in html
    assert "Brukernavn" in html
    assert "Log in to Torg" not in html


def test_browser_language_alone_does_not_switch_away_from_norwegian(client):
    # A municipal service in Norway answers in bokmål; only an explicit choice changes it.
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "Logg inn i Torg" in response.content.decode()


def test_language_cookie_en_gives_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en"' in html
    assert "Log in to Torg" in html
    assert "Logg inn i Torg" not in html


def test_language_switcher_sets_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Log in to Torg" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "nb", "next": "/accounts/login/"})
    assert "Logg inn i Torg" in client.get("/accounts/login/").content.decode()


def test_wrong_password_message_is_norwegian(client, admin_user):
    response = client.post("/accounts/login/", {"username": "admin", "password": "wrong-password-1"})
    assert "Feil brukernavn eller passord" in response.content.decode()


def test_password_rules_are_explained_in_norwegian(client_for, admin_user):
    # MinimumLengthValidator's message is missing from Django's own bokmål catalogue (Django 5.2
    # changed its msgid); Torg's accounts catalogue carries it.
    client = client_for(admin_user)
    response = client.post("/accounts/admin/users/new/", {
        "username": "ny.bruker", "first_name": "Ny", "last_name": "Bruker", "role": "employee",
        "password": "kort",
    })
    assert response.status_code == 422
    html = response.content.decode()
    assert "Passordet er for kort. Det må bestå av minst 10 tegn." in html
    assert "too short" not in html


def test_dashboard_and_places_pages_are_norwegian(client_for, admin_user, building):
    client = client_for(admin_user)
    html = client.get("/").content.decode()
    assert "Velkommen, Admin." in html
    assert "Din rolle: Administrator." in html
    assert "Eiendomsregister" in html
    assert "Logg ut" in html
    assert "Hopp til hovedinnholdet" in html

    html = client.get(f"/places/buildings/{building.pk}/").content.decode()
    assert "Bygningsnummer" in html
    assert "Bruttoareal (BTA)" in html
    assert "A – beholde" in html  # strategic category label from the model's choices
    assert "Møterom" in html or "Kontor" in html
    assert "Plan 0" in html  # a floor without a name is shown by its level

    html = client.get("/places/import/").content.decode()
    assert "Importer bygg, etasjer og rom" in html
    assert "Eiendommens gårdsnummer (gnr)" in html  # column help from importer.COLUMNS


def test_dashboard_in_english_with_the_cookie(client_for, admin_user, building):
    client = client_for(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    assert "Welcome, Admin." in html
    assert "Places register" in html
    assert "Log out" in html
