"""Backtest and optimisation reports as self-contained HTML: inline SVG charts and CSS, a few
lines of inline script to sort tables, nothing fetched from anywhere (``html.py``, ``svg.py``)."""
