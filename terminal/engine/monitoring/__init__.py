"""Monitoring: engine metrics (rates, latencies, backlog), the Prometheus endpoint, feed and
broker health, and process statistics."""
