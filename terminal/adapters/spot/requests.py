"""The spot server's request side: one ROUTER socket, served so that clients do not wait on
each other.

A REP socket answers strictly one request after another, so 200 clients each asking for a
whole session put a 201st client's one-line ``instruments`` request behind 200 session
builds. Here every request waiting at the socket is read at once, and:

- a cheap request (``answer_later`` says no) from a client with nothing queued is answered
  at once;
- a slow one (``session``, ``history``) joins its client's queue; clients take turns, one
  slow answer per turn of the event loop, so the engine and the other clients go on between
  them; an identical request waiting at the head of other clients' queues gets the same
  answer, built once;
- a client's own requests are answered in the order it sent them (a DEALER client may send
  several), and one client may have at most ``per_client`` of them waiting.

REQ clients need no change: the ROUTER keeps their envelope and sends it back.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Callable

import zmq
import zmq.asyncio

from terminal.adapters.spot import schema

log = logging.getLogger("terminal.spot")

PER_CLIENT = 64
READ_BATCH = 1000  # messages read per turn before answering, so reading cannot starve answers


class _Message:
    """One request: who sent it (the envelope to send back) and what it asks."""

    __slots__ = ("envelope", "frame")

    def __init__(self, frames: list[bytes]) -> None:
        # ROUTER puts the client's identity first; a REQ client adds an empty delimiter.
        # Everything up to that delimiter goes back as it came (as a REP socket does).
        end = frames.index(b"", 1) + 1 if b"" in frames[1:] else 1
        self.envelope = frames[:end]
        self.frame = frames[-1] if len(frames) > end else b""

    @property
    def client(self) -> bytes:
        return self.envelope[0]


class RequestRouter:
    """Reads requests from ``socket`` (a bound ROUTER) and sends ``answer(frame)`` back."""

    def __init__(
        self,
        socket: zmq.asyncio.Socket,
        answer: Callable[[bytes], bytes],
        answer_later: Callable[[bytes], bool],
        per_client: int = PER_CLIENT,
    ) -> None:
        self._socket = socket
        # Reads and sends never wait: a plain socket on the same ZeroMQ socket does them
        # without a future per frame; only waiting for requests goes through asyncio.
        self._plain: zmq.Socket[bytes] = zmq.Socket.shadow(socket.underlying)
        self._answer = answer
        self._answer_later = answer_later
        self.per_client = per_client
        self._queues: OrderedDict[bytes, deque[_Message]] = OrderedDict()  # in turn order
        self.refused = 0

    async def run(self) -> None:
        while True:
            await self._socket.poll()  # until a request waits (POLLIN)
            self._read()
            while self._queues:
                self._answer_next()
                await asyncio.sleep(0)  # the engine and its feeds run between slow answers
                self._read()

    def _read(self) -> None:
        for _ in range(READ_BATCH):
            try:
                frames = self._plain.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            message = _Message(frames)
            queue = self._queues.get(message.client)
            if queue is None:
                if not self._answer_later(message.frame):
                    self._reply(message, self._answer(message.frame))
                    continue
                queue = self._queues[message.client] = deque()
            if len(queue) >= self.per_client:
                self.refused += 1
                error = (f"request: {len(queue)} requests from this client are already "
                         "waiting; read their replies first")  # fmt: skip
                self._reply(message, schema.error_reply(error))
                continue
            queue.append(message)

    def _answer_next(self) -> None:
        """The next client's oldest request, then its cheap ones behind it."""
        client, queue = self._queues.popitem(last=False)
        message = queue.popleft()
        reply = self._answer(message.frame)
        self._reply(message, reply)
        if self._answer_later(message.frame):
            self._share(message.frame, reply)
        while queue and not self._answer_later(queue[0].frame):
            cheap = queue.popleft()
            self._reply(cheap, self._answer(cheap.frame))
        if queue:
            self._queues[client] = queue  # its turn comes again after the others'

    def _share(self, frame: bytes, reply: bytes) -> None:
        """Send ``reply`` to every client whose next request is ``frame`` too."""
        for client in [c for c, q in self._queues.items() if q[0].frame == frame]:
            queue = self._queues[client]
            self._reply(queue.popleft(), reply)
            if not queue:
                del self._queues[client]

    def _reply(self, message: _Message, reply: bytes) -> None:
        try:
            self._plain.send_multipart([*message.envelope, reply], zmq.NOBLOCK)
        except zmq.ZMQError as exc:  # the client is gone or not reading: its loss
            log.debug("spot server: reply not sent: %s", exc)
