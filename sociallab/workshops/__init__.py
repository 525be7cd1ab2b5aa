"""Workshops."""
