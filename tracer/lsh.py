"""MinHash signatures and LSH banding for many sets at once, vectorised with numpy.

datasketch's ``MinHashLSH`` keeps one Python object per set and answers one query at a time;
tracing twenty thousand articles (and two hundred thousand sentences) that way spends most of
its time in the interpreter. Here the same method runs on arrays:

1. every distinct item is hashed once (CRC-32);
2. ``num_perm`` affine permutations ``h -> a * h + b (mod 2**64)`` with odd ``a`` (bijections, as
   in datasketch's current MinHash scheme) are applied to all items of a block of sets, and the
   minimum per set is taken with ``np.minimum.reduceat``;
3. signatures are cut into ``bands`` bands of ``rows`` values; each band becomes one 64-bit key,
   and sets sharing a key in any band are candidate pairs.

Whether two sets become a candidate pair depends on those two sets alone (and the seed), never
on what else is indexed: the property that lets tracer add articles in batches and get the
same pairs as tracing them all at once.

Example:
    >>> sets = [{"grain", "oil", "arms", "moscow"}, {"grain", "oil", "arms", "moscow", "kim"},
    ...         {"eggs", "flour", "sugar"}]
    >>> signatures = minhash_signatures(sets, num_perm=64, seed=1)
    >>> bands, rows = optimal_bands(0.5, 64)
    >>> candidate_pairs(band_keys(signatures, bands, rows)).tolist()
    [[0, 1]]
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING
from zlib import crc32

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    UIntArray = npt.NDArray[np.uint64]
    IntArray = npt.NDArray[np.int64]

# Items hashed per block: the permuted block is items x num_perm x 8 bytes (about 50 MB here).
_BLOCK_ITEMS = 50_000


def item_hash(item: str) -> int:
    """A stable 64-bit hash of a string (BLAKE2b), the same in every process and run.

    Example:
        >>> item_hash("grain") == item_hash("grain") != item_hash("oil")
        True
    """
    return int.from_bytes(hashlib.blake2b(item.encode("utf-8"), digest_size=8).digest(), "little")


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[UIntArray, UIntArray]:
    """The ``(a, b)`` parameters of ``num_perm`` affine permutations, ``a`` odd.

    Cached (every article's sketch needs them, and drawing them cost as much as hashing a short
    article's shingles); the arrays are read-only, so no caller can change another's.
    """
    import numpy as np

    generator = np.random.default_rng(seed)
    a = generator.integers(0, 2**63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = generator.integers(0, 2**63, num_perm, dtype=np.uint64) * np.uint64(2)
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


def minhash_signatures(
    sets: Sequence[Collection[str]], num_perm: int = 128, seed: int = 1
) -> UIntArray:
    """MinHash signatures of ``sets``: an array of shape ``(len(sets), num_perm)``.

    Each distinct item is hashed once, with CRC-32: stable across processes and runs, and
    cheap; two of a million items sharing a checksum would only blur one Jaccard estimate a
    little. An empty set gets the all-ones signature; callers should leave such rows out of
    :func:`band_keys` (they would all collide).

    Example:
        >>> import numpy as np
        >>> a = minhash_signatures([set(map(str, range(100))), set(map(str, range(50, 150)))])
        >>> round(float(np.mean(a[0] == a[1])), 1)  # Jaccard 50/150
        0.3
    """
    import numpy as np

    if len(sets) == 1 and sets[0]:
        # One set (an article's sketch, once per article): its items are distinct already,
        # so they are hashed and permuted as they are, without the shared vocabulary.
        a, b = permutations(num_perm, seed)
        hashed = np.fromiter(
            (crc32(item.encode("utf-8")) for item in sets[0]), dtype=np.uint64, count=len(sets[0])
        )
        minimum: UIntArray = (hashed[:, None] * a[None, :] + b[None, :]).min(axis=0)
        return minimum[None, :]
    vocabulary = list(set().union(*sets)) if sets else []
    position = {item: i for i, item in enumerate(vocabulary)}
    hashes = np.fromiter(
        (crc32(item.encode("utf-8")) for item in vocabulary), dtype=np.uint64, count=len(vocabulary)
    )
    a, b = permutations(num_perm, seed)
    result = np.full((len(sets), num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
    start = 0
    while start < len(sets):
        # A block of whole sets holding about _BLOCK_ITEMS items (at least one set).
        stop, items = start, 0
        while stop < len(sets) and (items == 0 or items + len(sets[stop]) <= _BLOCK_ITEMS):
            items += len(sets[stop])
            stop += 1
        block = [s for s in sets[start:stop] if s]
        rows = np.asarray([i for i in range(start, stop) if sets[i]], dtype=np.int64)
        if block:
            ids = np.fromiter(
                (position[item] for s in block for item in s),
                dtype=np.int64,
                count=sum(len(s) for s in block),
            )
            offsets = np.cumsum([0] + [len(s) for s in block[:-1]])
            permuted = hashes[ids][:, None] * a[None, :] + b[None, :]
            result[rows] = np.minimum.reduceat(permuted, offsets, axis=0)
        start = stop
    return result


def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` with ``bands * rows <= num_perm`` that best separate Jaccard ``threshold``.

    Minimises the sum of the false-positive area (below the threshold) and the false-negative
    area (above it) of the S-curve ``1 - (1 - s**rows)**bands``, as datasketch does.

    Example:
        >>> optimal_bands(0.5, 128)
        (25, 5)
    """
    import numpy as np

    below = np.linspace(0.0, threshold, 201)
    above = np.linspace(threshold, 1.0, 201)
    best: tuple[float, tuple[int, int]] = (float("inf"), (1, num_perm))
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive = np.trapezoid(1.0 - (1.0 - below**rows) ** bands, below)
            false_negative = np.trapezoid((1.0 - above**rows) ** bands, above)
            error = float(false_positive + false_negative)
            if error < best[0]:
                best = (error, (bands, rows))
    return best[1]


def band_keys(signatures: UIntArray, bands: int, rows: int) -> IntArray:
    """One signed 64-bit key per set and band: shape ``(len(signatures), bands)``.

    The ``rows`` values of a band are mixed with fixed odd multipliers and the band number, so
    equal keys mean (up to a 2**-64 chance) equal bands.
    """
    import numpy as np

    multipliers = permutations(rows, seed=0x7A3)[0]
    keys = np.empty((len(signatures), bands), dtype=np.uint64)
    for band in range(bands):
        values = signatures[:, band * rows : (band + 1) * rows]
        mixed = (values * multipliers[None, :]).sum(axis=1, dtype=np.uint64)
        keys[:, band] = (mixed ^ (mixed >> np.uint64(29))) * np.uint64(0x9E3779B97F4A7C15) + (
            np.uint64(band)
        )
    return keys.view(np.int64)


def candidate_pairs(
    keys: IntArray,
    where: Callable[[IntArray], IntArray] | None = None,
    *,
    owners: IntArray | None = None,
    per_owner: int = 0,
) -> IntArray:
    """Pairs of rows sharing a key in some band, as a sorted ``(n, 2)`` array with ``x < y``.

    ``where``, given an ``(m, 2)`` array of pairs, returns the boolean mask of those to keep;
    it is applied band by band, before pairs found in several bands are merged, so that the
    many pairs a check rejects are never all held at once. With ``owners`` (one per row, e.g.
    the article of a sentence) and ``per_owner``, a bucket keeps at most ``per_owner`` rows of
    any one owner (the first ones): an article repeating one sentence ten thousand times would
    otherwise make a bucket of ten thousand, and a hundred million pairs.

    Example:
        >>> import numpy as np
        >>> candidate_pairs(np.array([[1, 5], [2, 5], [1, 7]])).tolist()
        [[0, 1], [0, 2]]
    """
    import numpy as np

    found: list[IntArray] = []
    rows = len(keys)
    for band in range(keys.shape[1]):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        if owners is not None and per_owner > 0:
            order = np.lexsort((np.arange(rows), owners, column))
            key_owner = np.c_[column[order], owners[order]]
            changed = np.r_[True, (key_owner[1:] != key_owner[:-1]).any(axis=1)]
            group_start = np.maximum.accumulate(np.where(changed, np.arange(len(order)), 0))
            order = order[np.arange(len(order)) - group_start < per_owner]
        sorted_keys = column[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        if not (sizes > 1).any():
            continue
        # Every pair inside every bucket at once: the member at position p of a bucket of size
        # s pairs with the s - 1 - p members after it.
        size_at = np.repeat(sizes, sizes)
        position = np.arange(len(order)) - np.repeat(starts, sizes)
        later = size_at - 1 - position
        first = np.repeat(np.arange(len(order)), later)
        step = np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later) + 1
        x, y = order[first], order[first + step]
        pairs = np.stack([np.minimum(x, y), np.maximum(x, y)], axis=1)
        if where is not None and len(pairs):
            pairs = pairs[where(pairs)]
        # A pair as one number, so that repeats go with a plain sort.
        found.append(pairs[:, 0] * rows + pairs[:, 1])
    codes = np.sort(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    if len(codes):
        codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
    result: IntArray = np.stack([codes // max(rows, 1), codes % max(rows, 1)], axis=1)
    return result
