"""Conversation tabs: a tab bar over two stacks (conversations left, suggestions right).

The window's layout stays as it was (conversation | suggestion over the shared canned list);
the tab bar picks which tab's conversation pane and suggestion page the two stacks show. The
shared CannedSearch ranks the shown tab's conversation: a tab's ranking is asked for when it
changes while shown, and again when the agent switches to it, and the result goes to the tab
that asked (the search emits only the newest ranking). Closing the last tab leaves a new,
empty one; the closed ones can be reopened (Ctrl+Shift+T) until the app quits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QStackedWidget, QTabBar, QWidget

from desktop.autosave.workspace import Snapshot, Workspace
from desktop.drafting.understand import Understanding
from desktop.drafting.versions import Draft
from desktop.reading import Reading
from desktop.settings import Settings
from desktop.transcript import Transcript
from desktop.ui.assist import AssistController
from desktop.ui.canned_search import CannedSearch
from desktop.ui.conversation_tab import NEW_TITLE, ConversationTab
from desktop.ui.generation_queue import GenerationQueue
from desktop.ui.widgets.canned_panel import CannedPanel

CLOSED_KEPT = 10  # closed tabs that Ctrl+Shift+T can bring back
MESSAGE_TITLE_CHARS = 18  # a closed tab named in the status bar


@dataclass(frozen=True)
class ClosedTab:
    conversation: str
    draft: str
    history_row: int | None
    index: int = -1  # its place in the bar: it comes back there
    session_draft: Draft | None = None  # the draft with its alternatives


class ConversationTabs(QObject):
    """Creates, shows, switches and closes the conversation tabs.

    Signals:
        added(object): a new ConversationTab (the window wires its messages, copies, autosave).
        closing(object): a ConversationTab about to go away.
        current_changed(object): the ConversationTab now shown.
        message(str): something the agent should read (status bar).
    """

    added = Signal(object)
    closing = Signal(object)
    current_changed = Signal(object)
    message = Signal(str)

    def __init__(
        self,
        assist: AssistController,
        search: CannedSearch,
        canned: CannedPanel,
        settings: Callable[[], Settings],
        save_settings: Callable[[Settings], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._assist = assist
        self._search = search
        self._canned = canned
        self._settings = settings
        self._save_settings = save_settings
        self.queue = GenerationQueue(assist, self)
        self.bar = QTabBar(parent)
        self.bar.setDocumentMode(True)
        self.bar.setTabsClosable(True)
        self.bar.setMovable(True)
        self.bar.setExpanding(False)
        self.bar.setElideMode(self.bar.elideMode().ElideRight)
        self.left = QStackedWidget(parent)
        self.right = QStackedWidget(parent)
        self.tabs: list[ConversationTab] = []
        self._next_key = 1
        self._ranking_for: ConversationTab | None = None
        self._closed: list[ClosedTab] = []
        self.bar.currentChanged.connect(self._on_bar_current_changed)
        self.bar.tabCloseRequested.connect(self._on_bar_close_requested)
        search.ranked.connect(self._on_search_ranked)
        self.queue.changed.connect(self.update_titles)

    # --- which tab ----------------------------------------------------------------------------
    @property
    def current(self) -> ConversationTab:
        tab = self._tab_at(self.bar.currentIndex())
        if tab is None:  # only while the first tab is being made
            return self.new_tab()
        return tab

    def _tab_at(self, index: int) -> ConversationTab | None:
        key = self.bar.tabData(index) if 0 <= index < self.bar.count() else None
        return self.by_key(key) if isinstance(key, int) else None

    def by_key(self, key: int) -> ConversationTab | None:
        return next((tab for tab in self.tabs if tab.key == key), None)

    def index_of(self, tab: ConversationTab) -> int:
        """The tab's place in the bar, -1 if it has none (yet)."""
        return next((i for i in range(self.bar.count()) if self.bar.tabData(i) == tab.key), -1)

    def ordered(self) -> list[ConversationTab]:
        """The tabs in the order the bar shows them (the agent may have moved some)."""
        return [tab for i in range(self.bar.count()) if (tab := self._tab_at(i)) is not None]

    # --- making and closing -------------------------------------------------------------------
    def new_tab(
        self,
        conversation: str = "",
        draft: str = "",
        history_row: int | None = None,
        index: int = -1,
    ) -> ConversationTab:
        """A new tab, shown at once, holding `conversation` (and `draft`) if given.

        It goes at the end of the bar, or at `index` when that is given.
        """
        tab = ConversationTab(
            self._next_key,
            self.queue.tab(),
            self._assist,
            self._search,
            self._canned,
            self._settings(),
            self._save_settings,
            self._parent,
        )
        self._next_key += 1
        self.tabs.append(tab)
        self.left.addWidget(tab.conversation)
        self.right.addWidget(tab.page)
        tab.history_row = history_row
        tab.conversation.transcript_changed.connect(
            lambda transcript, t=tab: self._on_tab_transcript_changed(t, transcript)
        )
        # An empty bar makes it current before its data is set.
        index = self.bar.insertTab(index if index >= 0 else self.bar.count(), NEW_TITLE)
        self.bar.setTabData(index, tab.key)
        self.added.emit(tab)
        if conversation:
            tab.conversation.set_text(conversation)
        if draft:
            tab.suggestion.draft.setPlainText(draft)
        if self.bar.currentIndex() == index:
            self._on_bar_current_changed(index)
        else:
            self.bar.setCurrentIndex(index)  # shows it and asks for its ranking
        self.update_titles()
        return tab

    def close_tab(self, tab: ConversationTab) -> None:
        """Close `tab` (its draft stops or leaves the line); the last gives way to an empty one."""
        if tab not in self.tabs:
            return
        if not tab.is_blank():
            self._closed.append(
                ClosedTab(
                    tab.conversation.editor.toPlainText(),
                    tab.suggestion.draft.toPlainText(),
                    tab.history_row,
                    self.index_of(tab),
                    tab.drafts.session.draft,
                )
            )
            del self._closed[:-CLOSED_KEPT]
            # Short enough to fit beside the model, speed and "generating" at 1024 px.
            title = tab.title()
            if len(title) > MESSAGE_TITLE_CHARS:
                title = title[: MESSAGE_TITLE_CHARS - 1].rstrip() + "…"
            self.message.emit(f"Closed “{title}” (Ctrl+Shift+T reopens it).")
        if len(self.tabs) == 1:
            self.new_tab()
        self.closing.emit(tab)
        if self._ranking_for is tab:
            self._ranking_for = None
        self.tabs.remove(tab)
        self.bar.removeTab(self.index_of(tab))
        self.left.removeWidget(tab.conversation)
        self.right.removeWidget(tab.page)
        tab.close()

    def blank_or_new(self) -> ConversationTab:
        """The shown tab if nothing is in it yet, else a new one (shown)."""
        tab = self.current
        return tab if tab.is_blank() else self.new_tab()

    def workspace(self) -> Workspace:
        """Every tab's texts and history row, in the bar's order, and which one is shown."""
        tabs = self.ordered()
        snapshots = tuple(
            Snapshot(
                tab.conversation.editor.toPlainText(),
                tab.suggestion.draft.toPlainText(),
                tab.history_row,
            )
            for tab in tabs
        )
        current = self.current
        return Workspace(snapshots, tabs.index(current) if current in tabs else 0)

    def restore(self, workspace: Workspace) -> None:
        """Reopen the tabs a last session left; blank tabs give way to them."""
        blank = [tab for tab in self.tabs if tab.is_blank()]
        made = [
            self.new_tab(snapshot.conversation, snapshot.draft, snapshot.history_row)
            for snapshot in workspace.tabs
        ]
        for tab in blank:
            self.close_tab(tab)
        if made:
            self.show_tab(made[min(workspace.current, len(made) - 1)])

    def close_current(self) -> None:
        self.close_tab(self.current)

    def reopen_closed(self) -> ConversationTab | None:
        if not self._closed:
            self.message.emit("No closed conversation to reopen.")
            return None
        closed = self._closed.pop()
        index = min(closed.index, self.bar.count())
        tab = self.new_tab(closed.conversation, closed.draft, closed.history_row, index)
        tab.drafts.resume(closed.session_draft, closed.draft)
        return tab

    def show_tab(self, tab: ConversationTab) -> None:
        self.bar.setCurrentIndex(self.index_of(tab))

    def show_index(self, index: int) -> None:
        """Ctrl+1..8 show that tab; 9 (or any past the end) shows the last, as browsers do."""
        count = self.bar.count()
        self.bar.setCurrentIndex(min(index, count - 1) if index < 8 else count - 1)

    @Slot()
    def show_next(self) -> None:
        self._step(1)

    @Slot()
    def show_previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        self.bar.setCurrentIndex((self.bar.currentIndex() + step) % self.bar.count())

    def adopt_settings(self, settings: Settings) -> None:
        for tab in self.tabs:
            tab.drafts.adopt_settings(settings)

    # --- titles -------------------------------------------------------------------------------
    @Slot()
    def update_titles(self) -> None:
        for tab in self.tabs:
            title = tab.title()
            position = tab.assist.position
            if position == 0:
                title = f"{title} · drafting"
            elif position > 0:
                title = f"{title} · waiting"
            index = self.index_of(tab)
            if index >= 0 and self.bar.tabText(index) != title:
                self.bar.setTabText(index, title)
                self.bar.setTabToolTip(index, title)

    # --- signals --------------------------------------------------------------------------------
    @Slot(int)
    def _on_bar_current_changed(self, index: int) -> None:
        tab = self._tab_at(index)
        if tab is None:
            return
        self.left.setCurrentWidget(tab.conversation)
        self.right.setCurrentWidget(tab.page)
        self._rank(tab, tab.conversation.transcript())
        self.current_changed.emit(tab)

    @Slot(int)
    def _on_bar_close_requested(self, index: int) -> None:
        tab = self._tab_at(index)
        if tab is not None:
            self.close_tab(tab)

    def _on_tab_transcript_changed(self, tab: ConversationTab, transcript: Transcript) -> None:
        if self._tab_at(self.bar.currentIndex()) is tab:
            self._rank(tab, transcript)
        self.update_titles()

    def _rank(self, tab: ConversationTab, transcript: Transcript) -> None:
        self._ranking_for = tab
        self._search.set_transcript(transcript)

    @Slot(object, object, object)
    def _on_search_ranked(
        self,
        transcript: Transcript,
        understood: Understanding | None,
        reading: Reading | None,
    ) -> None:
        if self._ranking_for is not None:
            self._ranking_for.search.deliver(transcript, understood, reading)
