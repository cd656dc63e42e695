"""Admin settings by slash command: parsing, changes with their audit trail, answers."""
