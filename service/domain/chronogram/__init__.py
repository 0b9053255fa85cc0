"""The chronogram: its pure generation engine, its persistence and its API."""
