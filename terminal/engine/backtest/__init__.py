"""The strategy tester: a strategy plugin, unchanged, run over stored or given bars on a
simulated clock, through the same strategy runner and pre-trade pipeline as live and a
simulated broker with a documented fill model (``fills.py``); its statistics, optimisation over
parameter ranges in parallel processes or on a Dask cluster, and walk-forward splits.
See docs/backtesting.md."""
