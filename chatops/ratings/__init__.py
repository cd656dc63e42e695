"""Customer ratings: stored once, sent only to the team's leads and the rated agent, by DM."""
