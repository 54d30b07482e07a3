"""The instrument universe: every listed instrument a source named (code, name, exchange,
kind, lot and tick size, listing status), cached in the user's data folder, and the search
over it and over the feeds' own instruments (code, name, pinyin initials). Qt-free and
vendor-free: the download is an adapter's (``terminal/adapters/universe``)."""
