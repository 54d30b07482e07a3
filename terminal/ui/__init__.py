"""The Qt user interface, the only package that imports PySide6, pyqtgraph or qasync: the main
window and the bridge at this level, the panels grouped by concern (chart, watch, trading,
monitors, strategies, replay). Widgets read through the bridge and act by commands."""
