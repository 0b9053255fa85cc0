"""kit-crise."""
