"""The commands beyond build that have a module of their own: check, new, preview, watch."""
