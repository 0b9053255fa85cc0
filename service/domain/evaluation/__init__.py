"""Competency evaluation: the grid, observers' observations, results, comparison and charts."""
