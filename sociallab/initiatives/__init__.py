"""Initiatives."""
