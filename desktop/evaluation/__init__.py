"""Measuring the app on labelled data: one module per measurement. No Qt.

- cases.py, library.py: the labelled Bitext cases and the in-memory libraries they run against;
- ranking_eval.py: `agent-assist eval`, intent hit rates of the ranking;
- drafts.py: `eval --drafts`, the drafts measured on the same cases;
- conversations.py: `eval-conversations`, the whole pipeline on realistic pasted threads;
- bench/: `agent-assist bench` (model, ranking, start-up, event loop) and `bench-retrieval`.
"""
