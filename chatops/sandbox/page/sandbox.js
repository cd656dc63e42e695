/* The sandbox page: polls /sandbox/state, shows the conversations of the person chosen under
   "You are" (channels with their threads, their DMs with the app, what only they see), their
   open modal, the Teams channels, the helpdesk panel and the request log. */
(() => {
"use strict";

const { el, fill, messageContent } = window.Blocks;
const { act, renderModal, helpdeskPanel, refreshHelpdesk, teamsPanel, logPanel } = window.Panels;

const page = {
  state: null,
  me: new URLSearchParams(location.search).get("as") || localStorage.getItem("sandbox-me"),
  at: { kind: "channel", id: null },  // what the main column shows
  thread: null,                         // {channel, ts} of the open thread
  panel: null,                          // the helpdesk panel, kept while shown
};

const names = {
  user(id) {
    if (!page.state) return null;
    if (id === page.state.workspace.bot_user) return "chatops";
    const user = page.state.workspace.users.find((u) => u.id === id);
    return user ? user.name : null;
  },
  channel(id) {
    const channel = page.state && page.state.workspace.channels.find((c) => c.id === id);
    return channel ? channel.name : null;
  },
};

/* Redraw a part only when what it shows changed: a click must not land on a node redrawn
   under the pointer while the sandbox fills in. */
const drawn = {};
function changed(part, ...what) {
  const key = JSON.stringify(what);
  if (drawn[part] === key) return false;
  drawn[part] = key;
  return true;
}

function toast(text, bad) {
  const node = el("div", { class: "toast" + (bad ? " bad" : "") }, text);
  document.getElementById("toasts").append(node);
  setTimeout(() => node.remove(), bad ? 8000 : 4000);
}

function report(answer) {
  if (!answer.ok) toast(answer.error || `The app answered ${answer.status}`, true);
  poll();
}

function dmOf(user) { return "D" + user; }
function isTop(m) { return !m.thread_ts || m.thread_ts === m.ts; }
function byTs(a, b) { return parseFloat(a.ts) - parseFloat(b.ts); }
function when(ts) { return new Date(parseFloat(ts) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }); }

function repliesOf(channel, ts) {
  return page.state.messages.filter((m) => m.channel === channel && m.thread_ts === ts && m.ts !== ts);
}

/* ---- one message ---------------------------------------------------------------------- */

function shortcutMenu(message) {
  const shortcuts = page.state.workspace.shortcuts;
  if (!shortcuts.length) return null;
  const list = el("ul", { hidden: true }, shortcuts.map((s) => el("li", {}, el("button", {
    type: "button", "data-shortcut": s.callback_id,
    onclick: async () => { list.hidden = true; report(await act("shortcut", { user: page.me, channel: message.channel, ts: message.ts, callback_id: s.callback_id })); },
  }, s.name))));
  const wrap = el("div", { class: "more" }, el("button", {
    type: "button", title: "More actions (message shortcuts)", "aria-label": "More actions",
    onclick: () => { list.hidden = !list.hidden; wrap.classList.toggle("open", !list.hidden); },
  }, "⋯"), list);
  return wrap;
}

function messageNode(message, opts) {
  const ctx = {
    names,
    onButton: async (place, element, node) => {
      node.disabled = true;
      const answer = await act("press", Object.assign({ user: page.me, channel: message.channel, ts: message.ts }, place));
      node.disabled = false;
      report(answer);
    },
  };
  const ephemeral = Boolean(opts && opts.ephemeral);
  const who = message.user === page.state.workspace.bot_user || message.bot_id || ephemeral ? "chatops" : (names.user(message.user) || message.user);
  const replies = opts && opts.replies;
  const colours = replies ? [...new Set(replies.flatMap((r) => (r.attachments || []).map((a) => window.Blocks.colourOf(a.color).toUpperCase())))] : [];
  const classes = "msg" + (ephemeral ? " ephemeral" : "") + (opts && opts.reply ? " reply" : "");
  return el("div", { class: classes, "data-ts": message.ts, "data-channel": message.channel },
    el("div", { class: "avatar" }, who.slice(0, 1).toUpperCase()),
    el("div", { class: "msg-body" },
      el("div", { class: "msg-meta" }, el("span", { class: "who" }, who),
        who === "chatops" ? el("span", { class: "app-badge" }, "APP") : null,
        el("span", { class: "when" }, when(message.ts))),
      ephemeral ? el("div", { class: "ephemeral-note" }, "Only visible to you") : null,
      messageContent(message, ctx),
      replies && replies.length ? el("div", { class: "replies" },
        el("button", { type: "button", "data-thread": message.ts, onclick: () => openThread(message.channel, message.ts) },
          `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`),
        colours.map((c) => el("span", { class: "dot", title: c, style: `background:${c}` }))) : null),
    ephemeral ? null : shortcutMenu(message));
}

/* ---- conversations -------------------------------------------------------------------- */

function conversation(channel) {
  const s = page.state;
  const items = s.messages.filter((m) => m.channel === channel && isTop(m)).map((m) => ({ m, eph: false }))
    .concat(s.ephemerals.filter((e) => e.channel === channel && e.user === page.me && !e.thread_ts).map((m) => ({ m, eph: true })))
    .sort((a, b) => byTs(a.m, b.m));
  return items.map(({ m, eph }) => messageNode(m, { ephemeral: eph, replies: eph ? null : repliesOf(channel, m.ts) }));
}

function composer(channel) {
  const command = page.state.workspace.slash_command;
  const input = el("input", { type: "text", placeholder: `${command} help`, "aria-label": "Message or slash command" });
  const form = el("form", { class: "composer", onsubmit: async (event) => {
    event.preventDefault();
    const line = input.value.trim();
    if (!line.startsWith(command)) { toast(`Only the app's slash command works here: ${command} …`, true); return; }
    input.value = "";
    report(await act("command", { user: page.me, channel, text: line.slice(command.length).trim() }));
  } }, input, el("div", { class: "hint" }, `Type ${command} help, settings, audit … and Enter: sent as a signed slash command; the answer only you see appears above.`));
  return form;
}

/* Rebuild `container`; its list stays where the reader left it, or follows new messages when
   they were at the bottom (a conversation or thread opened anew starts at its latest). */
function keepScroll(container, build) {
  const old = container.querySelector(".scroll");
  const key = JSON.stringify([page.at, page.thread, page.me]);
  const fresh = container.dataset.shown !== key;
  container.dataset.shown = key;
  const atBottom = fresh || !old || old.scrollHeight - old.scrollTop - old.clientHeight < 40;
  const top = old ? old.scrollTop : 0;
  build();
  const now = container.querySelector(".scroll");
  if (!now) return;
  now.scrollTop = atBottom ? now.scrollHeight : top;
  if (atBottom) {  // images (the weekly chart) grow the list once loaded
    now.querySelectorAll("img").forEach((img) => img.addEventListener("load", () => { now.scrollTop = now.scrollHeight; }));
  }
}

function renderMain() {
  const main = document.getElementById("main");
  const s = page.state;
  const at = page.at;
  if (at.kind === "helpdesk") {
    if (!page.panel) { page.panel = helpdeskPanel(s, toast); fill(main, el("div", { class: "conv-head" }, "Helpdesk", el("small", {}, "the sandbox's fake helpdesk")), page.panel); }
    else refreshHelpdesk(page.panel, s);
    return;
  }
  page.panel = null;
  const shown = at.kind === "teams" ? s.teams : at.kind === "log" ? s.log
    : s.messages.filter((m) => m.channel === (at.kind === "dm" ? dmOf(page.me) : at.id)).concat(s.ephemerals);
  if (!changed("main", at, page.me, shown, s.workspace.shortcuts)) return;
  keepScroll(main, () => {
    if (at.kind === "teams") {
      fill(main, el("div", { class: "conv-head" }, `Teams · ${at.id}`), teamsPanel(s, at.id));
    } else if (at.kind === "log") {
      fill(main, el("div", { class: "conv-head" }, "Requests to the app"), logPanel(s, names));
    } else {
      const channel = at.kind === "dm" ? dmOf(page.me) : at.id;
      const title = at.kind === "dm" ? `chatops  ·  your DMs with the app` : `#${names.channel(channel)}`;
      const nodes = conversation(channel);
      fill(main, el("div", { class: "conv-head", "data-conversation": channel }, title,
        el("small", {}, at.kind === "dm" ? `as ${names.user(page.me)}` : "a team channel")),
        el("div", { class: "scroll" }, nodes.length ? nodes : el("div", { class: "empty" }, "Nothing here yet.")),
        composer(channel));
    }
  });
}

function openThread(channel, ts) { page.thread = { channel, ts }; renderThread(); }

function renderThread() {
  const pane = document.getElementById("thread");
  const t = page.thread;
  const parent = t && page.state.messages.find((m) => m.channel === t.channel && m.ts === t.ts);
  if (!parent) { pane.hidden = true; drawn.thread = null; return; }
  const replies = repliesOf(t.channel, t.ts).map((m) => ({ m, eph: false }))
    .concat(page.state.ephemerals.filter((e) => e.channel === t.channel && e.thread_ts === t.ts && e.user === page.me).map((m) => ({ m, eph: true })))
    .sort((a, b) => byTs(a.m, b.m));
  pane.hidden = false;
  if (!changed("thread", t, page.me, parent, replies)) return;
  keepScroll(pane, () => fill(pane, 
    el("div", { class: "conv-head thread-head" }, el("span", {}, "Thread", el("small", {}, `#${names.channel(t.channel) || t.channel}`)),
      el("button", { type: "button", "aria-label": "Close thread", onclick: () => { page.thread = null; renderThread(); } }, "×")),
    el("div", { class: "scroll", "data-thread-of": t.ts }, messageNode(parent),
      el("div", { class: "thread-sep" }, `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`),
      replies.map(({ m, eph }) => messageNode(m, { ephemeral: eph, reply: true })))));
}

function renderSidebar() {
  const s = page.state;
  const count = (channel) => s.messages.filter((m) => m.channel === channel).length;
  const conv = (kind, id, label, n) => el("button", {
    type: "button", class: "conv" + (page.at.kind === kind && page.at.id === id ? " active" : ""),
    "data-kind": kind, "data-id": id || "",
    onclick: () => { page.at = { kind, id }; renderAll(); },
  }, label, n ? el("span", { class: "count" }, n) : null);
  const me = s.workspace.users.find((u) => u.id === page.me);
  if (!changed("sidebar", page.at, page.me, s.workspace.channels, count(dmOf(page.me)),
               s.teams.map((t) => t.cards.length), s.helpdesk.tickets.length, s.log.length)) return;
  fill(document.getElementById("sidebar"),
    el("h2", {}, "Channels"), s.workspace.channels.map((c) => conv("channel", c.id, `# ${c.name}`, 0)),
    el("h2", {}, "Direct messages"), conv("dm", page.me, "chatops (app)", count(dmOf(page.me))),
    el("div", { class: "hint" }, me ? `${me.name}: ${me.roles.join(", ")}` : ""),
    s.teams.length ? el("h2", {}, "Microsoft Teams") : null,
    s.teams.map((t) => conv("teams", t.team, `▣ ${t.team}`, t.cards.length)),
    el("h2", {}, "Sandbox"), conv("helpdesk", "panel", "🎫 Helpdesk", s.helpdesk.tickets.length),
    conv("log", "requests", "⇄ Requests to the app", s.log.length));
}

function renderYouAre() {
  const select = document.getElementById("you-are");
  const users = page.state.workspace.users;
  if (select.options.length !== users.length) {
    fill(select, users.map((u) => el("option", { value: u.id }, `${u.name} — ${u.roles.join(", ")}`)));
  }
  select.value = page.me;
}

function renderModalLayer() {
  const layer = document.getElementById("modal-layer");
  const modal = page.state.modals[page.me];
  if (!modal || !modal.view) { layer.hidden = true; layer.dataset.key = ""; return; }
  renderModal(layer, modal, page.me, names, report);
}

function renderAll() {
  const s = page.state;
  if (!s.workspace.users.some((u) => u.id === page.me)) {
    const lead = s.workspace.users.find((u) => u.roles.some((r) => r.startsWith("lead")));
    page.me = (lead || s.workspace.users[0]).id;
  }
  if (!page.at.id && page.at.kind === "channel") page.at.id = s.workspace.channels[0].id;
  renderYouAre(); renderSidebar(); renderMain(); renderThread(); renderModalLayer();
}

let polling = false;
async function poll() {
  if (polling) return;
  polling = true;
  try { await pollOnce(); } finally { polling = false; }
}

async function pollOnce() {
  const since = page.state ? `?since=${page.state.version}` : "";
  try {
    const response = await fetch(`/sandbox/state${since}`, { cache: "no-store" });
    const data = await response.json();
    document.getElementById("sync").textContent = `synced ${new Date().toLocaleTimeString()}`;
    if (data.unchanged) return;
    page.state = data;
    renderAll();
  } catch (error) {
    document.getElementById("sync").textContent = "sandbox not answering";
  }
}

document.getElementById("you-are").addEventListener("change", (event) => {
  page.me = event.target.value;
  localStorage.setItem("sandbox-me", page.me);
  if (page.at.kind === "dm") page.at.id = page.me;
  renderAll();
});
poll();
setInterval(poll, 1000);
})();
