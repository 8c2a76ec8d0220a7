"""The bot's modules form layers: no module imports, however indirectly, one that
imports it back. Every import counts, also those only for type checking or inside a
function, since each of them is a dependency someone has to keep in mind."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"


def _modules() -> dict[str, Path]:
    found = {}
    for path in BOT.rglob("*.py"):
        parts = path.relative_to(BOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The bot's modules that ``module`` imports: ``from bot import x`` names the
    module bot.x when there is one, else the package bot."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names = [f"{base}.{alias.name}" for alias in node.names]
            names = [name if name in known else base for name in names]
        else:
            continue
        yield from (name for name in names if name in known and name != module)


def import_graph() -> dict[str, set[str]]:
    known = _modules()
    return {module: set(_imported(module, path, known)) for module, path in known.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = import_graph()
    assert "bot.store.database" in graph["bot.store"], "the walk sees package imports"
    assert circles(graph) == []


def test_the_board_builds_on_the_flag_log_not_on_the_chat_handlers() -> None:
    graph = import_graph()
    web = {module: targets for module, targets in graph.items() if module.startswith("bot.web")}
    leaks = {
        module: sorted(target for target in targets if target.startswith("bot.handlers"))
        for module, targets in web.items()
    }
    assert {module: found for module, found in leaks.items() if found} == {}


# The store's operations that change a flag or add one.
_LOG_CHANGES = frozenset({"add_flag", "set_status", "assign", "retract", "add_note", "edit_text"})


def test_only_the_flag_log_changes_the_log() -> None:
    """Outside the store, only bot/flaglog.py calls the store's changes to flags."""
    callers = []
    for module, path in _modules().items():
        if module.startswith("bot.store") or module == "bot.flaglog":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _LOG_CHANGES
                and "store" in ast.unparse(node.func.value)
            ):
                callers.append(f"{module}:{node.lineno} {ast.unparse(node.func)}")
    flaglog = (BOT / "flaglog.py").read_text(encoding="utf-8")
    assert "self._store.add_flag(" in flaglog, "the check looks for what the door does"
    assert callers == []


def test_the_running_bot_loads_word_and_subtitle_libraries_only_when_a_file_needs_them() -> None:
    # python-docx with lxml and webvtt-py are some 15 MB of every process's memory;
    # most bots never draft a .docx or read a transcript.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.app; print(*sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    heavy = {"docx", "lxml", "webvtt"}
    assert heavy.isdisjoint(loaded), heavy & set(loaded)


def test_the_readmes_module_map_names_every_module() -> None:
    """README.md's map under Development: every module of bot/ is on it, a package's
    modules on its package's lines."""
    readme = (BOT.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Development", 1)[1].split("```", 2)[1]
    entries: dict[str, str] = {}
    current = ""
    for line in block.splitlines():
        if line.startswith("bot/"):
            current = line.split()[0]
            entries[current] = line
        elif current:
            entries[current] += line
    missing = []
    for module, path in _modules().items():
        parts = module.split(".")[1:]
        if path.name == "__init__.py":
            continue
        if len(parts) == 1:
            listed = f"bot/{parts[0]}.py" in entries
        else:
            listed = bool(re.search(rf"\b{parts[1]}\b", entries.get(f"bot/{parts[0]}/", "")))
        if not listed:
            missing.append(module)
    assert missing == []


def test_a_circle_is_seen() -> None:
    """The check above can fail: a made-up circle of three is found."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


if __name__ == "__main__":
    for group in circles(import_graph()):
        print(" <-> ".join(group))
