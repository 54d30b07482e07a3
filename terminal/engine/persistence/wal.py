"""Reading a SQLite write-ahead log frame by frame, to tell a damaged log from a clean one.

SQLite reads a WAL up to its first frame whose checksum fails and silently ignores the rest,
committed transactions included. :func:`scan_wal` walks every frame itself: the frames of the
log's current generation carry its salts, so a frame with those salts *after* a failing one
is data SQLite would drop — damage, not a torn tail. :func:`repaired_wal` writes the log
again without the failing frames' transactions, checksums chained anew, for recovery.

Format (sqlite.org/fileformat2.html#walformat): a 32-byte header (magic, version, page size,
checkpoint sequence, two salts, a checksum of the first 24 bytes), then frames of a 24-byte
header (page number, database size for a commit frame else 0, the salts, a checksum of its
first 8 bytes and the page, chained from the previous frame) and one page.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HEADER = 32
FRAME_HEADER = 24
MAGIC = (0x377F0682, 0x377F0683)  # the low bit: checksums over big-endian words
MASK = 0xFFFFFFFF


@dataclass(slots=True)
class WalScan:
    """What a log holds: ``valid`` frames SQLite reads, then what it would drop."""

    frames: int = 0
    """Complete frames in the file (of any generation)."""
    valid: int = 0
    """Leading frames whose salts and checksums hold: what SQLite reads."""
    committed: int = 0
    """Committed transactions among the valid frames."""
    bad: list[int] = field(default_factory=list)
    """Frames of this generation whose checksum fails (0-based)."""
    dropped: int = 0
    """Frames of this generation after the first bad one: SQLite ignores them."""
    dropped_commits: int = 0
    """Committed transactions among those."""
    header_ok: bool = True

    @property
    def damaged(self) -> bool:
        return (
            not self.header_ok or self.dropped_commits > 0 or (bool(self.bad) and self.dropped > 0)
        )


def _checksum(data: bytes, big_endian: bool, s0: int = 0, s1: int = 0) -> tuple[int, int]:
    """SQLite's WAL checksum of ``data`` (a multiple of 8 bytes), from (s0, s1)."""
    words = np.frombuffer(data, dtype=">u4" if big_endian else "<u4").astype(np.uint64)
    for a, b in zip(words[0::2].tolist(), words[1::2].tolist(), strict=True):
        s0 = (s0 + a + s1) & MASK
        s1 = (s1 + b + s0) & MASK
    return s0, s1


class _FrameSums:
    """The checksum over a frame as a linear map of the previous one (per pair of words,
    (s0, s1) ← M·(s0, s1) + (a, a + b) with M = [[1, 1], [1, 2]]): the data part of every
    frame at once with numpy, then a cheap chain from frame to frame."""

    def __init__(self, pairs: int) -> None:
        powers = [np.array([[1, 0], [0, 1]], dtype=object)]
        step = np.array([[1, 1], [1, 2]], dtype=object)
        for _ in range(pairs):
            powers.append((step @ powers[-1]) % (MASK + 1))
        self.whole = [[int(v) for v in row] for row in powers[pairs]]
        ordered = powers[pairs - 1 :: -1] if pairs else []
        self.p = {
            (i, j): np.array([int(m[i][j]) for m in ordered], dtype=np.uint64)
            for i in (0, 1) for j in (0, 1)
        }  # fmt: skip

    def parts(self, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per frame (rows of ``words``, each a frame's 8 header bytes and page as words),
        what its data adds to (s0, s1); uint64 arithmetic wraps, which is exact mod 2**32."""
        a, b = words[:, 0::2], words[:, 1::2]
        with np.errstate(over="ignore"):
            u0, u1 = a, a + b
            c0 = (u0 * self.p[0, 0]).sum(axis=1) + (u1 * self.p[0, 1]).sum(axis=1)
            c1 = (u0 * self.p[1, 0]).sum(axis=1) + (u1 * self.p[1, 1]).sum(axis=1)
        return c0 & np.uint64(MASK), c1 & np.uint64(MASK)

    def chain(self, s0: int, s1: int, c0: int, c1: int) -> tuple[int, int]:
        (m00, m01), (m10, m11) = self.whole
        return (m00 * s0 + m01 * s1 + c0) & MASK, (m10 * s0 + m11 * s1 + c1) & MASK


def _read_frames(raw: bytes, page_size: int) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    size = FRAME_HEADER + page_size
    count = (len(raw) - HEADER) // size
    body = np.frombuffer(raw, dtype=np.uint8, count=count * size, offset=HEADER)
    body = body.reshape(count, size)
    heads = [struct.unpack(">6I", body[i, :FRAME_HEADER].tobytes()) for i in range(count)]
    # What a frame's checksum covers: the first 8 bytes of its header, then its page.
    covered = np.ascontiguousarray(np.concatenate([body[:, :8], body[:, FRAME_HEADER:]], axis=1))
    return covered, heads


class _Log:
    """A log's header and frames, with each frame's checksum contribution worked out."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        magic, _, self.page_size, _, salt1, salt2, sum1, sum2 = struct.unpack(">8I", raw[:HEADER])
        self.big = bool(magic & 1)
        self.salts, self.start = (salt1, salt2), (sum1, sum2)
        self.header_ok = (
            magic in MAGIC
            and self.page_size >= 512
            and not self.page_size & (self.page_size - 1)
            and _checksum(raw[:24], self.big) == self.start
        )
        if not self.header_ok:
            self.heads: list[tuple[int, ...]] = []
            return
        covered, self.heads = _read_frames(raw, self.page_size)
        self.sums = _FrameSums(1 + self.page_size // 8)
        words = covered.view(">u4" if self.big else "<u4").astype(np.uint64)
        self.c0, self.c1 = self.sums.parts(words)
        # This generation's frames: the others are left over from before the log restarted.
        self.mine = [i for i, h in enumerate(self.heads) if (h[2], h[3]) == self.salts]

    def follow(self, state: tuple[int, int], index: int) -> tuple[int, int]:
        return self.sums.chain(*state, int(self.c0[index]), int(self.c1[index]))

    def stored(self, index: int) -> tuple[int, int]:
        return self.heads[index][4], self.heads[index][5]

    def bad(self) -> list[int]:
        """Frames whose stored checksum does not follow from the stored one before them:
        the frame changed after it was written (a bad checksum field marks the next too)."""
        found, previous = [], self.start
        for index in self.mine:
            if self.follow(previous, index) != self.stored(index):
                found.append(index)
            previous = self.stored(index)
        return found


def scan_wal(path: Path) -> WalScan | None:
    """Walk the log at ``path``; None when there is none (or it holds no frame)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if len(raw) < HEADER:
        return None
    log = _Log(raw)
    scan = WalScan(header_ok=log.header_ok)
    if not log.header_ok:
        page = max(512, log.page_size if 512 <= log.page_size <= 65536 else 4096)
        scan.frames = (len(raw) - HEADER) // (FRAME_HEADER + page)
        return scan if scan.frames else None
    scan.frames = len(log.heads)
    if not log.heads:
        return None
    state, reading = log.start, True
    for index in log.mine:
        commit = log.heads[index][1] > 0
        if reading:
            state = log.follow(state, index)
            if state == log.stored(index):
                scan.valid, scan.committed = index + 1, scan.committed + commit
                continue
            reading = False  # SQLite stops here
            continue
        scan.dropped += 1
        scan.dropped_commits += commit
    scan.bad = log.bad()
    return scan


def repaired_wal(path: Path, target: Path) -> int:
    """Write ``path``'s log to ``target`` without the transactions that hold a bad frame and
    without an uncommitted tail (the rest of this generation kept, checksums chained anew),
    so that SQLite reads every transaction that survived. Returns the frames left out."""
    log = _Log(path.read_bytes())
    if not log.header_ok:
        target.write_bytes(b"")
        return 0
    bad = set(log.bad())
    transactions: list[list[int]] = [[]]
    for index in log.mine:
        transactions[-1].append(index)
        if log.heads[index][1]:
            transactions.append([])
    frame_size = FRAME_HEADER + log.page_size
    state, kept, left_out = log.start, [log.raw[:HEADER]], 0
    for frames in transactions:
        if not frames:
            continue
        if not log.heads[frames[-1]][1] or bad.intersection(frames):
            left_out += len(frames)
            continue
        for index in frames:
            state = log.follow(state, index)
            start = HEADER + index * frame_size
            head = struct.pack(">6I", *log.heads[index][:4], *state)
            kept.append(head + log.raw[start + FRAME_HEADER : start + frame_size])
    target.write_bytes(b"".join(kept))
    return left_out
