"""The Gradio chat page (mounted at ``/``).

The conversation the pipeline sees lives in a server-side ``gr.State`` as plain
``{"role", "content"}`` strings; the Chatbot only displays escaped renderings of it. So nothing
rendered for display (escaped text, triage boxes, the Sources panel, disclaimers) ever flows
back into the pipeline, and the browser's list-of-blocks history shape does not matter.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from contextlib import closing
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, TypedDict

import gradio as gr
from gradio.blocks import Block

from ..schema import Answer, Triage
from ..settings import Settings
from . import render
from .embed import safe_colour
from .feedback import FeedbackStore
from .service import AssistantService, failure, without_surrogates

log = logging.getLogger("assistant.web")

MAX_API_HISTORY = 40

# what ``ChatHandlers.respond`` yields: the chat's messages, the textbox (its new value, or ``gr.update()`` to
# leave what the visitor is typing alone) and the session
ChatUpdate = tuple[list, str | dict[str, Any], dict]


class _AskListener(TypedDict):
    """The arguments shared by the listeners that ask a question (Enter, the Ask button, an example)."""

    fn: Callable[..., Any]
    inputs: Sequence[Block]
    outputs: Sequence[Block]
    show_progress: Literal["full", "minimal", "hidden"]
    concurrency_id: str
    trigger_mode: Literal["once", "multiple", "always_last"]


class _ResetListener(TypedDict):
    """The arguments shared by the listeners that start a new conversation."""

    api_visibility: Literal["public", "private", "undocumented"]
    show_progress: Literal["full", "minimal", "hidden"]
    cancels: list[dict[str, Any]]


def _pending(title: str) -> dict[str, Any]:
    """A spinner while the assistant looks things up or writes (never part of the conversation)."""
    return {"role": "assistant", "content": "", "metadata": {"title": title, "status": "pending"}}


def new_session() -> dict[str, Any]:
    return {"history": [], "display": [], "turns": []}


def header_html(settings: Settings, feedback_enabled: bool) -> str:
    e = render.escape_html
    privacy = (
        "If you rate an answer, that question and answer are kept on this server (no IP address or other identifier)."
        if feedback_enabled
        else "Your questions are not stored."
    )
    return (
        '<header class="app-header">'
        f'<h1 class="app-title">{e(settings.assistant_name)}</h1>'
        '<p class="app-ai-note">An automated assistant that answers only from a curated set of '
        f"articles, and shows its sources. It can be wrong. {e(privacy)}</p>"
        "</header>"
    )


def disclaimer_block(settings: Settings) -> str:
    e = render.escape_html
    return (
        '<div class="app-disclaimer" role="note" aria-label="Medical disclaimer">'
        f"<p><strong>Not medical advice.</strong> {e(settings.disclaimer)}</p>"
        "<p><strong>Emergency?</strong> Loss of bladder or bowel control, numbness between the legs "
        "or around the bottom, or weakness in both legs: call "
        f"<strong>{e(settings.emergency_number)}</strong> now.</p>"
        "</div>"
    )


def status_block(message: str) -> str:
    return f'<div class="app-status" role="status">{render.escape_html(message)}</div>'


def chat_css(settings: Settings) -> str:
    accent = safe_colour(settings.accent_colour)
    return f"""
:root {{ --assistant-accent: {accent}; }}
.gradio-container {{ max-width: 900px !important; margin: 0 auto !important; }}
.app-header {{ padding: 4px 2px 0; }}
.app-title {{ color: var(--assistant-accent); font-size: 1.5rem; margin: 0 0 4px; }}
.app-ai-note {{ margin: 0; font-size: .85rem; opacity: .8; }}
.app-disclaimer {{ border-left: 5px solid #e08a00; background: #fff4e5; color: #3d2800;
  padding: 6px 12px; border-radius: 6px; font-size: .9rem; }}
.app-disclaimer p {{ margin: 2px 0; }}
.app-status {{ background: #e8f1fb; color: #0b3a66; border-radius: 6px; padding: 8px 12px; }}
#ask-button {{ background: var(--assistant-accent) !important; color: #fff !important;
  border-color: var(--assistant-accent) !important; }}
.triage {{ border-radius: 8px; padding: 8px 12px; margin: 2px 0; }}
.triage p {{ margin: 4px 0; }}
.triage-caution {{ background: #fff8db; border: 2px solid #c9a100; color: #3d3000; }}
.triage-urgent {{ background: #fff0e0; border: 3px solid #d86a00; color: #4a2300; }}
.triage-emergency {{ background: #b3001b; border: 4px solid #6d0010; color: #fff; font-size: 1.1rem; }}
.triage-emergency strong, .triage-emergency p {{ color: #fff !important; }}
.answer-disclaimer {{ font-size: .8rem; opacity: .8; margin-top: 8px; }}
.notice {{ border-left: 4px solid #777; padding: 4px 10px; }}
.notice-error {{ border-left-color: #b3001b; }}
.src-item {{ margin-bottom: 10px; }}
.src-head {{ margin: 0 0 4px; }}
.src-passage {{ margin: 0; padding: 6px 10px; border-left: 3px solid var(--assistant-accent);
  font-size: .9rem; }}
.src-passage mark {{ background: #ffe066; color: #000; padding: 0 2px; }}
/* Sources sit in Gradio's collapsible panel, which dims its content: undo it, so the small print of
   the evidence and file lines keeps a 4.5:1 contrast (it inherits the theme's text colour, light or dark) */
#chat .thought-group .message-content, #chat .thought-group .md {{ opacity: 1 !important; }}
.src-evidence, .src-file {{ margin: 2px 0; font-size: .8rem; opacity: 1; color: inherit; }}
/* long links in answers and sources wrap instead of widening the page on a phone */
#chat .message-content, #chat .md {{ overflow-wrap: anywhere; }}
@media (max-width: 640px), (max-height: 700px) {{
  .app-title {{ font-size: 1.15rem; margin: 0 0 2px; }}
  .app-ai-note {{ font-size: .75rem; line-height: 1.3; }}
  .app-disclaimer {{ font-size: .72rem; padding: 3px 8px; line-height: 1.25; }}
  #ask-button, #new-conversation {{ padding: 6px 10px !important; min-height: 40px !important; white-space: nowrap; }}
  #ask-button {{ flex: 1 1 0 !important; }}
  #new-conversation {{ flex: 0 0 auto !important; min-width: max-content !important; }}
  /* the question's label stays for screen readers only; the placeholder says the same */
  #question [data-testid="block-info"] {{ position: absolute !important; width: 1px !important; height: 1px !important;
    overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important; }}
  /* Small screens: the chat takes what header, input, buttons and disclaimer leave (measured: about 340 px),
     so all of them stay on screen and the pane shows the question and the start of its answer. */
  #chat {{ flex: none !important; height: max(240px, calc(100dvh - 360px)) !important; }}
  .column, .row {{ gap: 8px !important; }}
}}
"""


# Runs once in the visitor's browser when the chat page loads (an inline script in the page's head: the
# Content-Security-Policy allows inline scripts, which Gradio needs, but not the ``eval`` behind Gradio's
# own ``js=`` hooks). It
# * repairs Gradio markup that screen readers and axe-core object to: the example questions are a
#   ``role="list"`` of plain buttons (now a named group), and the collapsible Sources title is a
#   ``div role="button"`` holding a second, unnamed button (now disabled and hidden from assistive
#   technology; the title itself toggles, and says whether it is expanded);
# * keeps the visitor's latest question at the top of the chat pane while its answer streams in and
#   after, so a small screen shows the question and the START of the answer, not its tail. Scrolling,
#   a swipe or a key press in the pane hands scrolling back to the visitor;
# * marks the page when it runs inside a clinic's widget (an iframe), for the compact layout.
# It only sets attributes and scroll positions: it never writes markup.
CHAT_JS = r"""
(() => {
  if (window.__assistantChatUi) { return; }
  window.__assistantChatUi = true;
  if (window.self !== window.top) { document.documentElement.classList.add("app-in-frame"); }
  let pinned = null;
  let userCount = 0;
  let hooked = null;

  function set(el, name, value) { if (el.getAttribute(name) !== value) { el.setAttribute(name, value); } }

  function repair() {
    document.querySelectorAll('.examples[role="list"]').forEach(el => {
      set(el, "role", "group");
      set(el, "aria-label", "Example questions");
    });
    document.querySelectorAll('[role="button"] button').forEach(inner => {
      if (!inner.disabled) { inner.disabled = true; }  // not focusable; clicks pass to the title (CSS)
      set(inner, "tabindex", "-1");
      set(inner, "aria-hidden", "true");
    });
    document.querySelectorAll('.thought-group > .title[role="button"]').forEach(title => {
      set(title, "aria-expanded", title.classList.contains("expanded") ? "true" : "false");
    });
  }

  function pane() { return document.querySelector("#chat .bubble-wrap"); }

  function keepQuestionInView() {
    const wrap = pane();
    if (!wrap || !pinned || !pinned.isConnected) { return; }
    const row = pinned.closest(".message-row") || pinned;
    const top = row.getBoundingClientRect().top - wrap.getBoundingClientRect().top + wrap.scrollTop - 8;
    if (wrap.scrollTop > top) { wrap.scrollTop = Math.max(0, top); }
  }

  function release() { pinned = null; }

  function follow() {
    const wrap = pane();
    if (!wrap) { return; }
    if (hooked !== wrap) {
      hooked = wrap;
      wrap.addEventListener("scroll", keepQuestionInView, {passive: true});
      ["wheel", "touchmove", "keydown"].forEach(type => wrap.addEventListener(type, release, {passive: true}));
    }
    const questions = wrap.querySelectorAll('[data-testid="user"]');
    if (questions.length > userCount) { pinned = questions[questions.length - 1]; }
    if (questions.length === 0) { pinned = null; }
    userCount = questions.length;
    keepQuestionInView();
  }

  function update() { repair(); follow(); }
  function start() {
    new MutationObserver(update).observe(document.body,
      {childList: true, subtree: true, attributes: true, attributeFilter: ["class"]});
    update();
  }
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
"""


# Rules that must reach outside Gradio's content box (Gradio scopes the ``css=`` rules inside it).
HEAD_CSS = """
@media (max-width: 640px), (max-height: 700px) {
  .gradio-container .app { padding: 6px 8px !important; }
}
/* the arrow inside the Sources title is decoration: clicks go through to the title, which toggles */
.gradio-container .contain [role="button"] button[disabled] { pointer-events: none; opacity: 1 !important; }
/* inside a clinic's widget the panel's own header already names the assistant: the title is kept for
   screen readers only */
html.app-in-frame .gradio-container .contain .app-title { position: absolute !important; width: 1px; height: 1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; margin: 0; }
@media (max-width: 640px), (max-height: 700px) {
  html.app-in-frame .gradio-container .contain #chat { height: max(140px, calc(100dvh - 320px)) !important; }
}
/* the standing disclaimer never scrolls out of view: should the page outgrow the screen (a very short
   window, a large font), it stays pinned to the bottom edge */
.gradio-container .contain #app-disclaimer { position: sticky !important; bottom: 0; z-index: 20; }
"""


def chat_head() -> str:
    """Extra ``<head>`` content for the chat page: the style and script above (fixed text, no settings)."""
    return f"<style>{HEAD_CSS}</style><script>{CHAT_JS}</script>"


class ChatHandlers:
    """Event handlers, kept apart from layout so they can be called directly in tests."""

    def __init__(self, settings: Settings, service: AssistantService, feedback: FeedbackStore):
        self.settings = settings
        self.service = service
        self.feedback = feedback
        # conversations the visitor has started over: an answer still being written for one of them stops
        # (Gradio's own cancel can come too late when the answer is computed in a worker thread)
        self._reset: OrderedDict[str, float] = OrderedDict()  # browser session -> when it last started over

    def _was_reset(self, visitor: str | None, started: float) -> bool:
        """The visitor pressed "New conversation" after this answer started."""
        return visitor is not None and self._reset.get(visitor, 0.0) > started

    def respond(
        self, message: str | None, session: dict | None, request: gr.Request | None = None
    ) -> Iterator[ChatUpdate]:
        session = session or new_session()
        started = time.monotonic()
        visitor = getattr(request, "session_hash", None) if request is not None else None
        asked = message if isinstance(message, str) else ""
        question = without_surrogates(asked)  # what is shown and sent back; service.ask refuses the original
        display = list(session["display"])
        user = render.user_message(question) if question.strip() else None
        base = display + ([user] if user else [])

        if not self.service.ready:
            note = render.notice_message(self.service.status_message(), "info")
            session = {**session, "display": base + [note]}
            yield session["display"], question, session
            return

        yield base + [_pending("Looking through the articles\u2026")], "", session

        keep = gr.update()  # leave the textbox alone: the visitor may be typing the next question
        emergency = self.settings.emergency_number
        shown, triage = "", Triage()
        answer: Answer | None = None
        # the answer as it is written: the triage message first, then (a generated answer) each sentence once the
        # verifier has passed it; every piece is rendered (escaped) as the final answer is, and the final answer,
        # with its disclaimer and Sources, replaces them
        with closing(self.service.ask_stream(asked, list(session["history"]))) as events:
            try:
                for event in events:
                    if self._was_reset(visitor, started):
                        return
                    if isinstance(event, Answer):
                        answer = event
                        break
                    if event.triage is not None:
                        triage = event.triage
                    shown += event.text
                    partial = Answer(question, shown, "answer", triage=triage)
                    writing = render.answer_messages(partial, emergency, complete=False)
                    yield base + writing + [_pending("Writing the answer\u2026")], keep, session
            except Exception as exc:  # noqa: BLE001 - one mapping for every failure (service.failure); never a trace
                said = failure(exc)
                note = render.notice_message(said.message, said.kind)
                session = {**session, "display": base + [note]}
                yield session["display"], question if answer is None and not shown else keep, session
                return
        if answer is None or self._was_reset(visitor, started):
            return
        final = render.answer_messages(answer, emergency)
        turn = {
            "first": len(base),
            "last": len(base) + len(final) - 1,
            "question": question,
            "outcome": answer.outcome,
            "answer": answer.answer,
            "passage_ids": [c.passage_id for c in answer.citations],
        }
        session = {
            "history": [
                *session["history"],
                {"role": "user", "content": question},
                {"role": "assistant", "content": answer.answer},
            ],
            "display": base + final,
            "turns": [*session["turns"], turn],
        }
        yield session["display"], keep, session

    def answer_api(self, question: str, history: list[dict] | None = None) -> dict:
        """The answer schema for one question (what ``POST /api/ask`` returns), for ``gradio_client``."""
        turns = history or []
        if not isinstance(turns, list) or len(turns) > MAX_API_HISTORY:
            raise gr.Error(f"history must be a list of at most {MAX_API_HISTORY} messages")
        for turn in turns:
            if (
                not isinstance(turn, dict)
                or turn.get("role") not in ("user", "assistant")
                or not isinstance(turn.get("content"), str)
            ):
                raise gr.Error('each history message must be {"role": "user" or "assistant", "content": text}')
        try:
            answer = self.service.ask(question if isinstance(question, str) else "", [dict(t) for t in turns])
        except Exception as exc:  # noqa: BLE001 - the same words as the JSON API and the chat (service.failure)
            raise gr.Error(failure(exc).message) from None
        return answer.to_dict()

    def clear(self, request: gr.Request | None = None) -> tuple[list, str, dict]:
        visitor = getattr(request, "session_hash", None) if request is not None else None
        if visitor:
            self._reset[visitor] = time.monotonic()
            self._reset.move_to_end(visitor)
            while len(self._reset) > 10_000:  # bounded: only recent visitors can still have an answer running
                self._reset.popitem(last=False)
        return [], "", new_session()

    def fill_example(self, evt: gr.SelectData) -> str:
        value = evt.value
        if isinstance(value, dict):
            return str(value.get("text", ""))
        return str(value or "")

    def on_like(self, session: dict | None, evt: gr.LikeData) -> None:
        if not self.feedback.enabled or not session:
            return
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if evt.liked not in (True, False):
            return
        for turn in session.get("turns", []):
            if turn["first"] <= int(index) <= turn["last"]:
                self.feedback.record(
                    liked=bool(evt.liked),
                    question=turn["question"],
                    outcome=turn["outcome"],
                    answer=turn["answer"],
                    passage_ids=turn["passage_ids"],
                )
                return

    def status(self) -> tuple[Any, Any]:
        if self.service.ready:
            return gr.update(value="", visible=False), gr.Timer(active=False)
        if self.service.error:
            return gr.update(value=status_block(self.service.error), visible=True), gr.Timer(active=False)
        return gr.update(value=status_block(self.service.status_message()), visible=True), gr.Timer(active=True)


def build_chat(settings: Settings, service: AssistantService, feedback: FeedbackStore) -> gr.Blocks:
    handlers = ChatHandlers(settings, service, feedback)
    with gr.Blocks(title=settings.assistant_name, analytics_enabled=False, fill_height=True) as demo:
        gr.Markdown(header_html(settings, feedback.enabled), elem_id="app-header", sanitize_html=True)
        status = gr.Markdown(
            status_block(service.status_message()), visible=not service.ready, elem_id="app-status", sanitize_html=True
        )
        timer = gr.Timer(1.0, active=not service.ready)
        session = gr.State(new_session())
        chatbot = gr.Chatbot(
            label="Conversation",
            show_label=False,  # a floating label covered the first line of the pane
            elem_id="chat",
            height=None,
            min_height=180,
            placeholder=render.plain_text_markdown(settings.greeting),
            examples=[{"text": q} for q in settings.example_questions],
            feedback_options=("Like", "Dislike"),
            latex_delimiters=[],
            sanitize_html=True,
            allow_tags=False,
            buttons=["copy"],
            group_consecutive_messages=True,
            allow_file_downloads=False,
            scale=1,
        )
        textbox = gr.Textbox(
            label="Your question",
            placeholder="Type your question, then press Enter",
            lines=1,
            max_lines=4,
            elem_id="question",
            autofocus=False,
            submit_btn=False,
            stop_btn=False,
        )
        with gr.Row(equal_height=True):
            ask = gr.Button("Ask", variant="primary", elem_id="ask-button", scale=2, min_width=80)
            new = gr.Button("New conversation", variant="secondary", elem_id="new-conversation", scale=1, min_width=120)
        gr.Markdown(disclaimer_block(settings), elem_id="app-disclaimer", sanitize_html=True)

        io = _AskListener(
            fn=handlers.respond,
            inputs=[textbox, session],
            outputs=[chatbot, textbox, session],
            show_progress="hidden",
            concurrency_id="ask",
            trigger_mode="always_last",
        )
        asking: list[dict[str, Any]] = [
            textbox.submit(api_name="ask", api_description="Ask a question; returns the chat messages.", **io),
            ask.click(api_visibility="private", **io),
            chatbot.example_select(
                handlers.fill_example, None, textbox, api_visibility="private", show_progress="hidden"
            ).then(api_visibility="private", **io),
        ]

        def answer(question: str, history: list[dict] | None = None) -> dict:
            """Answer one question from the curated articles; returns the answer schema (as POST /api/ask).

            history: earlier turns, oldest first, as [{"role": "user" | "assistant", "content": text}].
            The answer and quotes are corpus text and the question is the caller's: escape them for a web page.
            """
            return handlers.answer_api(question, history)

        gr.api(answer, api_name="answer", concurrency_id="ask")
        # a new conversation stops an answer still being written, so it cannot reappear after the reset
        reset = _ResetListener(api_visibility="private", show_progress="hidden", cancels=asking)
        new.click(handlers.clear, None, [chatbot, textbox, session], **reset)
        chatbot.clear(handlers.clear, None, [chatbot, textbox, session], **reset)
        chatbot.like(handlers.on_like, [session], None, api_visibility="private", show_progress="hidden")
        timer.tick(handlers.status, None, [status, timer], api_visibility="private", show_progress="hidden")
        demo.load(handlers.status, None, [status, timer], api_visibility="private", show_progress="hidden")
    return demo
