"""Burgh: an open platform that runs a local council's services."""

__version__ = "0.1.0"
