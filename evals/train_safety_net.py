"""Learn the safety stage's second net (assistant/safety/net.npz) from every labelled question in evals/.

    python -m evals.train_safety_net                    # writes assistant/safety/net.npz, prints the check below
    python -m evals.train_safety_net --before 21        # leaves out blind batches 21 and later (to test on them)
    python -m evals.train_safety_net --check            # leave-later-batches-out figures, writes nothing

Every case with ``expect.triage`` in evals/sets/*.yaml and evals/heldout/*.yaml is a training example: the user
turns of its history and the question, joined. Two logistic regressions over the n-grams of
``assistant.safety.learned.features`` (tf-idf) learn "emergency" and "urgent or above". Each threshold is chosen
out of fold (five folds, a batch's English, Spanish and Korean files kept together) so that at most
``--false-alarms`` (2%) of the look-alike "none" questions of the safety, scope and injection sets would be raised.

The check trains, for each blind safety batch from 14 on, only on what existed before it (the sets and the earlier
batches) and reports the net alone on that batch: emergencies caught, urgent or above, look-alikes raised. Needs
scikit-learn (installed with sentence-transformers); the assistant itself does not import it.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from assistant.safety.learned import NET_PATH, features

ROOT = Path(__file__).resolve().parent
RANK = {"none": 0, "caution": 1, "urgent": 2, "emergency": 3}
LOOK_ALIKES = re.compile(r"safety|no-false-alarms|prompt-injection|scope")  # the hard "none" questions
BLIND = re.compile(r"blind-(\d+)\.ya?ml$")


def _text(case: dict) -> str:
    turns = [h.get("content", "") for h in case.get("history") or [] if isinstance(h, dict) and h.get("role") == "user"]
    return " ".join([*(t for t in turns if isinstance(t, str) and t), case["question"]])


def training_cases(before: int | None = None) -> list[dict]:
    """Every labelled case, leaving out blind batches numbered ``before`` or later."""
    files = sorted((ROOT / "sets").glob("*.yaml")) + sorted((ROOT / "heldout").glob("*.yaml"))
    out = []
    for path in files:
        m = BLIND.search(path.name)
        if before is not None and m and int(m.group(1)) >= before:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        cases = data if isinstance(data, list) else data.get("cases") or []  # a set is a list or {cases: [...]}
        for case in cases:
            if not isinstance(case, dict):
                continue
            level = (case.get("expect") or {}).get("triage")
            if level in RANK and isinstance(case.get("question"), str):
                out.append({"file": path.name, "text": _text(case), "y": level})
    return out


def _group(name: str) -> str:
    return re.sub(r"-(?:en|es|ko)(?=-|\.)", "", name)  # a batch's three language files stay in one fold


def _fit(texts: list[str], y: np.ndarray, c: float) -> tuple[TfidfVectorizer, LogisticRegression]:
    vec = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2, dtype=np.float32)
    x = vec.fit_transform(texts)
    model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=3000).fit(x, y)
    return vec, model


def train(cases: list[dict], false_alarms: float = 0.02, c: float = 4.0) -> dict:
    """Both targets, each with its out-of-fold threshold, on one shared vocabulary."""
    texts = [k["text"] for k in cases]
    groups = [_group(k["file"]) for k in cases]
    hard_none = np.array([k["y"] == "none" and bool(LOOK_ALIKES.search(k["file"])) for k in cases])
    vec = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2, dtype=np.float32).fit(texts)
    x = vec.transform(texts)
    rows, biases, thresholds = [], [], []
    for target in ("emergency", "urgent"):
        y = np.array([RANK[k["y"]] >= RANK[target] for k in cases], dtype=int)
        oof = np.zeros(len(cases))
        for tr, te in GroupKFold(n_splits=5).split(texts, y, groups):
            fold_vec, fold_model = _fit([texts[i] for i in tr], y[tr], c)
            oof[te] = fold_model.decision_function(fold_vec.transform([texts[i] for i in te]))
        thresholds.append(float(np.quantile(oof[hard_none], 1 - false_alarms, method="higher")))
        model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=3000).fit(x, y)
        rows.append(model.coef_[0].astype(np.float32))
        biases.append(float(model.intercept_[0]))
    terms = [t for t, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
    return {
        "vocabulary": terms,
        "idf": vec.idf_.astype(np.float32),
        "weights": np.vstack(rows),
        "bias": np.array(biases, dtype=np.float32),
        "thresholds": np.array(thresholds, dtype=np.float32),
    }


def save(net: dict, meta: dict, path: Path = NET_PATH) -> None:
    vocab = "\n".join(net["vocabulary"]).encode("utf-8")
    np.savez_compressed(
        path,
        vocabulary=np.frombuffer(vocab, dtype=np.uint8),
        idf=net["idf"],
        weights=net["weights"],
        bias=net["bias"],
        thresholds=net["thresholds"],
        meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    )


def check(false_alarms: float, c: float) -> None:
    """Each blind safety batch from 14 on, scored by a net trained only on what came before it."""
    import tempfile

    from assistant.safety.learned import load_net

    numbers = sorted({int(m.group(1)) for p in (ROOT / "heldout").glob("safety-*-blind-*.yaml") if (m := BLIND.search(p.name))})
    print("batch | emergencies | urgent or above | look-alikes raised to urgent or above")
    totals = np.zeros(6, dtype=int)
    for n in (k for k in numbers if k >= 14):
        test = [k for k in training_cases() if BLIND.search(k["file"]) and k["file"].startswith("safety-")
                and int(BLIND.search(k["file"]).group(1)) == n]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "net.npz"
            save(train(training_cases(before=n), false_alarms, c), {}, path)
            net = load_net(path)
        assert net is not None
        got = [net.level(k["text"]) for k in test]
        em = [g == "emergency" for k, g in zip(test, got) if k["y"] == "emergency"]
        up = [RANK[g] >= 2 for k, g in zip(test, got) if RANK[k["y"]] >= 2]
        fa = [RANK[g] >= 2 for k, g in zip(test, got) if k["y"] == "none"]
        row = np.array([sum(em), len(em), sum(up), len(up), sum(fa), len(fa)])
        totals += row
        print(f"{n} | {row[0]}/{row[1]} | {row[2]}/{row[3]} | {row[4]}/{row[5]}")
    print(f"all | {totals[0]}/{totals[1]} | {totals[2]}/{totals[3]} | {totals[4]}/{totals[5]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", type=int, default=None, help="leave out blind batches numbered this or later")
    ap.add_argument("--false-alarms", type=float, default=0.02)
    ap.add_argument("--C", type=float, default=4.0)
    ap.add_argument("--check", action="store_true", help="print the leave-later-batches-out figures only")
    ap.add_argument("--out", type=Path, default=NET_PATH)
    args = ap.parse_args()
    if args.check:
        check(args.false_alarms, args.C)
        return
    cases = training_cases(args.before)
    net = train(cases, args.false_alarms, args.C)
    meta = {
        "trained": date.today().isoformat(),
        "cases": len(cases),
        "files": sorted({k["file"] for k in cases}),
        "before": args.before,
        "false_alarms": args.false_alarms,
        "C": args.C,
        "vocabulary": len(net["vocabulary"]),
    }
    save(net, meta, args.out)
    print(f"wrote {args.out}: {len(cases)} cases, {len(net['vocabulary'])} n-grams, thresholds {net['thresholds']}")


if __name__ == "__main__":
    main()
