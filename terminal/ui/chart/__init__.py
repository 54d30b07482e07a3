"""Candle charts: the chart widget, its graphics items, indicators, crosshair and dock."""
