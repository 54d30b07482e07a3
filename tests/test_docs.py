"""The documentation still works as written: every `terminal …` command in README.md and
docs/*.md parses, every relative link and anchor leads somewhere, every module it names exists,
its Python examples run, and the architecture page names every package of the code."""

from __future__ import annotations

import ast
import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from terminal.cli.entry import build_parser
from terminal.engine.plugins.registry import ENTRY_POINT_GROUPS

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SETUP_COMMANDS = [
    "bash .ci/setup.sh run     # set up (system libraries, .venv) and open the terminal",
    "bash .ci/setup.sh test    # set up, then run ruff, mypy and the whole test suite",
]
# Code blocks in these languages hold no shell commands (``text`` is a command's output).
NOT_SHELL = {"toml", "python", "json", "text"}
# Sample values for the placeholders the pages write in capitals.
PLACEHOLDERS = {
    "FILE.png": "shot.png", "BARS.csv": "bars.csv", "FILE": "config.toml", "TICKS": "ticks.csv",
    "JOURNAL": "run.tjnl", "DIR": "keys", "EP": "tcp://127.0.0.1:5556", "HOST": "127.0.0.1",
    "PORT": "9108", "N": "5", "SECONDS": "30", "WxH": "1600x1000", "ZONE": "Asia/Shanghai",
    "NAME": "desk", "SYMBOL": "600000.SSE", "Q": "100", "P": "10.5", "STRATEGY": "sma_cross",
    "TF": "1d", "DATE": "2024-01-02", "PARAMS": "fast=5,slow=20", "CAPITAL": "100000",
    "GRID": "fast=3:9:2,slow=15:35:5", "STATISTIC": "sharpe", "SHARE": "0.7",
    "URL": "http://127.0.0.1:8000", "QUERY": "pfyh",
}  # fmt: skip
PLACEHOLDER = re.compile(r"\b(" + "|".join(re.escape(k) for k in PLACEHOLDERS) + r")\b")
SHELL_OPERATORS = {"|", "||", "&", "&&", ";", ">", ">>", "<"}
TERMINAL_WORDS = {"terminal", ".venv/bin/terminal"}
PYTHON_WORDS = {"python", "python3", ".venv/bin/python"}


# ---- reading the pages ---------------------------------------------------------------------
@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the first line inside the fence
    language: str
    lines: tuple[str, ...]


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of ``page``."""
    found: list[Block] = []
    current: list[str] = []
    start, language = 0, ""
    inside = False
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        fence = re.match(r"^\s*```(\w*)\s*$", line)
        if fence and not inside:
            inside, current, start, language = True, [], number + 1, fence.group(1)
        elif fence and inside:
            inside = False
            found.append(Block(page, start, language, tuple(current)))
        elif inside:
            current.append(line)
    return found


def prose(page: Path) -> list[tuple[int, str]]:
    """The numbered lines of ``page`` outside code blocks."""
    lines, inside = [], False
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r"^\s*```", line):
            inside = not inside
        elif not inside:
            lines.append((number, line))
    return lines


def code_spans(page: Path) -> list[tuple[int, str]]:
    return [(n, span.replace("\\|", "|")) for n, line in prose(page)
            for span in re.findall(r"`([^`]+)`", line)]  # fmt: skip


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of ``page``'s headings; a repeated heading gets -1, -2, … as on GitHub."""
    found, counts = set(), dict[str, int]()
    for _, line in prose(page):
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            base = slug(heading.group(1))
            repeat = counts.get(base, 0)
            counts[base] = repeat + 1
            found.add(f"{base}-{repeat}" if repeat else base)
    return found


# ---- commands ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Command:
    where: str
    words: tuple[str, ...]  # as written, placeholders filled in, without the program


def _fill(text: str) -> str:
    return PLACEHOLDER.sub(lambda match: PLACEHOLDERS[match.group(1)], text)


def shell_words(line: str) -> list[str]:
    """A shell line's words up to its first pipe, redirection or separator; no comment."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words = []
    for word in lexer:
        if word in SHELL_OPERATORS:
            break
        words.append(word)
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):  # VAR=value before a command
        words.pop(0)
    if words[:1] == ["xvfb-run"]:
        words.pop(0)
        while words and words[0].startswith("-"):
            words.pop(0)
    return words


def block_commands(block: Block) -> list[tuple[str, list[str]]]:
    """(where, words) of every command line of a shell block, continuation lines joined."""
    commands, pending, start = [], "", 0
    for offset, line in enumerate(block.lines):
        if not pending:
            start = block.line + offset
        pending += line.rstrip().removesuffix("\\") + " "
        if line.rstrip().endswith("\\"):
            continue
        text, pending = pending.strip().removeprefix("$ "), ""
        if text and not text.startswith("#"):
            commands.append((f"{block.page.relative_to(ROOT)}:{start}", shell_words(_fill(text))))
    return commands


def expand(synopsis: str) -> list[str]:
    """Concrete command lines for a usage synopsis: without and with every ``[optional]``
    part, and each alternative of ``a|b`` in turn."""

    def variants(text: str) -> tuple[str, str]:  # (all optionals left out, all put in)
        shortest, longest, depth, part = [], [], 0, ""
        for char in text:
            if char == "[":
                if depth == 0:
                    shortest.append(part)
                    longest.append(part)
                    part = ""
                else:
                    part += char
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    longest.append(variants(part)[1])
                    part = ""
                else:
                    part += char
            else:
                part += char
        if depth:
            raise ValueError(f"unbalanced [ ] in {synopsis!r}")
        return "".join([*shortest, part]), "".join([*longest, part])

    lines = []
    for text in variants(synopsis):
        choices = [word.split("|") for word in text.split()]
        for pick in range(max((len(c) for c in choices), default=1)):
            lines.append(" ".join(c[min(pick, len(c) - 1)] for c in choices))
    return list(dict.fromkeys(lines))


def commands() -> list[Command]:
    """Every `terminal …` command of the pages: code-block lines and table synopses."""
    found = []
    for page in PAGES:
        for block in blocks(page):
            if block.language in NOT_SHELL:
                continue
            for where, words in block_commands(block):
                if words and words[0] in TERMINAL_WORDS:
                    found.append(Command(where, tuple(words[1:])))
        for number, line in prose(page):
            cell = re.match(r"^\|\s*`(terminal(?: [^`]*)?)`\s*\|", line)
            if cell:
                for text in expand(cell.group(1).replace("\\|", "|")):
                    found.append(Command(f"{page.relative_to(ROOT)}:{number}",
                                         tuple(shlex.split(_fill(text))[1:])))  # fmt: skip
    return found


def parse_problem(words: tuple[str, ...] | list[str]) -> str:
    """"" when the command line parses, else argparse's complaint (or a leftover placeholder)."""
    leftover = [w for w in words if re.fullmatch(r"[A-Z][A-Z_]*", w)]
    if leftover:
        return f"placeholder without a sample value: {leftover}"
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            build_parser().parse_args(list(words))
    except SystemExit as exit_:
        return f"exit {exit_.code}: {stderr.getvalue().strip()}"
    return ""


ALL_COMMANDS = commands()


def test_the_pages_hold_commands_to_check() -> None:
    """The extraction finds the command table and the examples (it cannot silently miss)."""
    pages = {command.where.split(":")[0] for command in ALL_COMMANDS}
    assert len(ALL_COMMANDS) >= 40, len(ALL_COMMANDS)
    assert {"docs/commands.md", "docs/serving.md", "docs/trading.md"} <= pages, pages


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda c: f"{c.where} {' '.join(c.words)}")
def test_every_terminal_command_parses(command: Command) -> None:
    line = f"{command.where}: terminal {' '.join(command.words)}"
    assert parse_problem(command.words) == "", line


def test_a_command_that_does_not_parse_is_caught() -> None:
    assert parse_problem(["order", "--broker", "paper", "--side", "hold"])
    assert parse_problem(["serve", "--metrics-port", "PORT"])
    assert parse_problem(["nonsense"])
    assert expand("terminal x --a N [--b P [--c]] --d u|v") == [
        "terminal x --a N --d u", "terminal x --a N --d v",
        "terminal x --a N --b P --c --d u", "terminal x --a N --b P --c --d v",
    ]  # fmt: skip


def script_problems(words: list[str]) -> list[str] | None:
    """What is wrong with a set-up or benchmark line (the script is missing, or does not know
    an option given to it); None for a line that is neither."""
    if words[:2] == ["bash", ".ci/setup.sh"]:
        setup = (ROOT / ".ci" / "setup.sh").read_text(encoding="utf-8")
        return [f"setup.sh has no verb {w}" for w in words[2:3] if f"{w})" not in setup]
    module = words[1:2] == ["-m"]
    target = words[2 if module else 1] if len(words) > (2 if module else 1) else ""
    if words[0] not in PYTHON_WORDS or not target.startswith("tests"):
        return None
    script = ROOT / target
    if module:  # a module, or a package run by its __main__
        script = ROOT / target.replace(".", "/")
        script = script / "__main__.py" if script.is_dir() else script.with_suffix(".py")
    if not script.is_file():
        return [f"no file {script.relative_to(ROOT)}"]
    source = script.read_text(encoding="utf-8")
    return [f"{script.name} knows no {w}" for w in words if w.startswith("--")
            and f'"{w}"' not in source]  # fmt: skip


def test_setup_and_benchmark_lines_name_scripts_and_options_that_exist() -> None:
    problems, checked = [], 0
    for page in PAGES:
        spans = [(f"{page.relative_to(ROOT)}:{n}", shell_words(_fill(text)))
                 for n, span in code_spans(page) for text in expand(span)]  # fmt: skip
        lines = [c for b in blocks(page) if b.language not in NOT_SHELL for c in block_commands(b)]
        for where, words in spans + lines:
            found = script_problems(words) if words else None
            if found is not None:
                checked += 1
                problems += [f"{where}: {problem}" for problem in found]
    assert checked >= 10, checked
    assert not problems, problems


def test_readme_opens_with_the_two_setup_commands() -> None:
    first = blocks(ROOT / "README.md")[0]
    assert list(first.lines) == SETUP_COMMANDS
    assert first.line == 4  # right under the title: CI and users copy them from there


# ---- links and names -----------------------------------------------------------------------
def test_every_relative_link_and_anchor_leads_somewhere() -> None:
    problems, checked = [], 0
    for page in PAGES:
        for number, line in prose(page):
            for target in re.findall(r"\]\(([^)\s]+)\)", re.sub(r"`[^`]*`", "", line)):
                if re.match(r"^[a-z]+:", target):  # https:, mailto:
                    continue
                checked += 1
                path, _, fragment = target.partition("#")
                file = (page.parent / path).resolve() if path else page
                where = f"{page.relative_to(ROOT)}:{number}: {target}"
                if not file.exists():
                    problems.append(f"{where}: no such file")
                elif fragment and file.suffix == ".md" and fragment not in anchors(file):
                    problems.append(f"{where}: no heading #{fragment} in {file.name}")
    assert checked >= 50, checked
    assert not problems, problems


def _defined_names(module: Path) -> set[str]:
    names = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def dotted_problem(name: str) -> str:
    """"" if ``terminal.a.b[.Attr]`` is a module of the project (and Attr defined in it)."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        module = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if module.is_file():
            rest = parts[cut:]
            if rest and rest[0] not in _defined_names(module):
                return f"{'.'.join(parts[:cut])} defines no {rest[0]}"
            return ""
    return "no such module"


def test_every_file_and_module_the_pages_name_exists() -> None:
    groups = set(ENTRY_POINT_GROUPS.values())
    problems, checked = [], 0
    for page in PAGES:
        for number, span in code_spans(page):
            where = f"{page.relative_to(ROOT)}:{number}: {span}"
            for name in re.findall(r"(?<![\w/.])terminal(?:\.[A-Za-z_]\w*)+", span):
                if name not in groups:
                    checked += 1
                    problem = dotted_problem(name)
                    problems += [f"{where}: {problem}"] if problem else []
            path = re.fullmatch(r"(?:terminal|plugins|tests|resources|docs|\.ci)/[\w./*-]*", span)
            if path:
                checked += 1
                pattern = re.sub(r"\b[A-Z][A-Z_]*\b", "*", span.rstrip("/"))  # NAME.toml
                if not any(ROOT.glob(pattern)):
                    problems.append(f"{where}: no such file")
    assert checked >= 40, checked
    assert not problems, problems


def test_python_examples_run() -> None:
    """Each page's Python blocks, in order in one namespace: imports and class definitions."""
    ran = 0
    for page in PAGES:
        namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
        for block in blocks(page):
            if block.language == "python":
                source = "\n" * (block.line - 1) + "\n".join(block.lines)
                exec(compile(source, str(page), "exec"), namespace)  # our own pages' examples
                ran += 1
    assert ran >= 2, ran


def test_architecture_page_names_every_package_and_engine_module() -> None:
    """The page keeps up with the code: each package of terminal/ (two levels) and each module
    at the top of terminal/engine appears on it in a code span."""
    architecture = ROOT / "docs" / "architecture.md"
    spans = " ".join(span for _, span in code_spans(architecture))
    packages = [p.parent for p in (ROOT / "terminal").glob("*/__init__.py")]
    packages += [p.parent for p in (ROOT / "terminal").glob("*/*/__init__.py")]
    missing = [str(p.relative_to(ROOT)) for p in packages
               if f"{p.name}/" not in spans and str(p.relative_to(ROOT)) not in spans]  # fmt: skip
    missing += [m.name for m in (ROOT / "terminal" / "engine").glob("*.py")
                if m.name != "__init__.py" and m.name not in spans]  # fmt: skip
    assert not missing, f"not on docs/architecture.md: {missing}"


def test_every_package_says_what_it_owns() -> None:
    """The package table of the architecture page is read from these docstrings."""
    silent = [str(p.relative_to(ROOT)) for p in (ROOT / "terminal").rglob("__init__.py")
              if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]  # fmt: skip
    assert not silent, silent
    assert re.search(r"\bimg/architecture\.svg\b", (ROOT / "docs" / "architecture.md").read_text())


def test_the_metrics_table_lists_the_metrics_the_endpoint_serves() -> None:
    source = (ROOT / "terminal" / "engine" / "monitoring" / "prometheus.py").read_text()
    served = set(re.findall(r'"(terminal_[a-z_]+)"', source))
    table = {re.sub(r"_total$", "", name) for name in re.findall(
        r"^\| `(terminal_[a-z_]+)` \|", (ROOT / "docs" / "monitoring.md").read_text(), re.M)}
    assert served == table, {"not documented": served - table, "not served": table - served}
