"""Exercises: parameters and lifecycle, business questionnaire, SI description."""
