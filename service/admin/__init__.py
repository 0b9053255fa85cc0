"""The server-rendered admin (Jinja + htmx), in French. For now: signing in and out."""
