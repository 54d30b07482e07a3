"""The journal under faults: a killed run loses at most its last flush interval and says so;
a cut-off tail is told from damage; a replay is never called identical when records were lost
or unreadable."""

from __future__ import annotations

import asyncio
import os
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument
from terminal.engine import journal as j
from tests.aio import run
from tests.engine.helpers import quote

STOCK = Instrument("TEST.X", "Test", "X", AssetClass.STOCK, tick_size=0.01)


def records(count: int) -> list[j.Record]:
    ticks: list[j.Record] = [j.TickRec(i, quote(10.0 + i / 100, 9.99, 10.01)) for i in range(count)]
    return [j.SetupRec(0, [STOCK], ["paper"]), *ticks]


def closed_journal(path: Path, count: int = 10) -> list[j.Record]:
    writer = j.JournalWriter(path)
    written = records(count)
    for record in written:
        writer.write(record)
    writer.close()
    return written


def frame_offsets(data: bytes) -> list[int]:
    """Where each record's frame starts in a version-3 file."""
    offsets, offset = [], 6
    while offset < len(data):
        offsets.append(offset)
        offset += 8 + struct.unpack_from("<I", data, offset)[0] + 4
    return offsets


def replay_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["replay", str(path)])
    out, err = capsys.readouterr()
    return status, out, err


def test_records_reach_the_file_within_the_flush_interval(tmp_path: Path) -> None:
    path = tmp_path / "run.tjnl"

    async def scenario() -> list[j.Record]:
        writer = j.JournalWriter(path)
        for record in records(3):
            writer.write(record)
        await asyncio.sleep(j.FLUSH_INTERVAL_S * 2)
        problems: list[str] = []
        on_disk = j.read_journal(path, problems)
        assert problems and "was not closed by its run" in problems[0]
        writer.close()
        return on_disk

    assert run(scenario()) == records(3)
    assert j.scan_journal(path).problems == []  # closed: complete, nothing to report


@pytest.mark.slow
def test_a_run_killed_with_sigkill_keeps_what_it_wrote_and_the_replay_says_it_is_cut_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "killed.tjnl"
    child = textwrap.dedent(
        f"""
        import asyncio, sys
        from pathlib import Path
        from terminal.engine import journal as j
        from tests.engine.test_journal_damage import records

        async def main():
            writer = j.JournalWriter(Path({str(path)!r}))
            for record in records(500):
                writer.write(record)
            print("written", flush=True)
            await asyncio.sleep(60)

        asyncio.run(main())
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "written"
        # Well past the flush interval, as a crash at any moment after it would be.
        asyncio.run(asyncio.sleep(j.FLUSH_INTERVAL_S + 0.3))
    finally:
        process.kill()
        process.wait()
        assert process.stdout is not None
        process.stdout.close()
    scan = j.scan_journal(path)
    assert scan.records == records(500) and not scan.damaged
    assert len(scan.problems) == 1 and "was not closed by its run (killed" in scan.problems[0]
    status, out, err = replay_cli(path, capsys)
    assert status == 3, (out, err)
    assert "was not closed by its run" in err
    assert "identical" not in out and "cannot be compared" in out


def test_a_damaged_length_field_mid_file_is_damage_not_truncation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "run.tjnl"
    written = closed_journal(path)
    data = bytearray(path.read_bytes())
    fifth = frame_offsets(bytes(data))[4]
    struct.pack_into("<I", data, fifth, 0x7FFF0000)  # a length far past the end of the file
    path.write_bytes(bytes(data))
    scan = j.scan_journal(path)
    assert scan.damaged and scan.records == written[:4]
    (problem,) = scan.problems
    assert f"record 5 (at byte {fifth}): its length field is damaged" in problem
    assert "truncated" not in problem and "the 4 records before it are readable" in problem
    with pytest.raises(j.JournalError, match="is damaged: record 5"):
        j.read_journal(path)
    status, out, err = replay_cli(path, capsys)
    assert status == 2 and "identical" not in out
    assert "is damaged: record 5" in err and "journal is damaged" in out


def test_garbage_is_damage_whatever_its_header_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = os.urandom(10 << 20)
    for version in (3, 2):
        path = tmp_path / f"garbage-v{version}.tjnl"
        path.write_bytes(struct.pack("<4sH", b"TJNL", version) + garbage)
        scan = j.scan_journal(path)
        assert scan.damaged and scan.records == [], (version, scan.problems)
        assert "is damaged: record 1 (at byte 6)" in scan.problems[0]
        status, out, _ = replay_cli(path, capsys)
        assert status == 2 and "identical" not in out, (version, out)
    # After good records: the good ones are kept, the rest is called lost.
    path = tmp_path / "tail.tjnl"
    written = closed_journal(path)
    with path.open("r+b") as handle:
        handle.seek(-16, os.SEEK_END)  # into the end record
        handle.write(garbage)
    scan = j.scan_journal(path)
    assert scan.damaged and scan.records == written


def test_a_flipped_byte_a_removed_record_and_bytes_after_the_end_are_damage(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.tjnl"
    written = closed_journal(path)
    pristine = path.read_bytes()
    offsets = frame_offsets(pristine)
    flipped = bytearray(pristine)
    flipped[offsets[2] + 20] ^= 0x01  # a bit of a price, which msgpack alone would accept
    path.write_bytes(bytes(flipped))
    scan = j.scan_journal(path)
    assert scan.damaged and scan.records == written[:2]
    assert "record 3" in scan.problems[0] and "checksum does not match" in scan.problems[0]

    path.write_bytes(pristine[: offsets[3]] + pristine[offsets[4] :])  # record 4 cut out
    scan = j.scan_journal(path)
    assert scan.damaged and "the run wrote 11 records but 10 are here" in scan.problems[0]

    path.write_bytes(pristine + b"\x00" * 9)
    scan = j.scan_journal(path)
    assert scan.damaged and "9 bytes follow the end of the run" in scan.problems[0]


def test_a_cut_off_tail_is_truncation_and_the_replay_is_not_called_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "run.tjnl"
    writer = j.JournalWriter(path)
    written = records(10)
    for record in written:
        writer.write(record)
    writer.flush()
    data = path.read_bytes()
    writer.close()
    last = frame_offsets(data)[-1]
    path.write_bytes(data[: last + 12])  # the run died mid-way through writing its last record
    scan = j.scan_journal(path)
    assert not scan.damaged and scan.records == written[:-1]
    assert scan.problems == [
        f"{path} is truncated: its last record (at byte {last}) is incomplete and was dropped; "
        "10 complete records remain"
    ]
    assert j.read_journal(path) == written[:-1]  # not damage: readable without asking
    status, out, err = replay_cli(path, capsys)
    assert status == 3 and "is truncated" in err
    assert "identical" not in out and "ends early" in out
