"""Small helpers shared by every area: pagination, ETags, labels, validation messages."""
