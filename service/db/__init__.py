"""Database layer: declarative base, engines per dialect, plugin configuration, models."""
