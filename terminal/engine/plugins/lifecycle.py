"""Starting and stopping the configured plugins: a feed's or broker's options checked, the
plugin built with its engine context and started, its failure reported (the rest go on); the
history providers added after the feeds they serve."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import msgspec

from terminal.domain.enums import PluginKind
from terminal.engine.broker import Broker
from terminal.engine.config import PluginInstance, describe_validation_error
from terminal.engine.feed import Feed
from terminal.engine.history.backfill import make_providers
from terminal.engine.plugins.contexts import EngineBrokerContext, EngineFeedContext

if TYPE_CHECKING:
    from terminal.engine.engine import Engine

log = logging.getLogger("terminal.engine")

STOP_TIMEOUT_S = 5.0


async def stop_plugin(kind: PluginKind, name: str, plugin: Feed | Broker) -> None:
    """Stop ``plugin``, at most ``STOP_TIMEOUT_S``; a plugin that fails to stop is logged."""
    try:
        await asyncio.wait_for(plugin.stop(), STOP_TIMEOUT_S)
    except Exception as exc:
        log.error(
            "%s %s did not stop cleanly: %s: %s", kind.value, name, type(exc).__name__, exc
        )


async def start_plugin(engine: Engine, kind: PluginKind, spec: PluginInstance) -> None:
    """Build and start the plugin ``spec`` names; a failure is reported, not raised."""
    cls = engine.registry.get(kind, spec.plugin)
    source = f"config ({engine.config.describe_sources()})"
    if cls is None:
        reason = f"no {kind.value} plugin named '{spec.plugin}' was loaded"
        engine.registry.report_failure(kind, spec.name, source, reason)
        return
    try:
        options = msgspec.convert(spec.options, cls.Options)
    except msgspec.ValidationError as exc:
        where = f"options of {kind.value} '{spec.name}'"
        engine.registry.report_failure(
            kind, spec.plugin, source, describe_validation_error(exc, spec.options, where)
        )
        return
    try:
        if kind is PluginKind.FEED:
            context = engine._feed_contexts[spec.name] = EngineFeedContext(engine, spec.name)
            feed = cls(spec.name, context, options)
            for instrument in feed.instruments():
                engine.instruments.setdefault(instrument.symbol, instrument)
                engine.backfill.feed_of.setdefault(instrument.symbol, spec.name)
            engine.feeds[spec.name] = feed
            engine.subscriptions.add_feed(spec.name, feed)
            seed_history(engine, feed)
            await feed.start()
        else:
            broker = cls(spec.name, EngineBrokerContext(engine, spec.name), options)
            engine.brokers[spec.name] = broker
            await broker.start()
    except Exception as exc:
        (engine.feeds if kind is PluginKind.FEED else engine.brokers).pop(spec.name, None)
        if kind is PluginKind.FEED:
            engine.subscriptions.remove_feed(spec.name)
        log.exception("%s '%s' failed to start", kind.value, spec.name)
        engine.registry.report_failure(
            kind, spec.plugin, source, f"failed to start: {type(exc).__name__}: {exc}"
        )


def add_history_providers(engine: Engine) -> None:
    """The configured history providers, then each running feed's own (see make_providers)."""
    feeds = {spec.name: spec.plugin for spec in engine.config.feeds if spec.name in engine.feeds}
    source = f"config ({engine.config.describe_sources()})"

    def report(name: str, reason: str) -> None:
        engine.registry.report_failure(PluginKind.HISTORY, name, source, reason)

    for provider, served in make_providers(engine.registry, engine.config.history, feeds, report):
        engine.backfill.add(provider, served)

def seed_history(engine: Engine, feed: Feed) -> None:
    """The bars a feed brings of its instruments, into the bar service."""
    for instrument in feed.instruments():
        bars = feed.history(
            instrument.symbol, engine.bars.timeframe, engine.config.engine.bar_history
        )
        if bars:
            engine.bars.seed(instrument.symbol, bars)
