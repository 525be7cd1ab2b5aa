"""Forums."""
