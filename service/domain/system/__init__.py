"""Probes and version: what an orchestrator or an operator asks of the service."""
