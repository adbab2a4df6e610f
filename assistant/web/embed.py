"""The clinic embed page (``/embed``) and the one-line widget script (``/embed.js``).

Branding comes from settings. The script builds its DOM with ``textContent`` and
``element.style`` only (no ``innerHTML``, no inline ``style`` attributes), so it works under a
clinic's strict CSP and cannot be turned into an injection by a branding value.
"""

from __future__ import annotations

import json
import re

from ..settings import Settings
from .render import escape_html

DEFAULT_ACCENT = "#1f6f8b"
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9.,%\s]{5,40}\))$")


def safe_colour(value: str, default: str = DEFAULT_ACCENT) -> str:
    """The accent colour if it is a plain CSS colour, otherwise the default (no CSS injection)."""
    value = (value or "").strip()
    return value if _COLOUR.match(value) else default


def branding(settings: Settings) -> dict[str, str]:
    return {
        "name": settings.assistant_name,
        "accent": safe_colour(settings.accent_colour),
        "greeting": settings.greeting,
        "disclaimer": settings.disclaimer,
        "emergency": settings.emergency_number,
    }


def _js_json(value: object) -> str:
    """JSON safe to place in a JS file (and even inside a <script> element)."""
    return json.dumps(value, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


EMBED_JS_TEMPLATE = r"""/* Chat widget for the __NAME_COMMENT__: a floating button that opens the chat in an iframe.
   Add it with the one-line script tag shown on this server's /embed page. */
(function () {
  "use strict";
  var CONFIG = __CONFIG__;
  var script = document.currentScript;
  if (!script || !script.src || window.__clinicAssistantWidget) { return; }
  window.__clinicAssistantWidget = true;
  var chatUrl = new URL("./", script.src).href;
  var healthUrl = new URL("healthz", script.src).href;
  var here = window.location.origin;
  // Is this website allowed to show the chat? The server answers /healthz cross-origin only to allowed
  // websites. "refused": the server is reachable but will not serve this website (the iframe would show
  // the browser's "refused to connect" page); anything else opens the chat as before.
  var access = "checking";
  var waiting = [];
  function settle(value) {
    access = value;
    if (value === "refused" && window.console) {
      console.warn("Chat widget: this website (" + here + ") is not in the assistant's allowed_origins " +
        "(ASSISTANT_ALLOWED_ORIGINS) setting, so the chat cannot be shown here.");
    }
    var calls = waiting; waiting = [];
    for (var i = 0; i < calls.length; i++) { calls[i](); }
  }
  function whenChecked(fn) { if (access === "checking") { waiting.push(fn); } else { fn(); } }
  if (!window.fetch) { settle("unknown"); } else {
    fetch(healthUrl, { mode: "cors", credentials: "omit", cache: "no-store" }).then(
      function () { settle("allowed"); },
      function () {
        fetch(healthUrl, { mode: "no-cors", credentials: "omit", cache: "no-store" }).then(
          function () { settle("refused"); }, function () { settle("unknown"); });
      });
  }

  function make(tag, styles) {
    var node = document.createElement(tag);
    for (var key in styles) { if (Object.prototype.hasOwnProperty.call(styles, key)) { node.style[key] = styles[key]; } }
    return node;
  }

  function mount() {
    var small = window.matchMedia && window.matchMedia("(max-width: 480px)").matches;
    var button = make("button", {
      position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483000",
      background: CONFIG.accent, color: "#fff", border: "0", borderRadius: "999px",
      padding: "14px 20px", font: "600 16px/1.2 system-ui, sans-serif", cursor: "pointer",
      boxShadow: "0 4px 14px rgba(0,0,0,.25)"
    });
    button.type = "button";
    button.id = "clinic-assistant-button";
    button.textContent = "\u2709 " + CONFIG.name;
    button.setAttribute("aria-label", "Open chat: " + CONFIG.name);
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "clinic-assistant-panel");
    button.title = CONFIG.greeting;

    var panel = make("div", {
      position: "fixed", zIndex: "2147483001", display: "none", flexDirection: "column",
      background: "#fff", color: "#111", boxShadow: "0 8px 30px rgba(0,0,0,.3)", overflow: "hidden",
      right: small ? "0" : "20px", bottom: small ? "0" : "84px",
      width: small ? "100vw" : "min(420px, calc(100vw - 40px))",
      height: small ? "100dvh" : "min(680px, calc(100vh - 110px))",
      borderRadius: small ? "0" : "14px", font: "14px/1.4 system-ui, sans-serif"
    });
    panel.id = "clinic-assistant-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", CONFIG.name);

    var header = make("div", {
      display: "flex", alignItems: "center", gap: "8px", padding: "10px 12px",
      background: CONFIG.accent, color: "#fff"
    });
    var title = make("strong", { flex: "1", fontSize: "15px" });
    title.textContent = CONFIG.name;
    var close = make("button", {
      background: "transparent", color: "#fff", border: "1px solid rgba(255,255,255,.6)",
      borderRadius: "6px", padding: "4px 10px", cursor: "pointer", font: "inherit"
    });
    close.type = "button";
    close.textContent = "Close";
    close.setAttribute("aria-label", "Close chat");
    header.appendChild(title);
    header.appendChild(close);

    var notice = make("div", { padding: "6px 12px", fontSize: "12px", background: "#fff4e5", color: "#5c3b00" });
    notice.textContent = "Emergency? Call " + CONFIG.emergency + ". " + CONFIG.disclaimer;

    panel.appendChild(header);
    panel.appendChild(notice);
    var frame = null;

    var refusedNote = null;
    function showRefused() {
      if (refusedNote) { return; }
      refusedNote = make("div", { padding: "16px", fontSize: "15px", lineHeight: "1.5", color: "#111" });
      refusedNote.id = "clinic-assistant-refused";
      refusedNote.setAttribute("role", "status");
      var lead = make("p", { margin: "0 0 8px", fontWeight: "600" });
      lead.textContent = "The chat is not switched on for this website yet.";
      var how = make("p", { margin: "0" });
      how.textContent = "Website owner: add " + here + " to the assistant's allowed_origins setting " +
        "(ASSISTANT_ALLOWED_ORIGINS) on the assistant's server, then restart the assistant.";
      refusedNote.appendChild(lead);
      refusedNote.appendChild(how);
      panel.appendChild(refusedNote);
    }

    function open() {
      if (access === "checking") { whenChecked(open); return; }
      if (access === "refused") { showRefused(); } else if (!frame) {
        frame = make("iframe", { border: "0", width: "100%", flex: "1" });
        frame.src = chatUrl;
        frame.title = CONFIG.name + " chat";
        frame.id = "clinic-assistant-frame";
        frame.setAttribute("referrerpolicy", "no-referrer");
        frame.setAttribute("allow", "clipboard-write");
        panel.appendChild(frame);
      }
      panel.style.display = "flex";
      button.setAttribute("aria-expanded", "true");
      setTimeout(function () { close.focus(); }, 0);
    }
    function hide() {
      panel.style.display = "none";
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
    button.addEventListener("click", function () {
      if (panel.style.display === "none") { open(); } else { hide(); }
    });
    close.addEventListener("click", hide);
    panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { hide(); } });

    document.body.appendChild(panel);
    document.body.appendChild(button);
  }

  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
"""


def embed_js(settings: Settings) -> str:
    comment = re.sub(r"[^A-Za-z0-9 &'.,-]", "", settings.assistant_name)[:80] or "assistant"
    return EMBED_JS_TEMPLATE.replace("__NAME_COMMENT__", comment).replace("__CONFIG__", _js_json(branding(settings)))


def script_snippet(base_url: str) -> str:
    return f'<script src="{base_url}embed.js" async></script>'


def iframe_snippet(base_url: str, settings: Settings) -> str:
    title = escape_html(settings.assistant_name)
    return (
        f'<iframe src="{base_url}" title="{title}" loading="lazy" '
        'referrerpolicy="no-referrer" '
        'style="width:100%;max-width:480px;height:680px;border:1px solid #ccc;border-radius:12px">'
        "</iframe>"
    )


def embed_page(settings: Settings, base_url: str) -> str:
    """HTML of ``/embed``: how a clinic adds the chat to its website."""
    b = branding(settings)
    base = escape_html(base_url)
    origins = settings.allowed_origins
    if origins:
        origin_items = "".join(f"<li><code>{escape_html(o)}</code></li>" for o in origins)
        origin_text = (
            f"<p>These websites may embed the chat and call the API:</p><ul>{origin_items}</ul>"
            "<p>Any other website is refused (the browser will not show the chat there).</p>"
        )
    else:
        origin_text = (
            "<p><strong>No external website is allowed yet.</strong> Add your site's origin "
            "(for example <code>https://www.your-clinic.example</code>) to the "
            "<code>allowed_origins</code> setting "
            "(<code>ASSISTANT_ALLOWED_ORIGINS</code>), then restart the assistant.</p>"
        )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Embed {escape_html(b["name"])} on your website</title>
<style>
  body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }}
  main {{ max-width: 780px; margin: 0 auto; padding: 24px 16px 120px; }}
  h1 {{ color: {b["accent"]}; font-size: 1.6rem; }}
  pre {{ background: #0f1720; color: #e6edf3; padding: 12px; border-radius: 8px; overflow-x: auto;
        white-space: pre-wrap; word-break: break-all; }}
  table {{ border-collapse: collapse; width: 100%; }}
  td, th {{ border: 1px solid #ddd; padding: 6px 8px; text-align: left; vertical-align: top; }}
  .swatch {{ display: inline-block; width: 1em; height: 1em; background: {b["accent"]};
            border: 1px solid #999; vertical-align: middle; }}
  .note {{ background: #fff4e5; border-left: 4px solid #e08a00; padding: 8px 12px; }}
  a {{ color: {b["accent"]}; }}
</style>
</head>
<body>
<main>
<h1>Put {escape_html(b["name"])} on your clinic's website</h1>
<p>Two ways to embed the chat. Both show the same assistant, with its disclaimer, and send
visitors' questions only to this server: no third-party scripts, trackers or fonts.</p>

<h2>1. A floating chat button (one line)</h2>
<p>Paste this just before <code>&lt;/body&gt;</code> on any page. It adds a button in the
bottom-right corner that opens the chat in a panel; the button on this page is a live example.</p>
<pre id="script-snippet"><code>{escape_html(script_snippet(base_url))}</code></pre>

<h2>2. A plain iframe</h2>
<p>Put the chat inside your page's layout instead:</p>
<pre id="iframe-snippet"><code>{escape_html(iframe_snippet(base_url, settings))}</code></pre>

<h2>Allowed websites</h2>
{origin_text}

<h2>Branding (from the assistant's settings)</h2>
<table>
<tr><th>Name</th><td>{escape_html(b["name"])}</td></tr>
<tr><th>Accent colour</th><td><span class="swatch"></span> <code>{escape_html(b["accent"])}</code></td></tr>
<tr><th>Greeting</th><td>{escape_html(b["greeting"])}</td></tr>
<tr><th>Disclaimer</th><td>{escape_html(b["disclaimer"])}</td></tr>
<tr><th>Emergency number</th><td>{escape_html(b["emergency"])}</td></tr>
</table>

<h2>For developers</h2>
<p>A JSON API is at <code>POST {base}api/ask</code> (documentation: <a href="docs">{base}docs</a>;
health: <a href="healthz">{base}healthz</a>). Answers contain text from the article corpus and
the visitor's own question: escape them before you put them into a page.</p>
<p class="note">Privacy: questions are not stored or logged by default. The chat sets no
tracking cookies and loads nothing from other hosts.</p>
</main>
<script src="embed.js" async></script>
</body>
</html>
"""
