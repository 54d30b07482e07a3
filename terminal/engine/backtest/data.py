"""The bars of a backtest: read from the terminal's bar store or a CSV/Parquet file, cut to the
date range, higher timeframes derived, and laid out as columns in the order they close.

Each (symbol, timeframe) becomes a :class:`SeriesData`: its :class:`BarColumns` (what the
strategy runtime reads), when each bar closes, and Python lists of its fields so building the
``Bar`` handed to ``on_bar`` costs no numpy call. The run takes the bars of all series in the
order they close (:func:`event_order`): bars closing together come in the order of the
strategy's timeframes, then its symbols, as warm-up history does live.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from terminal.domain.instrument import Instrument
from terminal.domain.market import Bar
from terminal.engine.bars.batch import resample_bars
from terminal.engine.bars.timeframes import Timeframe, parse_timeframe
from terminal.engine.sessions import ALWAYS, load_sessions, session_calendar
from terminal.engine.strategy.bar_series import BarColumns

DAY_NS = 86_400_000_000_000
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")  # as the bar store names its files
NOMINAL_NS = {"day": DAY_NS, "week": 7 * DAY_NS, "month": 31 * DAY_NS}


class MissingBars(ValueError):
    """Bars the backtest needs are not there; the message says which and how to get them."""


class SeriesData:
    """Every bar of one symbol and timeframe in the backtest's range."""

    def __init__(self, symbol: str, timeframe: str, frame: pd.DataFrame) -> None:
        self.symbol, self.timeframe = symbol, timeframe
        tf = parse_timeframe(timeframe)
        start = frame["start"].to_numpy(np.int64)
        self.columns = BarColumns(
            start, *(frame[name].to_numpy(np.float64)
                     for name in ("open", "high", "low", "close", "volume"))
        )  # fmt: skip
        self.ends = bar_ends(start, tf)
        self.starts: list[int] = self.columns.starts
        self.opens: list[float] = self.columns.open.tolist()
        self.highs: list[float] = self.columns.high.tolist()
        self.lows: list[float] = self.columns.low.tolist()
        self.closes: list[float] = self.columns.close.tolist()
        self.volumes: list[float] = self.columns.volume.tolist()

    def __len__(self) -> int:
        return len(self.columns)

    def bar(self, i: int) -> Bar:
        return Bar(self.symbol, self.timeframe, self.starts[i], self.opens[i], self.highs[i],
                   self.lows[i], self.closes[i], self.volumes[i])  # fmt: skip


def bar_ends(start: np.ndarray, tf: Timeframe) -> np.ndarray:
    """When each bar closes: start + length within the day; a day, week or month bar closes
    when the next one starts (the last one after its nominal length)."""
    if tf.intraday:
        return start + tf.length_ns
    ends = np.empty_like(start)
    ends[:-1] = start[1:]
    if len(start):
        ends[-1] = start[-1] + NOMINAL_NS[tf.kind]
    return ends


class BacktestData:
    """The series of one run: ``base`` (the bars orders fill against, one series per symbol)
    and the series of each timeframe the strategy declares (derived from the base ones)."""

    def __init__(
        self,
        frames: Mapping[str, pd.DataFrame],
        timeframe: str,
        strategy_timeframes: Sequence[str],
        instruments: Mapping[str, Instrument],
        strategy: str = "the strategy",
    ) -> None:
        """``frames``: base bars per symbol (columns start, open, high, low, close, volume;
        sorted by start), ``timeframe`` their timeframe; ``strategy`` names the class whose
        ``strategy_timeframes`` they are, in a refusal."""
        self.timeframe = timeframe
        self.symbols = tuple(frames)
        self.timeframes = tuple(strategy_timeframes)
        self.frames = dict(frames)
        self.instruments = dict(instruments)
        base_tf = parse_timeframe(timeframe)
        self.series: dict[tuple[str, str], SeriesData] = {}
        for symbol, frame in frames.items():
            self.series[(symbol, timeframe)] = SeriesData(symbol, timeframe, frame)
            for name in strategy_timeframes:
                if name == timeframe:
                    continue
                tf = parse_timeframe(name)
                if tf.sort_key < base_tf.sort_key:
                    raise ValueError(
                        f"{strategy} takes {name} bars, finer than the {timeframe} bars "
                        f"loaded: backtest it on {name} bars (or finer)"
                    )
                derived = _derive(frame, symbol, timeframe, tf, instruments.get(symbol))
                self.series[(symbol, name)] = SeriesData(symbol, name, derived)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its frames (to a worker process): the derived series and lists are
        # rebuilt there, faster than they would pickle.
        return (BacktestData, (self.frames, self.timeframe, self.timeframes, self.instruments))

    def between(self, first_ns: int, end_ns: int) -> BacktestData:
        """The bars starting in [first_ns, end_ns) (a walk-forward fold)."""
        frames = {}
        for symbol, frame in self.frames.items():
            start = frame["start"]
            part = frame[(start >= first_ns) & (start < end_ns)].reset_index(drop=True)
            if part.empty:
                raise MissingBars(f"no {self.timeframe} bars of {symbol} in that part of the range")
            frames[symbol] = part
        return BacktestData(frames, self.timeframe, self.timeframes, self.instruments)

    def span(self) -> tuple[int, int]:
        """First start and last end of the base bars (UTC ns)."""
        bases = [self.base(symbol) for symbol in self.symbols]
        return min(int(b.columns.start[0]) for b in bases), max(int(b.ends[-1]) for b in bases)

    def columns(self, symbol: str, timeframe: str) -> BarColumns | None:
        found = self.series.get((symbol, timeframe))
        return found.columns if found is not None else None

    def base(self, symbol: str) -> SeriesData:
        return self.series[(symbol, self.timeframe)]

    @property
    def bar_count(self) -> int:
        return sum(len(self.base(symbol)) for symbol in self.symbols)


def _derive(
    frame: pd.DataFrame, symbol: str, base: str, tf: Timeframe, instrument: Instrument | None
) -> pd.DataFrame:
    sessions = load_sessions().get(instrument.sessions, ALWAYS) if instrument else ALWAYS
    lower = frame.assign(symbol=symbol, timeframe=base, turnover=0.0, open_interest=0.0, ticks=0)
    try:
        return resample_bars(lower, session_calendar(sessions), tf).reset_index(drop=True)
    except ValueError as exc:
        raise ValueError(f"{symbol}: cannot build {tf.name} bars from {base} bars: {exc}") from None


def event_order(
    data: BacktestData,
) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray, np.ndarray]:
    """The bars of every series in the order they close: the series keys, and per event the
    index of its series, of its bar, and when it closes. Ties: the base timeframe first, then
    the strategy's timeframes in order, then symbols in order."""
    tf_order = [data.timeframe, *(tf for tf in data.timeframes if tf != data.timeframe)]
    keys = [(s, tf) for tf in tf_order for s in data.symbols if (s, tf) in data.series]
    if len(keys) == 1:  # one series (most backtests): its own order, nothing to sort
        only = data.series[keys[0]]
        return keys, np.zeros(len(only), np.int32), np.arange(len(only)), only.ends
    ends = np.concatenate([data.series[key].ends for key in keys])
    which = np.concatenate(
        [np.full(len(data.series[key]), n, np.int32) for n, key in enumerate(keys)]
    )
    index = np.concatenate([np.arange(len(data.series[key]), dtype=np.int64) for key in keys])
    order = np.lexsort((which, ends))  # by end, then by series rank; stable
    return keys, which[order], index[order], ends[order]


# ---- reading bars -------------------------------------------------------------------------
def store_file(folder: Path, symbol: str, timeframe: str) -> Path:
    """The bar store's file of one series (``BarStore.save`` names them so)."""
    return folder / f"{_UNSAFE.sub('_', symbol)}__{timeframe}.npz"


def timezone_of(instrument: Instrument | None) -> ZoneInfo:
    """The time zone dates of a range are read in: the instrument's exchange's."""
    if instrument is None:
        return ZoneInfo("UTC")
    return load_sessions().get(instrument.sessions, ALWAYS).tz


def range_ns(first: date | None, last: date | None, tz: ZoneInfo) -> tuple[int, int]:
    """[first day's midnight, the day after ``last``'s midnight) in ``tz``, as UTC ns."""
    low = int(datetime.combine(first, time(0), tz).timestamp() * 1e9) if first else -(2**62)
    high = (
        int(datetime.combine(last + timedelta(days=1), time(0), tz).timestamp() * 1e9)
        if last
        else 2**62
    )
    return low, high


def read_store(
    folder: Path,
    symbols: Sequence[str],
    timeframe: str,
    first: date | None,
    last: date | None,
    instruments: Mapping[str, Instrument],
) -> dict[str, pd.DataFrame]:
    """Each symbol's stored bars of ``timeframe`` in [first, last]; :class:`MissingBars`
    naming every symbol without any, and the command that downloads them."""
    frames: dict[str, pd.DataFrame] = {}
    missing: list[str] = []
    for symbol in symbols:
        path = store_file(folder, symbol, timeframe)
        low, high = range_ns(first, last, timezone_of(instruments.get(symbol)))
        frame = _read_npz(path) if path.is_file() else None
        held = "" if frame is None or frame.empty else _span(frame, instruments.get(symbol))
        if frame is not None:
            frame = frame[(frame["start"] >= low) & (frame["start"] < high)]
        if frame is None or frame.empty:
            missing.append(f"{symbol} ({'the store holds ' + held if held else 'none stored'})")
            continue
        frames[symbol] = frame.reset_index(drop=True)
    if missing:
        period = f"{first or 'the start'} to {last or 'the end'}"
        command = f"terminal history download {' '.join(symbols)} --timeframe {timeframe}"
        command += f" --start {first}" if first else ""
        command += f" --end {last}" if last else ""
        raise MissingBars(
            f"no stored {timeframe} bars from {period} for {', '.join(missing)} in {folder}; "
            f"download them with `{command}`, or give a bars file with --data"
        )
    return frames


def _span(frame: pd.DataFrame, instrument: Instrument | None) -> str:
    tz = timezone_of(instrument)
    first, last = (pd.Timestamp(int(frame["start"].iloc[i]), tz="UTC").tz_convert(tz).date()
                   for i in (0, -1))  # fmt: skip
    return f"{first} to {last}"


def _read_npz(path: Path) -> pd.DataFrame:
    with np.load(path) as data:
        start = data["start"].astype(np.int64)
        values = data["values"].astype(np.float64)
    frame = pd.DataFrame(values[:, :5], columns=["open", "high", "low", "close", "volume"])
    frame.insert(0, "start", start)
    return frame.sort_values("start", kind="stable").reset_index(drop=True)


def read_bars_file(
    path: Path, instruments: Mapping[str, Instrument], first: date | None, last: date | None
) -> tuple[dict[str, pd.DataFrame], str | None]:
    """Bars from CSV or Parquet with the columns ``terminal bars`` and ``terminal history
    download`` write (``symbol,datetime,open,high,low,close,volume``; ``start`` in UTC ns
    instead of ``datetime`` also works). Naive datetimes are the exchange's local time.
    Returns the bars per symbol and the file's ``timeframe`` column, if it has one."""
    if not path.is_file():
        raise ValueError(f"--data: no such file: {path}")
    frame = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    time_column = "datetime" if "datetime" in frame.columns else "start"
    needed = ["symbol", time_column, "open", "high", "low", "close"]
    missing = [name for name in needed if name not in frame.columns]
    if missing:
        raise ValueError(
            f"--data {path}: missing columns {missing}; need "
            "symbol,datetime,open,high,low,close[,volume]"
        )
    if "volume" not in frame.columns:
        frame["volume"] = 0.0
    timeframes = frame["timeframe"].dropna().unique().tolist() if "timeframe" in frame else []
    if len(timeframes) > 1:
        raise ValueError(f"--data {path}: several timeframes {timeframes}; keep one per file")
    frames: dict[str, pd.DataFrame] = {}
    for symbol, part in frame.groupby(frame["symbol"].astype(str), sort=False):
        instrument = instruments.get(str(symbol))
        tz = timezone_of(instrument)
        start = _as_ns(part[time_column], tz, path)
        bars = pd.DataFrame({"start": start})
        for name in ("open", "high", "low", "close", "volume"):
            bars[name] = pd.to_numeric(part[name], errors="coerce").to_numpy(np.float64)
        bad = bars[["open", "high", "low", "close"]].isna().any(axis=1) | (bars["start"] < 0)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"--data {path}: {symbol} row {row + 1}: not a bar: "
                f"{part.iloc[row].to_dict()}"
            )
        low, high = range_ns(first, last, tz)
        bars = bars[(bars["start"] >= low) & (bars["start"] < high)]
        bars = bars.sort_values("start", kind="stable").drop_duplicates("start", keep="last")
        if not bars.empty:
            frames[str(symbol)] = bars.reset_index(drop=True)
    if not frames:
        raise MissingBars(f"--data {path}: no bars between {first} and {last}")
    return frames, (str(timeframes[0]) if timeframes else None)


def _as_ns(column: pd.Series, tz: ZoneInfo, path: Path) -> np.ndarray:
    if pd.api.types.is_integer_dtype(column):
        return column.to_numpy(np.int64)
    stamps = pd.to_datetime(column, errors="coerce", format="ISO8601")
    if stamps.dt.tz is None:
        stamps = stamps.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    bad = stamps.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"--data {path}: datetime '{column.iloc[row]}' (row {row + 1}) is not a time"
        )
    return stamps.dt.tz_convert("UTC").dt.as_unit("ns").to_numpy("datetime64[ns]").view(np.int64)


def infer_timeframe(frames: Mapping[str, pd.DataFrame]) -> str:
    """The timeframe of bars without a ``timeframe`` column, from their usual spacing."""
    gaps = np.concatenate([np.diff(f["start"].to_numpy(np.int64)) for f in frames.values()])
    gaps = gaps[gaps > 0]
    if not len(gaps):
        raise ValueError("cannot tell the bars' timeframe from one bar: give --timeframe")
    step = int(np.median(gaps))
    for name in ("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h"):
        if parse_timeframe(name).length_ns == step:
            return name
    if step >= DAY_NS // 2:
        return "1d" if step < 5 * DAY_NS else ("1w" if step < 20 * DAY_NS else "1M")
    raise ValueError(f"bars {step / 1e9:g} s apart are no known timeframe: give --timeframe")
