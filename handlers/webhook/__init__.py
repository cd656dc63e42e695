"""Helpdesk webhooks: one module per route (`helpdesk.py`: CONTRACT §3-4)."""
