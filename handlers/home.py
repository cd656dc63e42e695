"""`GET /`: a short page for a person who opens the server's address in a browser: what this
is, and where to go. (Under `--sandbox` the sandbox answers `/` itself: it leads to its page.)"""
from __future__ import annotations

from flask import Blueprint, Flask, Response

from chatops.runtime import Runtime

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chatops</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}}
code{{background:#f2f2f2;padding:.1em .3em;border-radius:3px}}</style></head><body>
<h1>chatops</h1>
<p>Support-team ChatOps for Slack and Microsoft Teams: ticket threads, SLA nudges, private
ratings, QA reviews and the weekly review. This server has no pages for people: it answers
Slack and your helpdesk.</p>
<ul>
<li><code>POST /slack/events</code>: Slack's requests (slash command <code>{command}</code>,
buttons, modals), signed with the app's signing secret.</li>
<li><code>POST /webhooks/helpdesk</code>: your helpdesk's events, signed.</li>
<li><a href="/healthz"><code>/healthz</code></a> and <a href="/metrics"><code>/metrics</code></a>:
health and Prometheus metrics.</li>
</ul>
<p>To see it at work without a Slack workspace, run <code>chatops demo</code> (or
<code>chatops serve --sandbox</code>) and open <code>/sandbox</code> there. Connecting a real
workspace is in the README, under "Connect a real Slack workspace".</p>
</body></html>
"""


def register(flask_app: Flask, rt: Runtime) -> None:
    bp = Blueprint("home", __name__)
    page = PAGE.format(command=rt.config.slash_command)

    @bp.get("/")
    def home() -> Response:
        return Response(page, mimetype="text/html")

    flask_app.register_blueprint(bp)
