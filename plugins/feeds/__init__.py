"""Shipped feeds plugins; each module names its class in PLUGIN."""
