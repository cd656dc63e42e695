"""Bolt listeners by kind (`commands`, `actions`, `qa_actions`, `shortcuts`, `views`) and their
middleware; each listener module has `register(app, rt)`, called by chatops.app."""
