"""Benchmarks: scripts that print figures and compare them with a baseline measured in the same run."""
