"""Establishments and services (ESSMS) and their crisis directory."""
