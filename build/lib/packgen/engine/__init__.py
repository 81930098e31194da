"""One engine for every category: peers, percentiles, thresholds and opportunity (SQL files)."""

from packgen.engine.params import RunParameters
from packgen.engine.run import compute

__all__ = ["RunParameters", "compute"]
