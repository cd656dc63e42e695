/* Block Kit as DOM, enough to read and to act: section (text, fields, accessory), context,
   actions (buttons), header, divider, image, input (in modals), rich_text (its text); messages'
   attachments with their colour bar; uploaded files; Teams cards (Adaptive and MessageCard). */
(() => {
"use strict";

const { mrkdwn, plainText, textObject, escapeHtml } = window.Mrkdwn;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "html") node.innerHTML = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "style") node.setAttribute("style", value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/* Replace a node's children; nested lists are flattened, null and false left out. */
function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

const NAMED_COLOURS = { good: "#2eb67d", warning: "#ecb22e", danger: "#e01e5a" };
function colourOf(value) {
  if (!value) return "#dddddd";
  if (NAMED_COLOURS[value]) return NAMED_COLOURS[value];
  return value.startsWith("#") ? value : "#" + value;
}

function button(element, place, ctx) {
  const classes = ["btn", element.style || "", element.url ? "link" : ""].join(" ").trim();
  const node = el("button", { class: classes, type: "button", "data-action-id": element.action_id || "",
                              title: element.url ? `Opens ${element.url} (and tells the app)` : "" },
                  el("span", { html: plainText(element.text) }));
  node.addEventListener("click", () => {
    if (element.url) window.open(element.url, "_blank", "noopener");
    if (ctx.onButton) ctx.onButton(place, element, node);
  });
  return node;
}

function image(url, alt) {
  return el("img", { src: url, alt: alt || "", loading: "lazy" });
}

function element(node, place, ctx) {
  if (!node) return null;
  switch (node.type) {
    case "button": return button(node, place, ctx);
    case "image": return image(node.image_url, node.alt_text);
    case "mrkdwn": case "plain_text": return el("span", { html: textObject(node, ctx.names) });
    default: return el("span", { class: "unknown" }, `[${node.type}]`);
  }
}

function richText(block, ctx) {
  const text = [];
  const walk = (items) => (items || []).forEach((item) => {
    if (item.type === "text") text.push(item.text);
    else if (item.type === "link") text.push(item.text || item.url);
    else if (item.type === "user") text.push(`<@${item.user_id}>`);
    else if (item.type === "emoji") text.push(`:${item.name}:`);
    walk(item.elements);
  });
  walk(block.elements);
  return el("div", { class: "block", html: mrkdwn(text.join(""), ctx.names) });
}

function inputBlock(block, index, ctx) {
  const id = block.block_id || `#${index}`;
  const field = ctx.inputs ? ctx.inputs.field(block, id) : el("span", {}, "[input]");
  const error = ctx.errors && ctx.errors[id];
  return el("div", { class: "input-block" + (error ? " has-error" : ""), "data-block-id": id },
    el("span", { class: "input-label", html: plainText(block.label) },
       block.optional ? el("span", { class: "optional" }, " (optional)") : null),
    field,
    block.hint ? el("div", { class: "hint", html: plainText(block.hint) }) : null,
    el("div", { class: "error" }, error || ""));
}

/* One block; `place` = [attachment index or null, block index]. */
function block(node, index, attachment, ctx) {
  const at = (elementIndex) => ({ attachment, block: index, element: elementIndex });
  switch (node.type) {
    case "section": {
      const main = el("div", { class: "section-main" },
        node.text ? el("div", { html: textObject(node.text, ctx.names) }) : null,
        node.fields ? el("div", { class: "fields" },
          node.fields.map((f) => el("div", { html: textObject(f, ctx.names) }))) : null);
      return el("div", { class: "block section" }, main, element(node.accessory, at(null), ctx));
    }
    case "context":
      return el("div", { class: "block context" },
        (node.elements || []).map((e) => e.type === "image" ? image(e.image_url, e.alt_text) : element(e, null, ctx)));
    case "actions":
      return el("div", { class: "block actions" }, (node.elements || []).map((e, i) => element(e, at(i), ctx)));
    case "header":
      return el("div", { class: "block header", html: plainText(node.text) });
    case "divider":
      return el("hr", { class: "divider" });
    case "image":
      return el("figure", { class: "block block-image" },
        node.title ? el("div", { class: "title", html: plainText(node.title) }) : null,
        image(node.image_url, node.alt_text));
    case "input":
      return inputBlock(node, index, ctx);
    case "rich_text":
      return richText(node, ctx);
    default:
      return el("div", { class: "unknown" }, `[unsupported block: ${node.type}]`);
  }
}

function blocks(list, attachment, ctx) {
  return (list || []).map((b, i) => block(b, i, attachment, ctx));
}

function attachmentNode(att, index, ctx) {
  const colour = colourOf(att.color);
  const inner = att.blocks && att.blocks.length ? blocks(att.blocks, index, ctx) : [
    att.pretext ? el("div", { html: mrkdwn(att.pretext, ctx.names) }) : null,
    att.title ? el("div", { class: "header" }, att.title) : null,
    att.text ? el("div", { html: mrkdwn(att.text, ctx.names) }) : null,
    att.fields ? el("div", { class: "fields" }, att.fields.map((f) =>
      el("div", { html: `<b>${escapeHtml(f.title || "")}</b><br>${mrkdwn(f.value, ctx.names)}` }))) : null,
  ];
  return el("div", { class: "attachment", "data-colour": colour.toUpperCase(),
                     style: `border-left-color:${colour}` }, inner);
}

function fileNode(file) {
  if (file.image) {
    return el("figure", { class: "file" }, el("div", { class: "title" }, file.title || file.name),
      el("a", { href: file.url, target: "_blank", rel: "noopener" }, image(file.url, file.title || file.name)));
  }
  return el("div", { class: "file" }, el("a", { href: file.url, target: "_blank" }, `📎 ${file.title || file.name}`));
}

/* A message's content: blocks (else its text), attachments, files. */
function messageContent(message, ctx) {
  const hasBlocks = message.blocks && message.blocks.length;
  return [
    hasBlocks ? blocks(message.blocks, null, ctx)
      : (message.text && !(message.attachments || []).length ? el("div", { html: mrkdwn(message.text, ctx.names) }) : null),
    (message.attachments || []).map((a, i) => attachmentNode(a, i, ctx)),
    (message.files || []).map(fileNode),
    message.edited ? el("span", { class: "edited" }, "(edited)") : null,
  ];
}

/* Teams: an Adaptive Card envelope or a MessageCard. */
const TEAMS_STYLES = { good: "#2eb67d", warning: "#ecb22e", attention: "#e01e5a", accent: "#1264a3", emphasis: "#a0a0a0" };
function teamsMarkdown(text) {
  return escapeHtml(text || "").replace(/\\([\\`*_{}\[\]()<>#+!|~])/g, "$1")
    .replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>").replace(/\n/g, "<br>");
}
function adaptiveItems(items) {
  return (items || []).map((item) => {
    if (item.type === "TextBlock") {
      const cls = [item.weight === "Bolder" ? "bolder" : "", item.size === "Medium" ? "medium" : "",
                   item.isSubtle ? "subtle" : ""].join(" ");
      return el("div", { class: cls, html: teamsMarkdown(item.text) });
    }
    if (item.type === "Container") {
      const colour = TEAMS_STYLES[item.style] || "#cccccc";
      return el("div", { class: "container", "data-style": item.style || "", style: `border-left-color:${colour}` },
        adaptiveItems(item.items));
    }
    if (item.type === "FactSet") {
      return el("div", {}, (item.facts || []).map((f) => el("div", { html: `<b>${teamsMarkdown(f.title)}</b> ${teamsMarkdown(f.value)}` })));
    }
    return el("div", { class: "unknown" }, `[${item.type}]`);
  });
}
function teamsCard(card) {
  if (card["@type"] === "MessageCard") {
    const colour = colourOf(card.themeColor);
    return el("div", { class: "card", "data-colour": colour.toUpperCase() },
      el("div", { class: "bar", style: `background:${colour}` }),
      el("div", { class: "card-body" }, el("div", { class: "bolder medium" }, card.title || card.summary || ""),
        el("div", { html: teamsMarkdown(card.text) })));
  }
  const content = ((card.attachments || [])[0] || {}).content || {};
  const actions = (content.actions || []).filter((a) => a.url).map((a) =>
    el("a", { href: a.url, target: "_blank", rel: "noopener", class: "btn link" }, a.title));
  return el("div", { class: "card" }, el("div", { class: "card-body" }, adaptiveItems(content.body),
    actions.length ? el("div", { class: "actions" }, actions) : null));
}

window.Blocks = { el, fill, blocks, messageContent, attachmentNode, teamsCard, colourOf };
})();
