"""What is on screen, kept on disk a second after each change, so a crash loses at most a second.

Two snapshots, one way of keeping them (`store`): the open tabs with their drafts
(`workspace`) and the library window's unsaved edit (`library_edit`). No Qt: desktop/ui/autosave.py
takes the snapshots on the GUI thread and writes them on a thread of their own.
"""
