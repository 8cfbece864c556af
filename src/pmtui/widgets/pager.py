"""Page state for lists read from SQL a page at a time (``[`` and ``]`` move between pages)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Pager:
    """Where a paged list stands: rows per page, the first row shown and how many rows exist."""

    size: int
    offset: int = 0
    total: int = 0

    def next(self) -> bool:
        """Move to the next page; False (nothing moves) on the last one."""
        if self.offset + self.size >= self.total:
            return False
        self.offset += self.size
        return True

    def previous(self) -> bool:
        """Move to the previous page; False on the first one."""
        if self.offset == 0:
            return False
        self.offset = max(0, self.offset - self.size)
        return True

    def label(self) -> str:
        """``41-80 of 94`` (``none`` when the list is empty)."""
        if not self.total:
            return "none"
        return f"{self.offset + 1}-{min(self.offset + self.size, self.total)} of {self.total}"


class PagedScreen:
    """Mixin for screens with a :class:`Pager` in ``self.pager``: ``[``/``]`` and Escape.

    The screen implements :meth:`show_page`, called after the page moved.
    """

    pager: Pager

    def show_page(self) -> None:
        """Show the page the pager points at (read it again, or refill from memory)."""
        raise NotImplementedError

    def action_next_page(self) -> None:
        """The next page of rows."""
        if self.pager.next():
            self.show_page()

    def action_previous_page(self) -> None:
        """The previous page of rows."""
        if self.pager.previous():
            self.show_page()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
