"""The strategy tester in the window: the dialog that sets up a backtest or an optimisation and
runs it in the background with progress and Cancel, and the docks that show their reports."""
