"""The chat's Gradio API for ``gradio_client`` users: ``/answer`` returns the answer schema (the same dict as
``POST /api/ask``), not display HTML and ``{'__type__': 'update'}``. Against the real server."""

from __future__ import annotations

import pytest

from test_web_browser import QUESTION, app_server, clinic, web_settings  # noqa: F401  (fixtures by name)


@pytest.fixture
def gradio(app_server):  # noqa: F811
    from gradio_client import Client

    c = Client(app_server.url, verbose=False, analytics_enabled=False)
    yield c
    c.close()


def test_answer_endpoint_returns_the_answer_schema(gradio, web_settings):  # noqa: F811
    api = gradio.view_api(print_info=False, return_format="dict")
    assert "/answer" in api["named_endpoints"]
    answer = gradio.predict(QUESTION, api_name="/answer")
    assert isinstance(answer, dict) and "__type__" not in answer
    assert set(answer) >= {"question", "answer", "outcome", "citations", "triage", "disclaimer", "timings_ms"}
    assert answer["outcome"] == "answer" and "[1]" in answer["answer"] and "<" not in answer["answer"]
    assert answer["disclaimer"].startswith(web_settings.disclaimer)
    cite = answer["citations"][0]
    assert cite["n"] == 1 and cite["quote"] in cite["passage"]
    # same shape as the JSON API
    import httpx

    direct = httpx.post(gradio.src.rstrip("/") + "/api/ask", json={"question": QUESTION}, timeout=60).json()
    assert set(direct) == set(answer) and direct["citations"][0]["passage_id"] == cite["passage_id"]

    follow_up = gradio.predict(
        "And which one is used for muscle tension?",
        [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": answer["answer"]}],
        api_name="/answer",
    )
    assert "deep tissue massage" in follow_up["answer"]


def test_answer_endpoint_bad_input_is_one_sentence(gradio):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as err:
        gradio.predict("   ", api_name="/answer")
    assert "Traceback" not in str(err.value) and str(err.value).strip()
    with pytest.raises(AppError):
        gradio.predict(QUESTION, [{"role": "system", "content": "x"}], api_name="/answer")
