"""Hostile input against the real server: lone surrogates, wrong methods, oversized and chunked bodies, foreign
Host headers, errors that must not leak paths or exception names, and schemathesis over the OpenAPI schema.

One uvicorn server per module, in a thread, serving the real pipeline on the session index (like test_web_api).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.errors import AssistantError, IndexUnavailableError, SettingsError
from assistant.schema import Answer
from assistant.settings import load_settings
from assistant.web.app import create_app
from assistant.web.security import API_BODY_LIMIT
from assistant.web.background import BackgroundServer, free_port

QUESTION = "Which massage techniques help with tight muscles?"
ROOT = Path(__file__).resolve().parent.parent
# what no visitor may read: a file-system path, an exception class name, an errno, a traceback
LEAK = re.compile(r"/|\\|\b[A-Z]\w*(?:Error|Exception)\b|[Ee]rrno|Traceback|File \"")


@pytest.fixture(scope="module")
def web_settings(built_settings):
    return built_settings.with_overrides(feedback_enabled=False)


@pytest.fixture
def client(server):
    from gradio_client import Client

    c = Client(server.url, verbose=False, analytics_enabled=False)
    yield c
    c.close()


def post_raw(http, body: bytes, **headers):
    """POST bytes as they are (so a JSON escape such as \\ud800 reaches the server unchanged)."""
    return http.post("/api/ask", content=body, headers={"content-type": "application/json", **headers})


def assert_error(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"].strip()
    assert "Traceback" not in resp.text and 'File "' not in resp.text
    return body["error"]


def content_text(message) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if isinstance(b, dict))


# ---- 1. lone surrogates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"question": "\\ud800"}',
        b'{"question": "\\udfff"}',
        ('{"question": "' + QUESTION + '\\ud800"}').encode(),
        ('{"question": "\\ud83d' + QUESTION + '"}').encode(),  # a high surrogate without its pair
    ],
)
def test_lone_surrogate_question_is_a_400_not_a_crash(http, body, capfd):
    msg = assert_error(post_raw(http, body), 400)
    assert "surrogate" in msg
    # the connection and the server are fine afterwards, and nothing went to the log as a crash
    assert http.post("/api/ask", json={"question": QUESTION}).status_code == 200
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "Exception in ASGI" not in out + err


def test_lone_surrogate_in_history_is_a_400(http):
    body = ('{"question": "' + QUESTION + '", "history": [{"role": "user", "content": "back pain \\ud800"}]}').encode()
    msg = assert_error(post_raw(http, body), 400)
    assert "History message 1" in msg and "surrogate" in msg


def test_a_real_surrogate_pair_is_fine(http):
    resp = post_raw(http, ('{"question": "' + QUESTION + ' \\ud83d\\ude00"}').encode())  # an emoji, escaped
    assert resp.status_code == 200, resp.text
    assert resp.json()["question"].endswith("\U0001f600")


def chat_raw(http, question_json: str, session_hash: str) -> list[dict]:
    """Send one chat question through Gradio's queue as raw JSON (``question_json`` is the JSON string's inside,
    so a ``\\ud800`` escape arrives as it is: gradio_client cannot send one) and return the final messages."""
    config = http.get("/config").json()
    dep = next(d for d in config["dependencies"] if d.get("api_name") == "ask")
    data = ["@@QUESTION@@"] + [None] * (len(dep["inputs"]) - 1)
    body = json.dumps({"data": data, "fn_index": dep["id"], "session_hash": session_hash, "event_data": None})
    body = body.replace("@@QUESTION@@", question_json)
    joined = http.post("/gradio_api/queue/join", content=body.encode(), headers={"content-type": "application/json"})
    assert joined.status_code == 200, joined.text
    with http.stream("GET", f"/gradio_api/queue/data?session_hash={session_hash}", timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:])
                if event.get("msg") == "process_completed":
                    assert event.get("success", True), event
                    return event["output"]["data"][0]
    raise AssertionError("the chat's stream ended without an answer")


def test_chat_answers_a_lone_surrogate_with_a_message_and_lives_on(http, capfd):
    session = "hostile-surrogate-1"
    messages = chat_raw(http, QUESTION + "\\ud800", session)
    notice = content_text(messages[-1])
    assert "notice-error" in notice and "surrogate" in notice and "Traceback" not in notice
    assert "\ufffd" in content_text(messages[0])  # the visitor's message is shown, the surrogate as U+FFFD
    # the page's session survives: the next question in the same session is answered
    messages = chat_raw(http, QUESTION, session)
    assert "[1]" in "\n".join(content_text(m) for m in messages)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_chat_handler_refuses_a_surrogate_before_the_pipeline(web_settings):
    from assistant.web.chat_ui import ChatHandlers
    from assistant.web.feedback import FeedbackStore
    from assistant.web.service import AssistantService

    class Never:
        passage_count = 1

        def ask(self, question, history):  # pragma: no cover - must not be reached
            raise AssertionError("the pipeline saw a lone surrogate")

    store = FeedbackStore(Path("unused.jsonl"), enabled=False)
    handlers = ChatHandlers(web_settings, AssistantService(Never()), store)
    *_, (display, textbox, _session) = list(handlers.respond("pain \udc80 in my leg", None))
    json.dumps(display, ensure_ascii=False).encode("utf-8")  # what Gradio sends: must be encodable
    assert "surrogate" in content_text(display[-1])
    assert "\udc80" not in textbox


# ---- 2. the schema states the limits; methods; body size; history ----------------------------------------------


@pytest.fixture(scope="module")
def spec(http):
    return http.get("/openapi.json").json()


def test_openapi_declares_the_enforced_limits(spec, web_settings):
    schemas = spec["components"]["schemas"]
    question = schemas["AskRequest"]["properties"]["question"]
    assert question["minLength"] == 1 and question["maxLength"] == web_settings.max_question_chars == 2000
    history = schemas["AskRequest"]["properties"]["history"]
    assert history["maxItems"] == 40
    content = schemas["HistoryMessage"]["properties"]["content"]
    assert content["maxLength"] == 2 * web_settings.max_question_chars == 4000
    body = spec["paths"]["/api/ask"]["post"]["requestBody"]
    assert body["x-max-body-bytes"] == API_BODY_LIMIT == 64 * 1024
    assert "65,536 bytes" in body["description"]
    assert {"400", "413", "422"} <= set(spec["paths"]["/api/ask"]["post"]["responses"])
    # the character rules are patterns that Python's re (and JSON Schema's ECMA-262) read the same way
    q, c = re.compile(question["pattern"]), re.compile(content["pattern"])
    for ok in ("Can massage help?", "line one\nline two\ttabbed", "¿Masaje? 마사지 😀"):
        assert q.match(ok) and c.match(ok)
    for bad in ("x\x00y", "bell\x07", "\x1b[31m", "a\x7f", "a\x85", "bad\ufffd"):
        assert not q.match(bad) and not c.match(bad)
    # lone surrogates are refused too (no JSON Schema pattern can name them): the descriptions say so
    assert "surrogate" in question["description"] and "surrogate" in content["description"]
    for blank in ("", " ", "\n\t ", "\u00a0\u3000"):
        assert not q.match(blank)


@pytest.mark.parametrize(
    "question",
    ["ok?", "   ", "\u2003", "x\x00", "tab\tand\nnewline fine", "a\x9f", "a\ufffd", "a" * 2000, "a" * 2001, " a "],
)
def test_schema_pattern_and_server_agree(http, spec, question):
    """Positive by the schema -> accepted (200); negative -> refused with 400 (never a 500 or a 422)."""
    prop = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    valid = bool(re.match(prop["pattern"], question)) and prop["minLength"] <= len(question) <= prop["maxLength"]
    resp = http.post("/api/ask", json={"question": question})
    assert resp.status_code == (200 if valid else 400), resp.text


WRONG_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD"]


@pytest.mark.parametrize(
    "path, allow, method",
    [(p, allow, m) for p, allow in (("/api/ask", "POST"), ("/healthz", "GET")) for m in WRONG_METHODS if m != allow],
)
def test_wrong_methods_get_405_with_allow(http, method, path, allow):
    resp = http.request(method, path)
    assert resp.status_code == 405, (method, path, resp.text)
    assert resp.headers["allow"] == allow
    if method != "HEAD":
        assert_error(resp, 405)


def test_unknown_api_path_is_a_404_for_any_method(http):
    for method in ("GET", "POST", "OPTIONS"):
        assert_error(http.request(method, "/api/nothing-here"), 404)


def test_chunked_body_over_the_limit_gets_413(http):
    def five_megabytes():
        yield b'{"question": "'
        for _ in range(80):
            yield b"a" * 65_536
        yield b'"}'

    resp = http.post("/api/ask", content=five_megabytes(), headers={"content-type": "application/json"})
    assert "transfer-encoding" not in resp.request.headers or resp.request.headers["transfer-encoding"] == "chunked"
    msg = assert_error(resp, 413)
    assert "64 KiB" in msg
    assert http.get("/healthz").status_code == 200  # and the server is fine


def test_chunked_body_under_the_limit_is_answered(http):
    def chunks():
        data = json.dumps({"question": QUESTION}).encode()
        yield data[:10]
        yield data[10:]

    resp = http.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    assert resp.request.headers.get("transfer-encoding") == "chunked"
    assert resp.status_code == 200, resp.text


def test_five_megabytes_with_a_length_gets_413_not_a_reset(http):
    msg = assert_error(post_raw(http, b'{"question": "' + b"a" * 5_000_000 + b'"}'), 413)
    assert "65,536 bytes" in msg


def test_long_history_item_names_the_limit(http, web_settings):
    limit = 2 * web_settings.max_question_chars
    history = [{"role": "user", "content": "x" * 20_000}]
    msg = assert_error(http.post("/api/ask", json={"question": QUESTION, "history": history}), 400)
    assert "History message 1" in msg and "20,000" in msg and f"{limit:,}" in msg
    ok = [{"role": "assistant", "content": "x" * limit}]
    assert http.post("/api/ask", json={"question": QUESTION, "history": ok}).status_code == 200


def test_too_many_history_items_names_the_limit(http):
    history = [{"role": "user", "content": "hello"}] * 41
    msg = assert_error(http.post("/api/ask", json={"question": QUESTION, "history": history}), 400)
    assert "41" in msg and "40" in msg
    assert http.post("/api/ask", json={"question": QUESTION, "history": history[:40]}).status_code == 200


def test_control_characters_in_history_are_a_400(http):
    history = [{"role": "user", "content": "hi\x00there"}]
    msg = assert_error(http.post("/api/ask", json={"question": QUESTION, "history": history}), 400)
    assert "History message 1" in msg and "control" in msg


# ---- 3. Host header (DNS rebinding) ------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:7860", "localhost.evil.example", "127.0.0.1.nip.io"])
@pytest.mark.parametrize("path", ["/healthz", "/", "/openapi.json"])
def test_foreign_host_header_is_refused(http, host, path):
    msg = assert_error(http.get(path, headers={"Host": host}), 400)
    assert "host" in msg.lower()


def test_foreign_host_cannot_ask(http):
    assert_error(http.post("/api/ask", json={"question": QUESTION}, headers={"Host": "attacker.test"}), 400)


@pytest.mark.parametrize("host", ["localhost", "localhost:1234", "127.0.0.1", "LOCALHOST:80", "[::1]:7860", "[::1]"])
def test_loopback_names_with_any_port_pass(http, host):
    assert http.get("/healthz", headers={"Host": host}).status_code == 200


def test_allowed_hosts_defaults_and_environment():
    base = load_settings(env={})
    assert base.host == "127.0.0.1" and set(base.allowed_host_names) == {"localhost", "127.0.0.1", "::1"}
    assert base.with_overrides(host="::1").allowed_host_names == base.allowed_host_names
    assert base.with_overrides(host="0.0.0.0").allowed_host_names == ("*",)  # no restriction unless configured
    env = load_settings(env={"ASSISTANT_ALLOWED_HOSTS": "clinic.example, *.clinic.example ,localhost:7860"})
    assert env.allowed_hosts == ("clinic.example", "*.clinic.example", "localhost:7860")
    assert env.with_overrides(host="0.0.0.0").allowed_host_names == env.allowed_hosts


def test_configured_hosts_replace_the_default(web_settings):
    settings = web_settings.with_overrides(allowed_hosts=("clinic.example", "*.clinic.example", "127.0.0.1"))
    app = create_app(settings, factory=lambda: None, load_in_background=False)
    with BackgroundServer(app) as srv, httpx.Client(base_url=srv.url, timeout=10) as c:
        for host, status in [("clinic.example", 503), ("www.clinic.example:443", 503), ("localhost", 400),
                             ("evilclinic.example", 400), ("127.0.0.1", 503)]:
            assert c.get("/healthz", headers={"Host": host}).status_code == status, host


def test_bad_allowed_host_setting_is_a_settings_error(web_settings):
    for bad in (("http://clinic.example",), ("clinic.example/path",), ("*evil",)):
        with pytest.raises(SettingsError, match="allowed host"):
            create_app(web_settings.with_overrides(allowed_hosts=bad), factory=lambda: None, load_in_background=False)


# ---- 4. no paths or exception names in what callers read ---------------------------------------------------------


def assert_no_leak(text: str):
    found = LEAK.search(text)
    assert found is None, f"leaks {found.group(0)!r}: {text}"


@pytest.mark.parametrize("broken", ["no-index", "chroma-down"])
def test_start_up_failures_do_not_leak_paths_or_exception_names(web_settings, tmp_path, caplog, broken):
    if broken == "no-index":
        settings = web_settings.with_overrides(data_dir=tmp_path / "data")
    else:
        settings = web_settings.with_overrides(chroma_url=f"http://127.0.0.1:{free_port()}")
    with caplog.at_level(logging.ERROR, logger="assistant.web"):
        app = create_app(settings)
        assert app.state.service.wait_ready(3) is False  # it keeps trying in the background
    with BackgroundServer(app) as srv, httpx.Client(base_url=srv.url, timeout=10) as c:
        health = c.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "failed"
        assert_no_leak(health.json()["error"])
        assert_no_leak(json.dumps(health.json()["error"]))
        ask = c.post("/api/ask", json={"question": QUESTION})
        msg = assert_error(ask, 503)
        assert_no_leak(msg)
        assert ("administrator" if broken == "no-index" else "try again") in msg
    app.state.service.stop()
    # the details went to the server log
    logged = "\n".join(r.getMessage() for r in caplog.records)
    if broken == "no-index":
        assert str(tmp_path) in logged
    else:
        assert "Chroma" in logged


class Failing:
    """A pipeline whose every answer fails with a message full of internals."""

    passage_count = 1

    def __init__(self, exc: Exception):
        self.exc = exc

    def ask(self, question, history) -> Answer:
        raise self.exc


@pytest.mark.parametrize(
    "exc",
    [
        IndexUnavailableError("chroma at /var/lib/assistant/chroma: ConnectError: [Errno 111] Connection refused"),
        AssistantError("OSError: [Errno 28] No space left on device: '/srv/data/chroma/x.sqlite3'"),
        RuntimeError("sqlite3.OperationalError at /srv/data"),
    ],
)
def test_answer_failures_do_not_leak(web_settings, exc, caplog):
    app = create_app(web_settings, Failing(exc))
    with caplog.at_level(logging.ERROR, logger="assistant.web"):
        with BackgroundServer(app) as srv, httpx.Client(base_url=srv.url, timeout=10) as c:
            status = 503 if isinstance(exc, IndexUnavailableError) else 500  # an outage: try again later
            msg = assert_error(c.post("/api/ask", json={"question": QUESTION}), status)
            assert_no_leak(msg)
            from gradio_client import Client

            chat = Client(srv.url, verbose=False, analytics_enabled=False)
            try:
                messages, _ = chat.predict(QUESTION, api_name="/ask")
            finally:
                chat.close()
            notice = content_text(messages[-1])
            assert ("notice-info" if isinstance(exc, IndexUnavailableError) else "notice-error") in notice
            assert_no_leak(re.sub(r"<[^>]+>", "", notice))
    if isinstance(exc, AssistantError) and not isinstance(exc, IndexUnavailableError):
        # the detail is in the server log (question text is not); an outage is logged by the pipeline
        assert "Errno" in caplog.text and QUESTION not in caplog.text


# ---- 5. schemathesis against the real server ---------------------------------------------------------------------

SCHEMATHESIS_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "200"))  # README: 1,000 for the full run


def run_schemathesis(url: str, max_examples: int, report: Path, seed: int = 7, timeout: float = 600) -> dict:
    """Run ``schemathesis run`` (every phase, every check) and return what it found, from its ndjson report."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    cmd = [
        exe, "run", f"{url}openapi.json",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", str(max_examples),
        "--seed", str(seed),
        "--workers", "1",
        "--request-timeout", "30",
        "--suppress-health-check", "too_slow",
        "--report", "ndjson", "--report-ndjson-path", str(report),
    ]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, "NO_COLOR": "1"})
    cases, failures = count_cases(report)
    return {"returncode": proc.returncode, "cases": cases, "failures": failures,
            "seconds": round(time.monotonic() - t0, 1), "output": proc.stdout[-6000:] + proc.stderr[-3000:]}


def count_cases(report: Path) -> tuple[int, int]:
    """(test cases sent, failed checks) from a schemathesis ndjson report."""
    cases = failures = 0
    for line in report.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        for kind, data in event.items():
            if kind == "ScenarioFinished":
                recorder = data.get("recorder", {})
                cases += len(recorder.get("cases", {}))
                for checks in recorder.get("checks", {}).values():
                    failures += sum(1 for check in checks if check.get("status") not in ("success", "skip"))
    return cases, failures


def test_schemathesis_finds_nothing(server, artifacts):
    result = run_schemathesis(server.url, SCHEMATHESIS_EXAMPLES, artifacts / "schemathesis.ndjson")
    (artifacts / "schemathesis.json").write_text(
        json.dumps({k: v for k, v in result.items() if k != "output"}, indent=2)
    )
    assert result["returncode"] == 0 and result["failures"] == 0, result["output"]
    assert result["cases"] >= SCHEMATHESIS_EXAMPLES, result
