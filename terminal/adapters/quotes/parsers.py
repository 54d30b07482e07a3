"""The snapshot-quote parsers by vendor name (``terminal quotes parse --format NAME``)."""

from __future__ import annotations

from terminal.adapters.quotes.qq import QQParser
from terminal.adapters.quotes.sina import SinaParser
from terminal.adapters.quotes.vendor import VendorParser

PARSERS: dict[str, type[VendorParser]] = {"sina": SinaParser, "qq": QQParser}
