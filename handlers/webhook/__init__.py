"""Helpdesk webhooks: `answers.py` decides what each request gets (CONTRACT §3-4), whoever
serves it; `helpdesk.py` is its Flask route."""
