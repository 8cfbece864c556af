"""A screen showing one page of rows read from SQL in a table, with the highlighted row's detail.

Shared by the dispute register and the minutes search: subclasses set :attr:`PAGE`,
keep the page's rows in :attr:`rows` and the total in :attr:`total`, read the page
starting at :attr:`page_start` in :meth:`reload`, and draw the highlighted row in
:meth:`show_detail`. ``[`` / ``]`` step through the pages; Escape goes back.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import DataTable


class PagedRowsScreen(Screen):
    """Paging, the row under the cursor and its detail."""

    #: Rows per page.
    PAGE = 50

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.page_start = 0
        self.total = 0

    def reload(self) -> None:
        """Read the page starting at :attr:`page_start` again (subclasses start their worker)."""
        raise NotImplementedError

    def show_detail(self) -> None:
        """Show the highlighted row under the table (subclasses draw it)."""
        raise NotImplementedError

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Follow the cursor with the detail."""
        event.stop()
        self.show_detail()

    def selected(self) -> dict | None:
        """The row under the cursor."""
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def page_label(self) -> str:
        """``first-last of total`` for the page on screen (``none`` when empty)."""
        if not self.rows:
            return "none"
        return f"{self.page_start + 1}-{self.page_start + len(self.rows)} of {self.total}"

    def action_previous_page(self) -> None:
        """The page before."""
        if self.page_start > 0:
            self.page_start = max(0, self.page_start - self.PAGE)
            self.reload()

    def action_next_page(self) -> None:
        """The page after."""
        if self.page_start + self.PAGE < self.total:
            self.page_start += self.PAGE
            self.reload()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
