"""What the ccxt feed and broker share: their working part, a session, made when they start.

ccxt takes about a second to import, and every plugin is imported when plugins are discovered:
so the feed and the broker keep their working part in a session class whose module imports
ccxt (:mod:`~terminal.adapters.ccxt.quotes`, :mod:`~terminal.adapters.ccxt.trading`), and
import it only when they start.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar


class Session(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


SessionT = TypeVar("SessionT", bound=Session)


class SessionPlugin(Generic[SessionT]):
    """A ccxt plugin's start and stop: ``start`` makes its session (``_new_session``, which
    imports the session's module) and starts it; ``stop`` stops it, if it was made."""

    session: SessionT | None = None

    def _new_session(self) -> SessionT:
        raise NotImplementedError

    async def start(self) -> None:
        self.session = self._new_session()
        await self.session.start()

    async def stop(self) -> None:
        if self.session is not None:
            await self.session.stop()
