"""One package per area of the API; each exposes its controllers."""
