"""How many customers pass each touchpoint: the journey as an absorbing Markov chain.

Customers enter at the entry touchpoints (those flagged ``entry``; without flags,
those no transition leads to), split evenly. At a touchpoint they take each
transition with its ``share``. Where shares are missing, whatever the given shares
leave over is split evenly among the transitions without one; what no transition
takes drops out of the journey there. Exits (``exit``) and touchpoints without
transitions are where customers leave.

The expected number of visits per entering customer is the solution of one sparse
linear system, ``(I - Q)ᵀ v = s``: loops are handled exactly, without enumerating
paths. In a loop a touchpoint can be visited more than once, so its flow can
exceed 1; a customer who is let down twice counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse import csr_array, identity
from scipy.sparse.linalg import spsolve

__all__ = ["FlowError", "Flow", "entries", "transition_shares", "flow"]


class FlowError(ValueError):
    """Raised when customers can never leave part of the journey (a closed loop)."""

    def __init__(self, trapped: list[str]):
        self.trapped = trapped
        super().__init__(
            "customers who reach these touchpoints can never leave, so their flow is unbounded: "
            + ", ".join(trapped)
            + ". Give one of their transitions a share below 1 or add a way out."
        )


@dataclass(frozen=True)
class Flow:
    """Expected visits per entering customer, and which shares were assumed."""

    visits: dict[str, float]
    assumed: list[tuple[str, str]]  # transitions whose share was missing and split evenly
    entries: list[str]


def entries(G: nx.DiGraph) -> list[str]:
    """Return the entry touchpoints: flagged ones, else those with no way in, else the first.

    Examples
    --------
    >>> from journeys.templates import broadband_demo
    >>> entries(broadband_demo())
    ['comparison-portal']
    """
    flagged = [n for n, d in G.nodes(data=True) if d.get("entry")]
    if flagged:
        return flagged
    sources = [n for n in G if G.in_degree(n) == 0]
    return sources or list(G)[:1]


def transition_shares(G: nx.DiGraph) -> tuple[dict[tuple[str, str], float], list[tuple[str, str]]]:
    """Return the share of every transition, filling missing ones, and the list of those filled.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", share=0.5); G.add_edge("a", "c"); G.add_edge("a", "d")
    >>> shares, assumed = transition_shares(G)
    >>> shares[("a", "c")], assumed
    (0.25, [('a', 'c'), ('a', 'd')])
    """
    shares, assumed = {}, []
    for u in G:
        if G.nodes[u].get("exit"):
            continue  # customers leave here, whatever transitions are drawn
        out = list(G.successors(u))
        given = {v: G.edges[u, v].get("share") for v in out}
        missing = [v for v, s in given.items() if s is None]
        rest = max(0.0, 1.0 - sum(s for s in given.values() if s is not None))
        for v in out:
            if given[v] is None:
                shares[(u, v)] = rest / len(missing)
                assumed.append((u, v))
            else:
                shares[(u, v)] = float(given[v])
    return shares, assumed


def flow(G: nx.DiGraph) -> Flow:
    """Return the expected visits of each touchpoint per customer who enters the journey.

    Examples
    --------
    A loop: half of the customers who use the product call support, and 80 % of
    those come back to use it, so *use* is visited 1 / (1 - 0.4) ≈ 1.67 times.

    >>> G = nx.DiGraph()
    >>> G.add_node("start", entry=True)
    >>> G.add_edge("start", "use", share=1.0)
    >>> G.add_edge("use", "support", share=0.5)
    >>> G.add_edge("support", "use", share=0.8)
    >>> {k: round(v, 2) for k, v in flow(G).visits.items()}
    {'start': 1.0, 'use': 1.67, 'support': 0.83}
    """
    nodes = list(G)
    if not nodes:
        return Flow({}, [], [])
    index = {n: i for i, n in enumerate(nodes)}
    shares, assumed = transition_shares(G)
    starts = entries(G)
    rows = [index[u] for u, _ in shares]
    cols = [index[v] for _, v in shares]
    n = len(nodes)
    Q = csr_array((list(shares.values()), (rows, cols)), shape=(n, n))
    s = np.zeros(n)
    s[[index[e] for e in starts]] = 1.0 / len(starts)
    trapped = _trapped(G, shares)
    if trapped:
        raise FlowError(trapped)
    A = (identity(n, format="csc") - Q.T).tocsc()
    visits = np.atleast_1d(spsolve(A, s))
    return Flow({node: float(max(v, 0.0)) for node, v in zip(nodes, visits, strict=True)}, assumed, starts)


def _trapped(G: nx.DiGraph, shares: dict[tuple[str, str], float]) -> list[str]:
    """Touchpoints in a closed loop: a strongly connected group that keeps every customer."""
    trapped, order = [], None
    for component in nx.strongly_connected_components(G):
        if len(component) == 1:
            (node,) = component
            if shares.get((node, node), 0.0) < 1.0 - 1e-12:
                continue
        kept = all(
            sum(shares.get((u, v), 0.0) for v in G.successors(u) if v in component) >= 1.0 - 1e-12 for u in component
        )
        if kept:
            order = order or {n: i for i, n in enumerate(G)}  # not list(G).index: quadratic in the journey's size
            trapped.extend(sorted(component, key=order.__getitem__))
    return trapped
