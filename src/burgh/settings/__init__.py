"""Settings split by environment: base, local (the run command), test, production."""
