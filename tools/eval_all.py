#!/usr/bin/env python3
"""Runs every evaluation set through the release binary and prints one table.

Usage: tools/eval_all.py [--bin PATH] [--out DIR] [--shared DIR] [--quick] [--ask] [NAME=VALUE …]
(each NAME=VALUE is passed to `eval` as `--set NAME=VALUE`)

Sets: the article sets in tests/data/article and ../shared/eval/article (scored by
`article-qa eval`), SQuAD (`eval --squad`), and CoQA news and Wikipedia, standalone and
conversations (`article-qa eval`, each item answered from its own article; `--ask` answers
them through `ask - --json` instead and scores them with ../shared/eval/score_article.py, a
cross-check of `eval`'s own scoring). Predictions are written to
OUT/<set>.jsonl, so two runs can be compared answer by answer with `diff -r`.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_eval(binary, qpath, pred, extra, squad=None):
    cmd = [binary, "eval", qpath, "--predictions", pred] + [a for x in extra for a in ("--set", x)]
    if squad:
        cmd += ["--squad", squad]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise SystemExit(f"eval failed on {qpath}: {out.stderr.strip()}")


def run_multi(binary, shared, qpath, pred, extra):
    """A multi-article set: each item answered from articles/<article>.txt."""
    articles = os.path.join(os.path.dirname(qpath), "articles")
    items = [json.loads(l) for l in open(qpath) if l.strip()]
    groups = collections.OrderedDict()
    for it in items:
        groups.setdefault(it["article"], []).append(it)
    with open(pred, "w") as out:
        for name, group in groups.items():
            lines = []
            for it in group:
                turns = it.get("turns") or [it["question"]]
                lines.append(json.dumps({"turns": turns}))
            cmd = [binary, "ask", "-", "--json", "--article", os.path.join(articles, name + ".txt")]
            res = subprocess.run(cmd, input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=ROOT)
            answers = [json.loads(l) for l in res.stdout.splitlines() if l.strip()]
            if len(answers) != len(group):
                raise SystemExit(f"{name}: {len(answers)} answers for {len(group)} items: {res.stderr.strip()}")
            for it, ans in zip(group, answers):
                sentences = [s["text"] for s in ans.get("sentences", [])] if ans.get("source") == "article" else []
                out.write(json.dumps({"id": it["id"], "sentences": sentences}) + "\n")
    score = subprocess.run([sys.executable, os.path.join(shared, "eval", "score_article.py"), qpath, pred],
                           capture_output=True, text=True)
    return json.loads(score.stdout.splitlines()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "article-qa"))
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "eval"))
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    ap.add_argument("--quick", action="store_true", help="skip the CoQA conversation sets")
    ap.add_argument("--ask", action="store_true", help="CoQA through `ask -` and score_article.py")
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    ev = os.path.join(args.shared, "eval")
    sets = [
        ("article-dev", os.path.join(ROOT, "tests/data/article/dev.jsonl"), None),
        ("article-followups", os.path.join(ROOT, "tests/data/article/followups.jsonl"), None),
        ("article-followups-foreign", os.path.join(ROOT, "tests/data/article/followups-foreign.jsonl"), None),
        ("article-paraphrases", os.path.join(ROOT, "tests/data/article/paraphrases.jsonl"), None),
        ("article-foreign", os.path.join(ev, "article/foreign-dev.jsonl"), None),
        ("article-unsaid", os.path.join(ROOT, "tests/data/article/unsaid.jsonl"), None),
        ("article-followups-offtopic", os.path.join(ROOT, "tests/data/article/followups-offtopic.jsonl"), None),
        ("squad", os.path.join(ev, "squad/questions.jsonl"), os.path.join(ev, "squad")),
    ]
    rows = []
    for name, q, squad in sets:
        if not os.path.exists(q):
            continue
        rows.append((name, run_eval(args.bin, q, os.path.join(args.out, name + ".jsonl"), args.extra, squad)))
    for dom in ("news", "wikipedia"):
        for kind in ("standalone", "conv"):
            if args.quick and kind == "conv":
                continue
            q = os.path.join(ev, "coqa", dom, kind + ".jsonl")
            if os.path.exists(q):
                name = f"coqa-{dom}-{kind}"
                pred = os.path.join(args.out, name + ".jsonl")
                if args.ask:
                    rows.append((name, run_multi(args.bin, args.shared, q, pred, args.extra)))
                else:
                    rows.append((name, run_eval(args.bin, q, pred, args.extra)))
    print(f"{'set':24} {'n':>5} {'top-1':>6} {'hit@3':>6} {'abstain':>8} {'overall':>8}")
    for name, s in rows:
        n = s["answerable"] + s["unanswerable"]
        ab = "—" if not s["unanswerable"] else f"{s['abstain']:.3f}"
        print(f"{name:24} {n:>5} {s['top1']:>6.3f} {s['hit3']:>6.3f} {ab:>8} {s['overall']:>8.3f}")


if __name__ == "__main__":
    main()
