"""Authentication, roles and scopes, guards, passwords, API keys and HTTP hardening."""
