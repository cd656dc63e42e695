/* Slack's mrkdwn as HTML, enough to read: *bold*, _italics_, ~strike~, `code`, ```blocks```,
   > quotes, links <url|label>, <@U…> as the user's name, <#C…> as the channel's, <!date^…|fallback>
   as its fallback, <!here>, and the emoji the app uses. Text is escaped before anything else. */
(() => {
"use strict";

const EMOJI = {
  white_check_mark: "✅", warning: "⚠️", lock: "🔒", speech_balloon: "💬", rotating_light: "🚨",
  information_source: "ℹ️", x: "❌", no_entry: "⛔", hourglass_flowing_sand: "⏳", hourglass: "⌛",
  stopwatch: "⏱️", star: "⭐", scroll: "📜", scales: "⚖️", mag: "🔍", leftwards_arrow_with_hook: "↩️",
  disappointed: "😞", clipboard: "📋", bust_in_silhouette: "👤", bar_chart: "📊", white_circle: "⚪",
  triangular_flag_on_post: "🚩", ticket: "🎫", thinking_face: "🤔", slightly_smiling_face: "🙂",
  red_circle: "🔴", neutral_face: "😐", large_orange_circle: "🟠", large_blue_circle: "🔵",
  gear: "⚙️", closed_lock_with_key: "🔐", arrows_counterclockwise: "🔄", double_vertical_bar: "⏸️",
  large_green_circle: "🟢", large_yellow_circle: "🟡", heavy_check_mark: "✔️", tada: "🎉",
  thumbsup: "👍", "+1": "👍", "-1": "👎", thumbsdown: "👎", eyes: "👀", memo: "📝", bell: "🔔",
  thread: "🧵", chart_with_upwards_trend: "📈", chart_with_downwards_trend: "📉", calendar: "📅", email: "📧",
};

function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/* Slack escapes &, < and > in message text; what was escaped is literal text. */
function slackUnescape(text) {
  return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function safeHref(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : null;
}

/* One <…> token of Slack's markup, as HTML. `names` resolves ids to names. */
function tokenHtml(inner, names) {
  const bar = inner.indexOf("|");
  const head = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : null;
  if (head.startsWith("@")) {
    const id = head.slice(1);
    return `<span class="mention">@${escapeHtml(names.user(id) || label || id)}</span>`;
  }
  if (head.startsWith("#")) {
    const id = head.slice(1);
    return `<span class="mention">#${escapeHtml(names.channel(id) || label || id)}</span>`;
  }
  if (head.startsWith("!date^")) {
    return escapeHtml(slackUnescape(label || head.split("^")[1] || ""));
  }
  if (head.startsWith("!subteam^")) return `<span class="mention">${escapeHtml(label || "@group")}</span>`;
  if (head.startsWith("!")) return `<span class="mention">@${escapeHtml(head.slice(1))}</span>`;
  const href = safeHref(slackUnescape(head));
  const text = escapeHtml(slackUnescape(label || head));
  return href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${text}</a>` : text;
}

function inlineFormat(html) {
  return html
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?!\w)/g, "$1<b>$2</b>")
    .replace(/(^|[^\w])_(?!\s)([^_\n]+?)_(?!\w)/g, "$1<i>$2</i>")
    .replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?!\w)/g, "$1<s>$2</s>")
    .replace(/:([a-z0-9_+\-]+):/g, (whole, name) => EMOJI[name] || whole);
}

/* mrkdwn text (as sent to Slack) -> HTML. */
function mrkdwn(text, names) {
  if (text === undefined || text === null) return "";
  const tokens = [];
  const marked = String(text).replace(/<([^<>\n]+)>/g, (_, inner) => {
    tokens.push(tokenHtml(inner, names));
    return `\u0000${tokens.length - 1}\u0000`;
  });
  const parts = escapeHtml(slackUnescape(marked)).split("```");
  const html = parts.map((part, i) => {
    if (i % 2 === 1) return `<pre>${part.replace(/^\n/, "")}</pre>`;
    const lines = part.split("\n");
    const out = [];
    let quote = [];
    const flush = () => { if (quote.length) { out.push(`<blockquote>${quote.join("<br>")}</blockquote>`); quote = []; } };
    for (const line of lines) {
      const m = line.match(/^&gt;\s?(.*)$/);
      if (m) { quote.push(inlineFormat(m[1])); continue; }
      flush();
      out.push(inlineFormat(line));
    }
    flush();
    return out.join("<br>").replace(/<br>(<blockquote>)/g, "$1").replace(/(<\/blockquote>)<br>/g, "$1");
  }).join("");
  return html.replace(/\u0000(\d+)\u0000/g, (_, n) => tokens[Number(n)]);
}

/* plain_text: only escaped (emoji: true turns :codes: into emoji). */
function plainText(obj) {
  if (!obj) return "";
  const html = escapeHtml(obj.text || "");
  return obj.emoji === false ? html : html.replace(/:([a-z0-9_+\-]+):/g, (w, n) => EMOJI[n] || w);
}

/* A text object (mrkdwn or plain_text) -> HTML. */
function textObject(obj, names) {
  if (!obj) return "";
  return obj.type === "mrkdwn" ? mrkdwn(obj.text, names) : plainText(obj);
}

window.Mrkdwn = { mrkdwn, plainText, textObject, escapeHtml };
})();
