"""``terminal quotes parse``: a saved vendor answer → one JSON line per instrument."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import msgspec

from terminal.adapters.quotes.encoding import SAVED, decode_answer
from terminal.adapters.quotes.parsers import PARSERS


def parse_file(
    vendor: str, path: Path, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Print the ticks of ``path`` as JSON lines; problems go to ``err`` naming the line.

    Returns 0 when every line parsed (empty answers and suspended instruments included),
    1 when some line was malformed, 2 when the file cannot be read."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        # Saved as the vendor sent it (GBK) or re-saved as UTF-8, or a mix of lines.
        text, bad_lines = decode_answer(path.read_bytes(), SAVED)
    except OSError as exc:
        print(f"terminal: cannot read {path}: {exc.strerror}", file=err)
        return 2
    for line in bad_lines:
        print(f"terminal: {path} line {line}: neither UTF-8 nor GBK; read with "
              "replacement characters", file=err)  # fmt: skip
    result = PARSERS[vendor]().parse(text, only_changed=False)
    for tick in result.ticks:
        record = {"name": result.names.get(tick.symbol, ""), **msgspec.structs.asdict(tick)}
        out.write(msgspec.json.encode(record).decode() + "\n")
    for line, reason in sorted(result.malformed):
        print(f"terminal: {path} line {line}: {reason}", file=err)
    print(
        f"{len(result.ticks)} ticks ({result.untraded} without a trade today, "
        f"{result.suspended} suspended or delisted), {result.empty} empty, "
        f"{len(result.malformed)} malformed",
        file=err,
    )
    return 1 if result.malformed else 0
