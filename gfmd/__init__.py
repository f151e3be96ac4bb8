"""GFMD Partnerships Assistant: shared core (records, settings, offline guard, CLI)."""

from gfmd.offline import enforce_offline

enforce_offline()

__version__ = "0.1.0"
