"""The kit's reference content, read-only: questionnaire, SI categories, scenarios, competencies."""
