"""The learned sentence ranker: the shipped weights load and match the features the composer computes, training
puts the labelled answer first, and a bad setting is refused. (No model: unit lane.)"""

import numpy as np
import pytest

from assistant.compose.ranking import FEATURES, RANKER_PATH, fit_ranker, load_ranker
from assistant.errors import SettingsError
from assistant.settings import load_settings


def test_the_shipped_ranker_loads_and_says_what_it_was_trained_on():
    ranker = load_ranker()
    assert ranker.weights.shape == (len(FEATURES),)
    text = RANKER_PATH.read_text(encoding="utf-8")
    assert "answers-tune.yaml" in text and "answers-test.yaml" not in text.split('"left_out_check"')[0]


def test_training_puts_the_answer_first_on_questions_it_did_not_see():
    rng = np.random.default_rng(0)

    def question():
        x = rng.normal(size=(6, len(FEATURES)))
        y = np.zeros(6, dtype=bool)
        y[int(np.argmax(x[:, 2] - x[:, 8]))] = True  # the answer: many of the question's words, early in its passage
        return x, y

    ranker = fit_ranker([question() for _ in range(200)])
    held = [question() for _ in range(100)]
    right = sum(bool(y[int(np.argmax(ranker.scores(x)))]) for x, y in held)
    assert right >= 90


def test_a_ranker_trained_on_other_features_is_refused(tmp_path):
    broken = tmp_path / "ranker.json"
    broken.write_text(RANKER_PATH.read_text(encoding="utf-8").replace('"sim"', '"cosine"', 1), encoding="utf-8")
    with pytest.raises(ValueError, match="other features"):
        load_ranker(broken)


def test_an_unknown_ranker_setting_is_refused(monkeypatch):
    monkeypatch.setenv("ASSISTANT_SENTENCE_RANKER", "neural")
    with pytest.raises(SettingsError, match="sentence_ranker"):
        load_settings()
