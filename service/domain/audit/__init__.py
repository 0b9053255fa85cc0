"""The append-only audit trail: every mutation, sign-in and key change, and who made it."""
