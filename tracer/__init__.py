"""tracer: who took what from whom in a pile of news articles.

The public API is small: :func:`compare` for two articles, :func:`trace` for a corpus. Heavy
libraries (scikit-learn, datasketch) are imported only when a comparison runs, so that the
command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "compare"]

if TYPE_CHECKING:
    from tracer.api import compare


def __getattr__(name: str) -> Any:
    if name == "compare":
        from tracer.api import compare

        return compare
    raise AttributeError(f"module 'tracer' has no attribute {name!r}")
