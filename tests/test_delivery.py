"""What a newcomer and an operator rely on: README commands, CI gate, Docker files, settings."""

from __future__ import annotations

import re
import shlex

import yaml

from bot.__main__ import build_parser
from bot.config import Settings
from tests.conftest import ROOT


def test_readme_opens_with_the_run_and_test_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make run", "make test"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [
        line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert "make test" in lines


def test_ci_starts_a_docker_engine_before_the_tests_and_requires_the_docker_test() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("../shared/tools/docker-standin") < script.index("\nmake test")
    assert "export PLAYBOOK_DOCKER_REQUIRED=1" in script


def test_make_targets_set_themselves_up() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test"):
        match = re.search(rf"^{target}: (.+)$", makefile, re.MULTILINE)
        assert match is not None and "$(STAMP)" in match.group(1), target
    assert "python -m bot run" in makefile
    for check in ("ruff check", "ruff format --check", "mypy bot", "pytest"):
        assert check in makefile


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_dockerfile_copies_files_that_exist() -> None:
    copies = [rest for word, rest in dockerfile_instructions() if word == "COPY"]
    from_context = [rest for rest in copies if not rest.startswith("--from=")]
    assert from_context
    for rest in from_context:
        *sources, _destination = shlex.split(rest)
        for source in sources:
            assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"


def test_dockerfile_runs_the_real_commands_as_non_root() -> None:
    instructions = dockerfile_instructions()
    words = [word for word, _ in instructions]
    assert "USER" in words and words.index("USER") < words.index("CMD")
    [cmd] = [rest for word, rest in instructions if word == "CMD"]
    assert yaml.safe_load(cmd) == ["python", "-m", "bot", "run"]
    [health] = [rest for word, rest in instructions if word == "HEALTHCHECK"]
    health_args = yaml.safe_load(health.split("CMD", 1)[1].strip())
    subcommands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert health_args[:3] == ["python", "-m", "bot"] and health_args[3] in subcommands
    assert "run" in subcommands
    assert any(word == "VOLUME" and "/data" in rest for word, rest in instructions)


def test_compose_builds_this_image_with_env_and_a_data_volume() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["bot"]
    assert service["build"] == "."
    assert service["env_file"] == ".env"
    assert any(volume.endswith(":/data") for volume in service["volumes"])


def test_env_example_lists_every_setting() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.MULTILINE))
    assert named == {name.upper() for name in Settings.model_fields}


def test_ci_installs_chromium_before_the_tests_and_requires_the_browser_test() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("apt-get install -y -qq chromium") < script.index("\nmake test")
    assert "export PLAYBOOK_BROWSER_REQUIRED=1" in script
