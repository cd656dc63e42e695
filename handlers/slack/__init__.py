"""Bolt listeners by kind (`commands`, `actions`, `shortcuts`) and their middleware; each module
has `register(app, rt)`, called by chatops.app."""
