"""Throughput benchmark: simulator messages per second against a bare Flask baseline (`make bench`)."""
