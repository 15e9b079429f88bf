"""The autosaves' shared file and writer, on real files: atomic replace, tolerant read, one line."""

from pathlib import Path

from desktop.autosave.library_edit import EditAutosaveStore
from desktop.autosave.store import JsonFile, SnapshotWriter
from desktop.autosave.workspace import AutosaveStore, Snapshot, Workspace

FALLBACK = "Could not keep it ({exc})"


def test_a_damaged_file_reads_as_no_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "kept.json"
    path.write_text('{"version": 2, "tabs": [', encoding="utf-8")
    assert JsonFile(path).read() is None
    assert AutosaveStore(path).load() is None
    assert EditAutosaveStore(path).load() is None
    JsonFile(path).write({"a": 1})
    assert JsonFile(path).read() == {"a": 1}


def test_a_refused_write_is_told_once_until_one_succeeds(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    store = AutosaveStore(blocker / "autosave.json")
    writer = SnapshotWriter(store, "lost", FALLBACK)
    workspace = Workspace((Snapshot("Customer: hello", "Hi!"),))

    first = writer.write(workspace)
    assert first is not None and first.startswith("Could not keep it (")
    assert writer.write(workspace) is None  # the same failure, not said every second

    blocker.unlink()
    blocker.mkdir()
    assert writer.write(workspace) is None
    assert store.load() == workspace

    writer.write(None)  # None removes the file
    assert not store.path.exists()
    blocker.rmdir()
    blocker.write_text("again", encoding="utf-8")
    assert writer.write(workspace) == first  # a new failure after a success is said again
