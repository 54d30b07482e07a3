"""Shipped history providers; each module names its class in PLUGIN."""
