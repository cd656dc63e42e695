/* The modal (a view the app opened, as a form), the helpdesk panel, the Teams channels and the
   log of requests sent to the app. Each posts to /sandbox/act/<action>; signing happens there. */
(() => {
"use strict";

const { el, fill } = window.Blocks;

async function act(action, form) {
  const response = await fetch(`/sandbox/act/${action}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(form) });
  let answer;
  try { answer = await response.json(); } catch (e) { answer = { ok: false, error: `HTTP ${response.status}` }; }
  return answer;
}

/* ---- modal ------------------------------------------------------------------------------ */

function modalField(block, id) {
  const e = block.element || {};
  const name = `in:${id}`;
  switch (e.type) {
    case "plain_text_input": {
      const attrs = { name, id: name, "data-kind": "text", placeholder: e.placeholder ? e.placeholder.text : "",
                      maxlength: e.max_length, minlength: e.min_length };
      const node = e.multiline ? el("textarea", attrs) : el("input", Object.assign({ type: "text" }, attrs));
      node.value = e.initial_value || "";
      return node;
    }
    case "radio_buttons": case "checkboxes": {
      const type = e.type === "radio_buttons" ? "radio" : "checkbox";
      const initial = [e.initial_option, ...(e.initial_options || [])].filter(Boolean).map((o) => o.value);
      return el("div", { class: "choices", "data-kind": type, role: type === "radio" ? "radiogroup" : "group" },
        (e.options || []).map((o) => el("label", {},
          el("input", { type, name, value: o.value, checked: initial.includes(o.value) }),
          el("span", { html: window.Mrkdwn.textObject(o.text, {}) }))));
    }
    case "static_select": {
      const select = el("select", { name, "data-kind": "select" }, el("option", { value: "" }, "Select…"),
        (e.options || []).map((o) => el("option", { value: o.value }, o.text.text)));
      if (e.initial_option) select.value = e.initial_option.value;
      return select;
    }
    default:
      return el("span", { class: "unknown" }, `[input ${e.type}]`);
  }
}

function readInputs(root) {
  const values = {};
  root.querySelectorAll(".input-block").forEach((block) => {
    const id = block.dataset.blockId;
    const text = block.querySelector("[data-kind=text]");
    const select = block.querySelector("[data-kind=select]");
    const choices = block.querySelector(".choices");
    if (text) values[id] = text.value;
    else if (select) values[id] = select.value || null;
    else if (choices && choices.dataset.kind === "radio") {
      const picked = choices.querySelector("input:checked");
      values[id] = picked ? picked.value : null;
    } else if (choices) values[id] = [...choices.querySelectorAll("input:checked")].map((i) => i.value);
  });
  return values;
}

function restoreInputs(root, values) {
  root.querySelectorAll(".input-block").forEach((block) => {
    const value = values[block.dataset.blockId];
    if (value === undefined) return;
    const text = block.querySelector("[data-kind=text]");
    const select = block.querySelector("[data-kind=select]");
    if (text) text.value = value;
    else if (select) select.value = value || "";
    else block.querySelectorAll(".choices input").forEach((i) => {
      i.checked = Array.isArray(value) ? value.includes(i.value) : i.value === value;
    });
  });
}

/* What Slack's client refuses before sending: a required input left empty, text too short. */
function clientErrors(view, values) {
  const errors = {};
  (view.blocks || []).forEach((b, i) => {
    if (b.type !== "input") return;
    const id = b.block_id || `#${i}`;
    const value = values[id];
    const empty = value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length);
    if (empty && !b.optional) errors[id] = "Please complete this required field.";
    else if (!empty && b.element && b.element.min_length && String(value).length < b.element.min_length)
      errors[id] = `Please enter at least ${b.element.min_length} characters.`;
  });
  return errors;
}

function renderModal(layer, modal, me, names, onDone) {
  const view = modal.view;
  const key = `${view.id}|${view.hash}|${JSON.stringify(modal.errors)}|${me}`;
  if (layer.dataset.key === key && !layer.hidden) return;
  const kept = layer.dataset.viewId === view.id ? readInputs(layer) : {};
  const ctx = { names, errors: modal.errors || {}, inputs: { field: modalField } };
  const close = async () => {
    layer.hidden = true; layer.dataset.key = "";
    onDone(await act("close", { user: me, view_id: view.id }));
  };
  const submit = async (event) => {
    event.preventDefault();
    const values = readInputs(form);
    const local = clientErrors(view, values);
    form.querySelectorAll(".input-block").forEach((b) => {
      const error = local[b.dataset.blockId] || "";
      b.classList.toggle("has-error", Boolean(error));
      b.querySelector(".error").textContent = error;
    });
    if (Object.keys(local).length) return;
    submitButton.disabled = true;
    const answer = await act("submit", { user: me, view_id: view.id, inputs: values });
    submitButton.disabled = false;
    onDone(answer);
  };
  const submitButton = view.submit ? el("button", { class: "btn primary", type: "submit" }, view.submit.text) : null;
  const form = el("form", { class: "modal", "data-callback-id": view.callback_id || "", onsubmit: submit },
    el("div", { class: "modal-head" }, el("h3", { html: window.Mrkdwn.plainText(view.title) }),
      el("button", { type: "button", "aria-label": "Close", onclick: close }, "×")),
    el("div", { class: "modal-who" }, `Shown to ${names.user(me) || me}` + (modal.depth > 1 ? ` · ${modal.depth} stacked` : "")),
    el("div", { class: "modal-body" }, window.Blocks.blocks(view.blocks, null, ctx)),
    el("div", { class: "modal-foot" },
      el("button", { class: "btn", type: "button", onclick: close }, view.close ? view.close.text : "Cancel"),
      submitButton));
  fill(layer, form);
  restoreInputs(layer, kept);
  layer.dataset.key = key;
  layer.dataset.viewId = view.id;
  layer.hidden = false;
}

/* ---- helpdesk ----------------------------------------------------------------------------- */

function options(list, selected, labels) {
  return list.map((v) => el("option", { value: v, selected: v === selected }, labels ? labels(v) : v));
}

function field(label, control, cls) {
  return el("label", { class: cls }, label, control);
}

function resultLine() { return el("div", { class: "result" }); }

function helpdeskForm(name, controls, submitText, state, toast) {
  const result = resultLine();
  const form = el("form", { "data-form": name }, controls, el("button", { class: "btn primary", type: "submit" }, submitText), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = { kind: name };
    new FormData(form).forEach((value, key) => { data[key] = value; });
    form.querySelectorAll("input[type=checkbox]").forEach((c) => { data[c.name] = c.checked; });
    const answer = await act("helpdesk", data);
    const ok = answer.ok;
    const detail = answer.answer && typeof answer.answer === "object" ? JSON.stringify(answer.answer) : (answer.error || "");
    result.className = "result " + (ok ? "ok" : "bad");
    result.textContent = ok ? `✓ ${answer.path} answered ${answer.status} ${detail}` : `✗ ${answer.error || ""} ${detail}`;
    toast(ok ? `Helpdesk event sent (${answer.status})` : `Helpdesk: ${answer.error}`, !ok);
  });
  return form;
}

function agentOptions(state) {
  const agents = [["", "nobody"]];
  state.workspace.teams.forEach((t) => Object.entries(t.agents).forEach(([email, name]) =>
    agents.push([email, `${name} (${t.name})`])));
  return agents.map(([v, label]) => el("option", { value: v }, label));
}

function ticketSelect(state, selected) {
  return el("select", { name: "ticket", required: true },
    state.helpdesk.tickets.slice().reverse().map((t) =>
      el("option", { value: t.id, selected: t.id === selected }, `#${t.id} ${t.subject.slice(0, 40)}`)));
}

function helpdeskPanel(state, toast) {
  const h = state.helpdesk;
  const root = el("div", { class: "panel", "data-panel": "helpdesk" });
  const create = helpdeskForm("create", [
    field("Subject", el("input", { name: "subject", value: "Cannot log in", required: true }), "wide"),
    field("Priority", el("select", { name: "priority" }, options(h.priorities, "urgent"))),
    field("Team", el("select", { name: "team" }, options(state.workspace.teams.map((t) => t.name)))),
    field("Assignee", el("select", { name: "assignee" }, agentOptions(state))),
    field("Age (minutes)", el("input", { name: "age_minutes", type: "number", min: 0, step: "any", value: 20,
                                          title: "An urgent ticket (30 min first response) is past 50 % at 15 min" })),
    field("Requester", el("input", { name: "requester_name", value: "Ann Client" })),
    field("Requester email", el("input", { name: "requester_email", value: "ann@client.example" })),
  ], "Create ticket", state, toast);
  const comment = helpdeskForm("comment", [
    field("Ticket", ticketSelect(state)),
    field("As", el("select", { name: "role" }, options(["agent", "customer"]))),
    field("Public", el("input", { type: "checkbox", name: "public", checked: true }), "check"),
    field("Comment", el("textarea", { name: "body", required: true }, "Thanks, looking into it."), "wide"),
  ], "Add comment", state, toast);
  const update = helpdeskForm("update", [
    field("Ticket", ticketSelect(state)),
    field("Status", el("select", { name: "status" }, options(h.statuses, "open"))),
  ], "Change status", state, toast);
  const rate = helpdeskForm("rate", [
    field("Ticket", ticketSelect(state)),
    field("Score", el("select", { name: "score" }, options(h.scores, "bad"))),
    field("Comment", el("input", { name: "comment", value: "Slow answer" }), "wide"),
  ], "Rate", state, toast);
  const jobs = el("div", { class: "actions" }, state.jobs.map((job) => el("button", {
    class: "btn", type: "button", onclick: async () => {
      const answer = await act("job", { job: job });
      toast(answer.ok ? `${job}: ${answer.summary}` : `${job}: ${answer.error}`, !answer.ok);
    } }, job === "sla-scan" ? "Run the SLA scan now" : job === "weekly-review" ? "Post the weekly review now (forced)" : job)));
  root.append(
    el("p", {}, "Each form sends a signed event to the app's /webhooks/helpdesk, as a helpdesk would (CONTRACT §3–4)."),
    el("h3", {}, "New ticket"), create, el("h3", {}, "Comment"), comment,
    el("h3", {}, "Status"), update, el("h3", {}, "Customer rating"), rate,
    el("h3", {}, "Scheduler jobs, now"), el("p", {}, "The same jobs as `chatops jobs run sla-scan` and `… weekly-review --force`."), jobs,
    el("h3", {}, "Tickets"), ticketTable(state));
  return root;
}

function ticketTable(state) {
  return el("table", { class: "list", "data-list": "tickets" },
    el("tr", {}, ["#", "Subject", "Team", "Priority", "Status", "Assignee", "Created"].map((t) => el("th", {}, t))),
    state.helpdesk.tickets.slice().reverse().map((t) => el("tr", {},
      [t.id, t.subject, t.team, t.priority, t.status, t.assignee ? t.assignee.name : "—", t.created_at].map((v) => el("td", {}, v)))));
}

function refreshHelpdesk(root, state) {
  root.querySelectorAll("select[name=ticket]").forEach((select) => {
    const replacement = ticketSelect(state, select.value);
    select.replaceChildren(...replacement.childNodes);
  });
  const table = root.querySelector("[data-list=tickets]");
  if (table) table.replaceWith(ticketTable(state));
}

/* ---- Teams and the request log ------------------------------------------------------------ */

function teamsPanel(state, team) {
  const found = state.teams.find((t) => t.team === team) || { cards: [] };
  return el("div", { class: "scroll" },
    el("p", { class: "empty" }, `What the app posted to ${team}'s Teams webhook ($${found.env}), as Teams would show it.`),
    found.cards.length ? found.cards.map(window.Blocks.teamsCard) : el("div", { class: "empty" }, "No card yet."));
}

function logPanel(state, names) {
  const rows = state.log.slice().reverse().map((entry) => el("tr", {},
    el("td", {}, new Date(entry.at * 1000).toLocaleTimeString()),
    el("td", {}, names.user(entry.who) || entry.who),
    el("td", {}, entry.what), el("td", {}, entry.path),
    el("td", { class: entry.status === null ? "" : `status-${String(entry.status)[0]}` },
       entry.status === null ? "done" : String(entry.status || "no answer"))));
  return el("div", { class: "panel" },
    el("p", {}, "Every request the page made the sandbox send to the app, signed as Slack or the helpdesk signs it."),
    el("table", { class: "list" }, el("tr", {}, ["When", "Who", "What", "To", "Answer"].map((t) => el("th", {}, t))), rows));
}

window.Panels = { act, renderModal, helpdeskPanel, refreshHelpdesk, teamsPanel, logPanel };
})();
