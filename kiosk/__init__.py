"""Touchscreen kiosk for government-information disclosure zones (政务公开专区)."""

__version__ = "0.1.0"
