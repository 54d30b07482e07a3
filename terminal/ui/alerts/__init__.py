"""Price and condition alerts in the window: the alerts as the engine reports them and how
they read (``book.py``), the Alerts dock (``panel.py``), the dialog that adds and edits one
(``dialog.py``), the alert lines on a chart and its right-click menu (``chart_alerts.py``),
the notification with sound, in the tray or as an in-window toast (``notifier.py``,
``toast.py``), and the wiring of it all to the window (``desk.py``)."""
