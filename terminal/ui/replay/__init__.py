"""Journal replay windows and their playback controls."""
