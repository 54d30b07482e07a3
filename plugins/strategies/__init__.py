"""Shipped strategies plugins; each module names its class in PLUGIN."""
