"""What to backtest, as plain data that crosses to a worker process: the strategy (by where
its class lives), the bars (stored, or a file), the parameters and the capital; and the steps
from such a request to a result, shared by ``terminal backtest``, the GUI and the optimiser.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from terminal.domain.enums import AssetClass
from terminal.domain.instrument import Instrument
from terminal.engine.backtest.data import (
    BacktestData,
    infer_timeframe,
    read_bars_file,
    read_store,
)
from terminal.engine.backtest.result import BacktestResult
from terminal.engine.backtest.run import Progress, run_backtest
from terminal.engine.config import Config
from terminal.engine.strategy.base import Strategy


class StrategyRef(msgspec.Struct, frozen=True):
    """Where a strategy class lives, so another process can import it: its module, its name
    in the module and, for a module loaded from a file (a plugin folder), that file."""

    plugin_name: str
    module: str
    qualname: str
    file: str = ""

    @classmethod
    def of(cls, strategy: type[Strategy]) -> StrategyRef:
        try:
            source = inspect.getsourcefile(strategy) or ""
        except TypeError:  # defined where no file is (an interactive session)
            source = ""
        module = strategy.__module__
        if module == "__main__" and source:  # a script's class: another process imports the file
            module = f"_script_{Path(source).stem}"
        ref = cls(strategy.plugin_name, module, strategy.__qualname__, source)
        _LOADED[ref] = strategy
        return ref

    def load(self) -> type[Strategy]:
        """The class: the very one this process made the reference of, else imported."""
        loaded = _LOADED.get(self)
        if loaded is not None:
            return loaded
        module = sys.modules.get(self.module)
        if module is None:
            try:
                module = importlib.import_module(self.module)
            except ImportError:
                if not self.file:
                    raise
                spec = importlib.util.spec_from_file_location(self.module, self.file)
                if spec is None or spec.loader is None:
                    raise ImportError(f"cannot import {self.file}") from None
                module = importlib.util.module_from_spec(spec)
                sys.modules[self.module] = module
                spec.loader.exec_module(module)
        found: Any = module
        for part in self.qualname.split("."):
            found = getattr(found, part)
        if not (isinstance(found, type) and issubclass(found, Strategy)):
            raise TypeError(f"{self.module}.{self.qualname} is not a Strategy")
        _LOADED[self] = found
        return found


_LOADED: dict[StrategyRef, type[Strategy]] = {}


class BacktestRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One backtest as the command line or the GUI asks for it."""

    strategy: StrategyRef
    symbols: list[str] = []
    """Empty with a bars file: every symbol in it (the first is the primary)."""
    timeframe: str = ""
    """The bars loaded, orders fill against; "" with a file: its own (or inferred)."""
    start: date | None = None
    end: date | None = None
    data_file: str = ""
    """A CSV/Parquet bars file; "" reads the bar store in ``store``."""
    store: str = ""
    params: dict[str, Any] = {}
    capital: float | None = None
    warmup: int = -1


def instrument_for(symbol: str, known: Mapping[str, Instrument]) -> Instrument:
    """The instrument of ``symbol``: a known one, else what its exchange suffix says (A-shares
    of SSE, SZSE and BSE trade in lots of 100 at 0.01 in Chinese sessions), else a plain one
    (tick 0.0001, lot 1, around the clock)."""
    found = known.get(symbol)
    if found is not None:
        return found
    code, _, exchange = symbol.partition(".")
    if exchange in ("SSE", "SZSE", "BSE") and code.isdigit():
        return Instrument(symbol, symbol, exchange, AssetClass.STOCK, tick_size=0.01,
                          lot_size=100, currency="CNY", sessions="cn_stock")  # fmt: skip
    return Instrument(symbol, symbol, exchange or "LOCAL", AssetClass.CRYPTO, tick_size=0.0001)


def load_data(
    request: BacktestRequest, cls: type[Strategy], known: Mapping[str, Instrument]
) -> BacktestData:
    """The bars of ``request`` for ``cls`` (``MissingBars`` or ``ValueError`` saying what is
    wrong, in one line)."""
    symbols = list(request.symbols)
    instruments = {s: instrument_for(s, known) for s in symbols}
    timeframe = request.timeframe
    if request.data_file:
        frames, file_timeframe = read_bars_file(
            Path(request.data_file), _LazyInstruments(known), request.start, request.end
        )
        if symbols:
            absent = [s for s in symbols if s not in frames]
            if absent:
                raise ValueError(
                    f"--data {request.data_file}: no bars of {', '.join(absent)} (it has "
                    f"{', '.join(frames)})"
                )
            frames = {s: frames[s] for s in symbols}
        timeframe = timeframe or file_timeframe or infer_timeframe(frames)
        instruments = {s: instrument_for(s, known) for s in frames}
    else:
        if not symbols:
            raise ValueError("give the symbols to backtest (--symbols) or a bars file (--data)")
        timeframe = timeframe or cls.timeframes[0]
        frames = read_store(
            Path(request.store), symbols, timeframe, request.start, request.end, instruments
        )
    return BacktestData(frames, timeframe, cls.timeframes, instruments, cls.plugin_name)


class _LazyInstruments(Mapping[str, Instrument]):
    """Any symbol's instrument (a file may hold symbols no feed lists)."""

    def __init__(self, known: Mapping[str, Instrument]) -> None:
        self._known = known

    def __getitem__(self, symbol: str) -> Instrument:
        return instrument_for(symbol, self._known)

    def __iter__(self) -> Any:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


def execute(
    request: BacktestRequest,
    config: Config,
    known: Mapping[str, Instrument],
    *,
    data: BacktestData | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BacktestResult:
    """Load the bars (unless given) and run the request's backtest."""
    cls = request.strategy.load()
    data = data if data is not None else load_data(request, cls, known)
    return run_backtest(
        cls, request.params, data, config=config, settings=config.backtest,
        instruments=data.instruments, capital=request.capital, warmup=request.warmup,
        progress=progress, cancelled=cancelled,
    )  # fmt: skip


def parse_params(text: str, cls: type[Strategy]) -> dict[str, Any]:
    """``k=v,k=v`` → the values converted to the types of ``cls.Params`` fields; one clear
    line for a name or value that does not fit."""
    params: dict[str, Any] = {}
    fields = {f.name: f for f in msgspec.structs.fields(cls.Params)}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            raise ValueError(f"--params: '{part}' is not name=value")
        if name not in fields:
            raise ValueError(
                f"--params: {cls.plugin_name} has no parameter '{name}' (it has "
                f"{', '.join(fields) or 'none'})"
            )
        params[name] = _typed(value.strip(), fields[name].type, name)
    return params


def _typed(text: str, kind: Any, name: str) -> Any:
    try:
        return msgspec.json.decode(text.encode(), type=kind, strict=False)
    except msgspec.DecodeError:
        try:
            return msgspec.convert(text, kind, strict=False)
        except msgspec.ValidationError as exc:
            raise ValueError(f"--params: {name} = '{text}': {exc}") from None


def symbols_of(values: Sequence[str]) -> list[str]:
    """Symbols given as separate words or comma-separated."""
    return [s for v in values for s in (p.strip() for p in v.split(",")) if s]
