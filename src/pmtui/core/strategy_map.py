"""The strategy map as a layout-neutral model, and a grid layout for drawing it.

:func:`pmtui.services.strategy.strategy_map` fills a :class:`StrategyMap`; the TUI
draws it as text and the Datasette page as SVG, both from :func:`layout`, so the
two agree on which lane and column each objective sits in. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lane:
    """A perspective row of the map (Financial at the top)."""

    code: str
    name: str


@dataclass(frozen=True)
class Node:
    """An objective in a lane, with its status for the period."""

    code: str
    name: str
    lane: str
    level: str
    score: float | None
    status: str | None


@dataclass(frozen=True)
class Edge:
    """A cause-and-effect link: ``cause`` drives ``effect``."""

    cause: str
    effect: str


@dataclass
class StrategyMap:
    """One unit's strategy map for one period."""

    unit: str
    unit_name: str
    period: str | None
    lanes: list[Lane] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def in_lane(self, lane: str) -> list[Node]:
        """The lane's nodes in map order."""
        return [n for n in self.nodes if n.lane == lane]

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"unit": self.unit, "unit_name": self.unit_name, "period": self.period,
                "lanes": [vars(lane) for lane in self.lanes], "nodes": [vars(n) for n in self.nodes],
                "edges": [vars(e) for e in self.edges]}


@dataclass(frozen=True)
class Box:
    """Where a node is drawn: top-left corner and size, in the caller's units."""

    code: str
    x: float
    y: float
    width: float
    height: float

    @property
    def centre_x(self) -> float:
        """Horizontal centre (where arrows attach)."""
        return self.x + self.width / 2


def layout(model: StrategyMap, *, width: float, box_width: float, box_height: float, lane_gap: float,
           left: float = 0.0, top: float = 0.0, gap: float = 0.0) -> tuple[list[Box], dict[str, float]]:
    """Place nodes in their lane rows; each lane's nodes are spread evenly across ``width``.

    Args:
        model: the map.
        width: drawing width available right of ``left``.
        box_width: preferred box width (shrunk when a lane holds more boxes than fit).
        box_height: box height.
        lane_gap: vertical space between one lane's boxes and the next lane's.
        left: x where the boxes area starts (room for lane titles).
        top: y of the first lane.
        gap: minimum horizontal space between boxes.

    Returns:
        ``(boxes, lane_tops)``: one box per node, and the y where each lane starts.
    """
    boxes: list[Box] = []
    lane_tops: dict[str, float] = {}
    y = top
    for lane in model.lanes:
        lane_tops[lane.code] = y
        nodes = model.in_lane(lane.code)
        if nodes:
            slot = width / len(nodes)
            w = min(box_width, slot - gap) if slot > gap else slot
            for i, node in enumerate(nodes):
                boxes.append(Box(node.code, left + i * slot + (slot - w) / 2, y, w, box_height))
        y += box_height + lane_gap
    return boxes, lane_tops
