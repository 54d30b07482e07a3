"""Journal replay: a run's journal fed back through the same strategies, headless
(``terminal replay``) or as an engine the GUI opens (``ReplayEngine``), at a chosen speed."""
