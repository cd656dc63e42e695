"""The weekly review: its week, its figures, its messages, posted once per team per ISO week."""
