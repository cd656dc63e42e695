"""Thin request handlers: parse, authorise, call one service, ack. Each module has
`register(app, rt)` (a Flask or Bolt app, and the typed Runtime), called by chatops.app."""
