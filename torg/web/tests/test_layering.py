"""The layering rule (docs/architecture.md) is enforced by import-linter's contract in pyproject.toml.

test_layers_point_one_way runs the real contract over the real code; the other tests run the very
same contract (read from pyproject.toml, package renamed) over a throw-away package with a
deliberate violation, to prove the check would catch one.
"""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return config, contract


def _lint(cwd, config_path=None, pythonpath=None):
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    args = [str(LINT_IMPORTS), "--no-cache"]
    if config_path:
        args += ["--config", str(config_path)]
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def test_contract_lists_every_layer_in_order():
    config, contract = _contract()
    assert config["root_package"] == "torg"
    assert contract["type"] == "layers"
    layers = [layer.replace("(", "").replace(")", "") for layer in contract["layers"]]
    order = ["torg.web", "torg.places", "torg.accounts", "torg.core"]
    positions = [next(i for i, layer in enumerate(layers) if layer == name) for name in order]
    assert positions == sorted(positions), layers
    modules = next(layer for layer in layers if "torg.reuse" in layer)
    # Sibling modules are independent ("|"): reuse, booking and participation never import each other.
    assert {"torg.reuse", "torg.booking", "torg.participation"} <= {m.strip() for m in modules.split("|")}
    assert layers.index(modules) < layers.index("torg.places")


def test_layers_point_one_way():
    code, output = _lint(ROOT)
    assert code == 0, f"a lower layer imports a higher one:\n{output}"
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert f"{len(config['contracts'])} kept, 0 broken" in output, output


def _fake_project(tmp_path, violations):
    """A package `fakeorg` shaped like torg, checked by torg's own contract (names rewritten)."""
    config, contract = _contract()
    pkg = tmp_path / "src" / "fakeorg"
    for app in ("core", "accounts", "places", "reuse", "booking", "participation", "projects", "estate", "web"):
        (pkg / app).mkdir(parents=True)
        (pkg / app / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "forms.py").write_text("class TorgForm:\n    pass\n")
    (pkg / "places" / "forms.py").write_text("from fakeorg.core.forms import TorgForm  # downward: fine\n")
    (pkg / "web" / "views.py").write_text("import fakeorg.places\nimport fakeorg.core\n")  # downward: fine
    for module, imported in violations:
        path = pkg / Path(*module.split(".")[1:]).with_suffix(".py")
        path.write_text(f"import {imported}\n")

    def rename(value):
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value.replace("torg.", "fakeorg.") if isinstance(value, str) else value

    lines = ["[importlinter]", "root_package = fakeorg", "", "[importlinter:contract:layers]"]
    for key, value in contract.items():
        value = rename(value)
        if isinstance(value, list):
            lines.append(f"{key} =")
            lines += [f"    {v}" for v in value]
        elif isinstance(value, bool):
            lines.append(f"{key} = {'True' if value else 'False'}")
        else:
            lines.append(f"{key} = {value}")
    ini = tmp_path / ".importlinter"
    ini.write_text("\n".join(lines) + "\n")
    return _lint(tmp_path, ini, tmp_path / "src")


def test_the_contract_passes_a_well_layered_project(tmp_path):
    code, output = _fake_project(tmp_path, [])
    assert code == 0, output


@pytest.mark.parametrize("module, imported, message", [
    ("fakeorg.core.bad", "fakeorg.web", "fakeorg.core is not allowed to import fakeorg.web"),
    ("fakeorg.accounts.bad", "fakeorg.places", "fakeorg.accounts is not allowed to import fakeorg.places"),
    ("fakeorg.places.views", "fakeorg.web.views", "fakeorg.places is not allowed to import fakeorg.web"),
    ("fakeorg.reuse.services", "fakeorg.booking", "fakeorg.reuse is not allowed to import fakeorg.booking"),
    ("fakeorg.participation.services", "fakeorg.booking",
     "fakeorg.participation is not allowed to import fakeorg.booking"),
])
def test_the_contract_catches_an_upward_or_sibling_import(tmp_path, module, imported, message):
    code, output = _fake_project(tmp_path, [(module, imported)])
    assert code != 0, output
    assert message in output, output
