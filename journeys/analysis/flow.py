"""How many customers pass each touchpoint: the journey as an absorbing Markov chain.

Customers enter at the entry touchpoints (those flagged ``entry``; without flags,
those no transition leads to), split evenly. At a touchpoint they take each
transition with its ``share``. Where shares are missing, whatever the given shares
leave over is split evenly among the transitions without one; what no transition
takes drops out of the journey there. Exits (``exit``) and touchpoints without
transitions are where customers leave.

The expected number of visits per entering customer is the solution of one sparse
linear system, ``(I - Q)ᵀ v = s``: loops are handled exactly, without enumerating
paths. Where customers cannot go round a loop (a touchpoint's transition to itself
aside) the system is triangular and is solved by forward substitution in topological
order. In a loop a touchpoint can be visited more than once, so its flow can exceed 1;
a customer who is let down twice counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_array

# scipy is imported inside the functions that solve: it costs ~0.6 s, and every start of
# the app imports this module (docs/performance.md).

__all__ = ["FlowError", "Flow", "Chain", "entries", "transition_shares", "flow"]

KEPT = 1.0 - 1e-12  # a group of touchpoints that passes on this much of its customers to itself keeps them
_PLAIN = frozenset({float, int, type(None)})


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
    # the journey as numbered for the solve, and the visits in its order: handed on (``flow=``) to the
    # weakness table and the diagnostics of the same graph, which then need not read it again
    chain: Chain | None = field(default=None, repr=False, compare=False)
    numbered: np.ndarray | None = field(default=None, repr=False, compare=False)


class Chain:
    """Journey ``G`` as arrays: touchpoints numbered in order, transitions in ``G.edges`` order.

    Built once per analysis, so that the work over every touchpoint and transition is
    done by numpy and scipy, not touchpoint by touchpoint in Python (docs/performance.md).
    """

    def __init__(self, G: nx.DiGraph):
        self.G = G
        adjacency, self.data = G.adj, [data for _, data in G.nodes(data=True)]
        self.nodes = list(G)
        self.n = n = len(self.nodes)
        self.index = index = dict(zip(self.nodes, range(n), strict=True))
        self.out_degree = np.fromiter(map(len, adjacency.values()), dtype=np.intp, count=n)
        self.src = np.repeat(np.arange(n), self.out_degree)
        self.dst = np.fromiter(
            map(index.__getitem__, chain.from_iterable(adjacency.values())), dtype=np.intp, count=len(self.src)
        )
        self._flags: dict[str, np.ndarray] = {}
        self._shares: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @classmethod
    def of(cls, G: nx.DiGraph, flow: Flow | None = None) -> Chain:
        """``G`` numbered: as ``flow`` (the result of :func:`flow` for this very ``G``) has it, else afresh."""
        if flow is None or flow.chain is None:
            return cls(G)
        if flow.chain.G is not G or flow.chain.n != len(G):
            raise ValueError("flow= must be the flow of this very graph, computed after its last change")
        return flow.chain

    def flags(self, name: str) -> np.ndarray:
        """Whether each touchpoint's attribute ``name`` is set (truthy)."""
        if name not in self._flags:
            values = map(bool, map(dict.get, self.data, repeat(name)))
            self._flags[name] = np.fromiter(values, dtype=bool, count=self.n)
        return self._flags[name]

    def edges(self, numbers) -> list[tuple[str, str]]:
        """The transitions numbered ``numbers`` (in ``G.edges`` order) as (source, target)."""
        nodes, numbers = self.nodes, np.asarray(numbers, dtype=np.intp)
        return [
            (nodes[u], nodes[v]) for u, v in zip(self.src[numbers].tolist(), self.dst[numbers].tolist(), strict=True)
        ]

    def entries(self) -> list[int]:
        """The numbers of the entry touchpoints (see :func:`entries`)."""
        flagged = np.flatnonzero(self.flags("entry"))
        if len(flagged):
            return flagged.tolist()
        sources = np.flatnonzero(np.bincount(self.dst, minlength=self.n) == 0)
        return sources.tolist() if len(sources) else list(range(min(self.n, 1)))

    def shares(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The share of every transition (see :func:`transition_shares`), which were assumed, and which are
        left out because customers leave at their start (an exit). Worked out once; not to be changed."""
        if self._shares is None:
            self._shares = self._find_shares()
        return self._shares

    def _find_shares(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        edge_data = (data for _, _, data in self.G.edges(data=True))
        given = list(map(dict.get, edge_data, repeat("share")))
        leaving = self.flags("exit")[self.src]  # customers leave here, whatever transitions are drawn
        if not set(map(type, given)) <= _PLAIN:  # anything else counts exactly as it always did, in Python
            shares, assumed = _python_shares(self.G)
            edges = self.edges(range(len(self.src)))
            filled = set(assumed)
            return (
                np.array([shares.get(e, 0.0) for e in edges], dtype=float),
                np.fromiter((e in filled for e in edges), dtype=bool, count=len(edges)),
                leaving,
            )
        values = np.array(given, dtype=float)
        none = np.isnan(values)  # None becomes NaN; unless a share is NaN itself, the NaNs are the Nones
        if np.count_nonzero(none) != given.count(None):
            none = np.fromiter((g is None for g in given), dtype=bool, count=len(given))
        missing, known = none & ~leaving, ~none & ~leaving
        total = np.bincount(self.src[known], weights=values[known], minlength=self.n)
        rest = 1.0 - total
        rest = np.where(rest > 0.0, rest, 0.0)  # max(0.0, rest) as Python has it, NaN included
        count = np.bincount(self.src[missing], minlength=self.n)
        shares = np.where(leaving, 0.0, values)
        shares[missing] = rest[self.src[missing]] / count[self.src[missing]]
        return shares, missing, leaving

    def matrix(self, values: np.ndarray) -> csr_array:
        """The transitions as a sparse n × n matrix with ``values``, each row in adjacency order."""
        from scipy.sparse import csr_array

        indptr = np.concatenate(([0], np.cumsum(self.out_degree)))
        return csr_array((values, self.dst, indptr), shape=(self.n, self.n))


def entries(G: nx.DiGraph) -> list[str]:
    """Return the entry touchpoints: flagged ones, else those with no way in, else the first.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
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
    arrays = Chain(G)
    shares, missing, leaving = arrays.shares()
    return (
        dict(zip(arrays.edges(np.flatnonzero(~leaving)), shares[~leaving].tolist(), strict=True)),
        arrays.edges(np.flatnonzero(missing)),
    )


def _python_shares(G: nx.DiGraph) -> tuple[dict[tuple[str, str], float], list[tuple[str, str]]]:
    """:func:`transition_shares` one transition at a time, for shares that are not plain numbers."""
    shares, assumed = {}, []
    for u in G:
        if G.nodes[u].get("exit"):
            continue
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
    if not G:
        return Flow({}, [], [])
    arrays = Chain(G)
    n, nodes = arrays.n, arrays.nodes
    shares, missing, leaving = arrays.shares()
    starts = arrays.entries()
    s = np.zeros(n)
    s[starts] = 1.0 / len(starts)
    if _any_trapped(arrays, shares, leaving):
        raise FlowError(_trapped(G, transition_shares(G)[0]))
    visits = np.maximum(_solve(arrays, shares, ~leaving, s), 0.0)
    return Flow(
        dict(zip(nodes, visits.tolist(), strict=True)),
        arrays.edges(np.flatnonzero(missing)),
        [nodes[i] for i in starts],
        chain=arrays,
        numbered=visits,
    )


def _solve(arrays: Chain, shares: np.ndarray, passing: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The solution ``v`` of ``(I - Q)ᵀ v = s``: by forward substitution where the journey has no loop,
    else by SuperLU."""
    from scipy.sparse import csc_array

    n, order = arrays.n, _topological(arrays, shares, passing)
    if order is None:
        from scipy.sparse.linalg import spsolve

        return np.atleast_1d(spsolve(csc_array(_system(arrays, shares, passing), shape=(n, n)), s))
    from scipy.sparse.linalg import spsolve_triangular

    if order is True:  # the touchpoints' own order is topological
        return spsolve_triangular(csc_array(_system(arrays, shares, passing), shape=(n, n)), s, lower=True)
    rank = np.empty(n, dtype=np.intp)
    rank[order] = np.arange(n)
    system = csc_array(_system(arrays, shares, passing, rank), shape=(n, n))
    return spsolve_triangular(system, s[order], lower=True)[rank]


def _topological(arrays: Chain, shares: np.ndarray, passing: np.ndarray) -> np.ndarray | bool | None:
    """An order of the touchpoints in which every transition customers take leads forward (True: their own
    order), apart from a touchpoint's transitions to itself; None where there is a loop, or where shares
    outside 0 … 1 leave the solve to SuperLU."""
    q = shares[passing]
    if not ((q >= 0.0) & (q <= 1.0)).all():
        return None
    src, dst = arrays.src[passing], arrays.dst[passing]
    loop = src == dst
    if (q[loop] == 1.0).any():
        return None
    src, dst = src[~loop], dst[~loop]
    if (src < dst).all():
        return True
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import connected_components

    n = arrays.n
    groups, label = connected_components(
        csr_array((np.ones(len(src)), (src, dst)), shape=(n, n)), directed=True, connection="strong"
    )
    if groups < n:
        return None
    rank = (n - 1) - label  # scipy labels the groups sinks first; checked, not relied on
    if not (rank[src] < rank[dst]).all():
        return None
    order = np.empty(n, dtype=np.intp)
    order[rank] = np.arange(n)
    return order


def _system(
    arrays: Chain, shares: np.ndarray, passing: np.ndarray, rank: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``I - Qᵀ`` as the (data, indices, indptr) of a CSC matrix: the very arrays scipy makes of
    ``identity(n) - Q.T`` (rows sorted, zeros dropped), built at once; touchpoint i numbered ``rank[i]``."""
    n, src, dst, q = arrays.n, arrays.src[passing], arrays.dst[passing], shares[passing]
    if rank is not None:
        src, dst = rank[src], rank[dst]
    loop = src == dst
    diagonal = np.ones(n)
    diagonal[src[loop]] = 1.0 - q[loop]
    rows = np.concatenate((dst[~loop], np.arange(n)))
    columns = np.concatenate((src[~loop], np.arange(n)))
    values = np.concatenate((0.0 - q[~loop], diagonal))
    order = np.lexsort((rows, columns))
    order = order[values[order] != 0.0]
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(columns[order], minlength=n), out=indptr[1:])
    return values[order], rows[order].astype(np.int32), indptr


def _any_trapped(arrays: Chain, shares: np.ndarray, leaving: np.ndarray) -> bool:
    """Whether some strongly connected group keeps every customer (see :func:`_trapped`), in scipy."""
    passing = ~leaving
    if (shares[passing] >= 0.0).all() and np.isfinite(shares).all():
        # a touchpoint that passes on less than KEPT in all keeps less than that within its group;
        # without a transition between two that pass on more, no group keeps everybody
        total = np.bincount(arrays.src[passing], weights=shares[passing], minlength=arrays.n)
        holding = total >= KEPT
        if not (holding[arrays.src] & holding[arrays.dst] & passing).any():
            return False
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    taken = passing & (shares != 0.0)  # a transition nobody takes holds no group together
    links = coo_array((np.ones(taken.sum()), (arrays.src[taken], arrays.dst[taken])), shape=(arrays.n, arrays.n))
    _, label = connected_components(links, directed=True, connection="strong")
    inside = (label[arrays.src] == label[arrays.dst]) & taken
    kept = np.bincount(arrays.src[inside], weights=shares[inside], minlength=arrays.n)
    leaky = np.bincount(label[~(kept >= KEPT)], minlength=label.max() + 1)
    return bool((leaky == 0).any())


def _trapped(G: nx.DiGraph, shares: dict[tuple[str, str], float]) -> list[str]:
    """Touchpoints in a closed loop: a strongly connected group that keeps every customer.

    Groups are formed by the transitions customers take, so an exit or a transition with a share of 0
    does not let customers out of a loop.
    """
    trapped, order = [], None
    taken = nx.DiGraph(edge for edge, share in shares.items() if share != 0.0)
    taken.add_nodes_from(G)
    for component in nx.strongly_connected_components(taken):
        if len(component) == 1:
            (node,) = component
            if shares.get((node, node), 0.0) < KEPT:
                continue
        kept = all(sum(shares.get((u, v), 0.0) for v in G.successors(u) if v in component) >= KEPT for u in component)
        if kept:
            order = order or {n: i for i, n in enumerate(G)}  # not list(G).index: quadratic in the journey's size
            trapped.extend(sorted(component, key=order.__getitem__))
    return trapped
