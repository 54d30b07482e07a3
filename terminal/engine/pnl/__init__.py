"""P&L through the day: equity, realised and unrealised P&L of each account, each strategy
instance and in total, sampled on fills and at most once a second on prices (``recorder.py``),
kept in SQLite so a restart keeps the day's curve (``history.py``). Qt-free."""
