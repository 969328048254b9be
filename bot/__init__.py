"""Kongtun: the community welfare fund bot (web app, channels, command line)."""
