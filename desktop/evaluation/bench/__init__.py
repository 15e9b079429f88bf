"""`agent-assist bench`: the app's speed measured beside llama.cpp's own, on one machine (issue 14).

One run, one model, one thread setting. Every figure comes from the real path:

- the model through `Suggester` (the pipeline the window and `suggest` share), and raw
  llama.cpp through `engine.llama.raw_timings` (a tight loop over its C API on the same weights
  and context settings), so `ttft_cold_s / ttft_cold_raw_s` and `decode_ratio` compare like
  with like;
- ranking on real SQLite files holding synthetic libraries, the first ranking after a restart
  in a fresh process;
- start-up from `--self-test`, and the Qt event loop (`desktop.ui.bench_window`), in child
  processes: this package and the CLI stay free of Qt.

Nothing here asserts a target: the figures are printed, and the README says what limits each.

One module per part: config.py (what a run measures), run.py (the whole run), model.py,
ranking.py and children.py (start-up and event loop, in child processes); retrieval.py is
`agent-assist bench-retrieval`.
"""
