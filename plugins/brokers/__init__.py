"""Shipped brokers plugins; each module names its class in PLUGIN."""
