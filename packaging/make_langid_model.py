"""Write the compact language-identification model to resources/langid/. Output is committed.

    .venv/bin/python packaging/make_langid_model.py [--out FOLDER]

py3langid's model covers 142 languages and, loaded, costs ~80 MB of Python lists and numpy
arrays; the app answers among 11 (desktop.reading.language.SUPPORTED). This keeps what
classifying among those 11 needs, as plain .npy files the app memory-maps (a few MB touched):

- the byte automaton that finds the n-gram features, as an Aho-Corasick trie (sorted goto
  edges per state, a failure link per state) instead of py3langid's dense 256-wide rows
  (39 MB of uint32); the script checks that the trie plus failure links reproduce every one
  of the dense table's transitions, so the walk visits exactly the same states;
- the naive Bayes weights (float16, as py3langid stores them) and class priors (float32) of
  the 11 classes only, in py3langid's column order, which settles ties the same way.

Deterministic: the same py3langid wheel gives byte-identical files. py3langid's BSD licence
is copied beside them.
"""

from __future__ import annotations

import argparse
import io
import lzma
import sys
from collections import deque
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.reading.language import SUPPORTED  # noqa: E402

OUT = ROOT / "resources" / "langid"
CHUNK = 4096  # states per verification block: 4096 x 256 x 4 bytes


def load_py3langid() -> dict[str, npt.NDArray[np.generic]]:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    with lzma.open(MODEL_DIR / MODEL_FILE) as packed:
        data = np.load(io.BytesIO(packed.read()), allow_pickle=False)
        model = {name: data[name] for name in data.files}
    return model


def licence() -> str:
    """py3langid's BSD licence text, from its installed distribution."""
    from importlib.metadata import distribution

    dist = distribution("py3langid")
    files = [f for f in dist.files or () if f.name.upper().startswith("LICENSE")]
    assert files, "py3langid's licence file is missing"
    return files[0].read_text(encoding="utf-8")


def trie(dense: npt.NDArray[np.uint32]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Goto edges (CSR: start, byte, next) and failure links of the automaton `dense`.

    A state's depth (the length of the string it stands for) is its BFS distance from the
    root; a transition one level deeper is a trie edge, every other one a fall-back.
    """
    states = dense.shape[0]
    depth = np.full(states, -1, dtype=np.int32)
    depth[0] = 0
    order = [0]
    queue = deque([0])
    while queue:
        state = queue.popleft()
        for target in np.unique(dense[state]).tolist():
            if depth[target] < 0:
                depth[target] = depth[state] + 1
                order.append(target)
                queue.append(target)
    assert (depth >= 0).all(), "unreachable states"
    parents, byte_values = np.nonzero(depth[dense] == depth[:, None] + 1)
    targets = dense[parents, byte_values]
    # a trie: every state but the root has exactly one parent
    assert len(targets) == states - 1, "not a trie"
    assert len(np.unique(targets)) == states - 1, "not a trie"
    fail = np.zeros(states, dtype=np.uint32)
    parent_of = np.zeros(states, dtype=np.int64)
    byte_of = np.zeros(states, dtype=np.int64)
    parent_of[targets], byte_of[targets] = parents, byte_values
    for state in order[1:]:  # BFS order: a parent's failure link is known before its children's
        parent = parent_of[state]
        fail[state] = 0 if parent == 0 else dense[fail[parent], byte_of[state]]
    start = np.zeros(states + 1, dtype=np.uint32)
    np.cumsum(np.bincount(parents, minlength=states), out=start[1:])
    # np.nonzero walks row-major: edges come sorted by parent, then byte
    return start, byte_values.astype(np.uint8), targets.astype(np.uint32), fail


def verify(
    dense: npt.NDArray[np.uint32],
    start: np.ndarray,
    edge_byte: np.ndarray,
    edge_next: np.ndarray,
    fail: np.ndarray,
) -> None:
    """Every dense transition equals: the goto edge if there is one, else the failure state's."""
    parents = np.repeat(np.arange(len(fail)), np.diff(start).astype(np.int64))
    for first in range(0, len(fail), CHUNK):
        block = np.arange(first, min(first + CHUNK, len(fail)))
        rebuilt = dense[fail[block]].copy()
        rebuilt[block == 0] = 0  # the root falls back to itself: no edge means state 0
        mine = (parents >= block[0]) & (parents <= block[-1])
        rebuilt[parents[mine] - first, edge_byte[mine]] = edge_next[mine]
        assert np.array_equal(rebuilt, dense[block]), f"states {first}+ differ"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to write (default {OUT})")
    out = parser.parse_args().out
    model = load_py3langid()
    rows = model["nextmove"].reshape(-1, 256)
    dense = rows[model["nextmove_row"].astype(np.int64)].astype(np.uint32)
    start, edge_byte, edge_next, fail = trie(dense)
    verify(dense, start, edge_byte, edge_next, fail)
    del dense, rows

    classes = model["classes"].tolist()
    columns = [i for i, code in enumerate(classes) if code in SUPPORTED]
    assert sorted(classes[i] for i in columns) == sorted(SUPPORTED), "a language is missing"
    arrays = {
        "edge_start": start,
        "edge_byte": edge_byte,
        "edge_next": edge_next,
        "fail": fail,
        "output": model["out_feat"].astype(np.int32),
        "ptc": np.ascontiguousarray(model["ptc"][:, columns]),  # float16, as py3langid keeps it
        "pc": model["pc"][columns].astype(np.float32),
        "classes": np.array([classes[i] for i in columns], dtype="<U3"),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        np.save(out / f"{name}.npy", array, allow_pickle=False)
    (out / "LICENSE-py3langid.txt").write_text(licence(), encoding="utf-8")
    total = sum(path.stat().st_size for path in out.iterdir())
    print(
        f"{out}: {len(fail)} states, {len(edge_next)} edges, {len(arrays['ptc'])} features, {total / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
