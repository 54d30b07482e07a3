"""The alerts kept across restarts: one JSON file (``alerts.json`` in the data folder).

Alerts are few and change when a person acts (or one fires), so the whole list is written on
every change, atomically (a temporary file renamed over the old one): a crash leaves the old
list or the new one, never half of either. The file is plain JSON a person can read. A file
that cannot be read is set aside (``alerts.json.bad``) and named in the log; an entry that
does not fit is skipped and named, the others are kept.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import msgspec

from terminal.domain.market_alerts import Alert

log = logging.getLogger("terminal.alerts")
FILE_NAME = "alerts.json"
VERSION = 1


class _File(msgspec.Struct):
    version: int = VERSION
    alerts: list[msgspec.Raw] = []


class AlertStore:
    """The alerts of ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[Alert]:
        """Every alert the file holds (none if there is no file yet)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            log.error("alerts: %s could not be read (%s); no alerts restored", self.path, exc)
            return []
        try:
            entries = msgspec.json.decode(raw, type=_File).alerts
        except msgspec.DecodeError as exc:
            aside = self.path.with_name(self.path.name + ".bad")
            log.error("alerts: %s is damaged (%s); kept as %s, alerts start afresh",
                      self.path, exc, aside.name)  # fmt: skip
            os.replace(self.path, aside)
            return []
        alerts = []
        for number, entry in enumerate(entries, 1):
            try:
                alerts.append(msgspec.json.decode(entry, type=Alert))
            except msgspec.ValidationError as exc:
                log.warning("alerts: entry %d of %s skipped: %s", number, self.path, exc)
        return alerts

    def save(self, alerts: list[Alert]) -> None:
        """Write ``alerts`` as the whole list. OSError if the folder cannot be written."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        entries = [msgspec.Raw(msgspec.json.encode(alert)) for alert in alerts]
        temporary.write_bytes(msgspec.json.format(msgspec.json.encode(_File(VERSION, entries))))
        os.replace(temporary, self.path)
