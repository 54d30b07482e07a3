"""Monitors: the trade, position and account blotters, the log and the health panel."""
