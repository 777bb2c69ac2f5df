"""The formula core: pure arithmetic over layer specs, no web imports."""
