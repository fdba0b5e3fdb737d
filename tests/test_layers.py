"""Nothing below imports from above: every module of the app has a layer, and imports only from
its own layer or lower ones. The pure parts (workflows, ranking maths, the conflict rule of the
organisation tree, the assignment plan, similarity) import neither Flask nor the database."""

from __future__ import annotations

import ast
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first: (layer, the modules in it, by path pattern). A module takes the first layer whose
# pattern it matches.
LAYERS = [
    ("pure", ["workflows/*.py", "competition/ranking/*.py", "competition/judging/assignment.py",
              "competition/judging/conflicts.py", "competition/entries/similarity.py",
              "competition/audit/chain.py", "competition/audit/guards.py", "competition/audit/kinds.py",
              "competition/iid/model.py", "competition/iid/index.py", "competition/iid/raising.py"]),
    ("foundation", ["competition/config.py", "competition/errors.py", "competition/links.py",
                    "competition/extensions.py", "competition/i18n.py", "competition/models/types.py",
                    "competition/unit_of_work.py"]),
    ("models", ["competition/*/models.py", "competition/*/*_models.py", "competition/models/*.py"]),
    ("policy", ["competition/policy.py"]),
    ("documents", ["competition/documents/*.py"]),
    ("operations and queries", ["competition/*/operations.py", "competition/*/queries.py",
                                "competition/competitions/units.py", "competition/competitions/cloning.py",
                                "competition/entries/evidence.py", "competition/entries/importing.py",
                                "competition/judging/scoring.py",
                                "competition/judging/rounds.py", "competition/judging/sheets.py",
                                "competition/people/organisations.py", "competition/results/wording.py",
                                "competition/people/passwords.py", "competition/people/sessions.py",
                                "competition/people/tokens.py",
                                "competition/results/standings.py", "competition/results/awards.py",
                                "competition/ceremony/documents.py", "competition/demo/loader.py",
                                "competition/judging/score_import.py", "competition/jobs/runner.py",
                                "competition/jobs/schedule.py", "competition/jobs/kinds.py",
                                "competition/demo/timeline.py", "competition/demo/__init__.py",
                                "competition/backups/archive.py", "competition/backups/database.py",
                                "competition/notifications/bulk.py", "competition/notifications/reminders.py",
                                "competition/results/feedback.py"]),
    ("views and commands", ["competition/*/views.py", "competition/*/*_views.py", "competition/*/cli.py",
                            "competition/competitions/manage.py", "competition/competitions/diagram.py",
                            "competition/monitoring/charts.py", "competition/entries/actions.py",
                            "competition/web/*.py", "competition/cli/*.py",
                            "competition/people/throttling.py", "competition/*/api.py",
                            "competition/*/*_api.py", "competition/api/*.py", "competition/*/*_cli.py"]),
    ("app", ["competition/__init__.py"]),
    ("feature packages", ["competition/*/__init__.py"]),
]
PURE_MAY_NOT_IMPORT = ("flask", "flask_", "sqlalchemy", "werkzeug", "competition")


def layer_of(path: Path) -> int:
    relative = path.relative_to(ROOT).as_posix()
    for index, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch(relative, pattern) for pattern in patterns):
            return index
    raise AssertionError(f"{relative} has no layer: add it to LAYERS in tests/test_layers.py")


def module_path(name: str) -> Path | None:
    """The file of a module of the app, or None for a library."""
    if not (name == "competition" or name.startswith(("competition.", "workflows"))):
        return None
    base = ROOT / name.replace(".", "/")
    if (base / "__init__.py").exists():
        return base / "__init__.py"
    if base.with_suffix(".py").exists():
        return base.with_suffix(".py")
    return None


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # "from competition.judging import cli" imports the module competition.judging.cli
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names
                      if module_path(f"{node.module}.{alias.name}") is not None]
    return found


def sources() -> list[Path]:
    return sorted([*(ROOT / "competition").rglob("*.py"), *(ROOT / "workflows").glob("*.py")])


def test_every_module_imports_only_from_its_layer_or_below():
    upward = []
    for path in sources():
        mine = layer_of(path)
        for line, name in imports(path):
            target = module_path(name)
            if target is None or target == path:
                continue
            theirs = layer_of(target)
            if theirs > mine and LAYERS[theirs][0] != "feature packages":
                upward.append(f"{path.relative_to(ROOT)}:{line} ({LAYERS[mine][0]}) imports {name} "
                              f"({LAYERS[theirs][0]})")
    assert upward == []


def test_imports_are_absolute_so_the_layers_can_be_checked():
    relative = [f"{path.relative_to(ROOT)}:{node.lineno}" for path in sources()
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.ImportFrom) and node.level > 0]
    assert relative == []


def test_the_pure_parts_import_neither_flask_nor_the_database():
    found = []
    for path in sources():
        if LAYERS[layer_of(path)][0] != "pure":
            continue
        for line, name in imports(path):
            pure_too = module_path(name) is not None and LAYERS[layer_of(module_path(name))][0] == "pure"
            if name.startswith(PURE_MAY_NOT_IMPORT) and not pure_too:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert found == []


def test_each_feature_keeps_its_code_in_one_folder():
    """No code is left in the old technical folders (services, web pages, models per table)."""
    assert not (ROOT / "competition" / "services").exists()
    left = sorted(p.name for p in (ROOT / "competition" / "models").glob("*.py"))
    assert left == ["__init__.py", "state.py", "types.py"]


# Longer on purpose, with the reason in the README's architecture section (none today).
LONGER: set[str] = set()


def test_small_pieces():
    """No module over about 600 lines and no function over about 80, outside data files and
    generated migrations."""
    found = []
    for path in sources():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        if text.count("\n") > 620 and name not in LONGER:
            found.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 85 and f"{name}:{node.name}" not in LONGER:
                    found.append(f"{name}:{node.name}: {length} lines")
    assert found == []
