"""Accounts: people (users), integrations (API keys), who is calling (me) and admin sign-in."""
