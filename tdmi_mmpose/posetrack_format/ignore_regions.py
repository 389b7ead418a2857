# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack's ignore regions: polygons inside which neither the official
tool (poseval) nor PoseTrack21's kit scores a joint."""
from typing import List

import numpy as np

__all__ = ['points_in_regions']


def points_in_regions(xy: np.ndarray, regions: List[np.ndarray]) -> np.ndarray:
    """(N, 2) points -> (N, ) bool: strictly inside any of the polygons
    (each (V, 2)), by shapely's ``contains``, what both official tools
    call (a point on an edge is outside)."""
    import shapely
    inside = np.zeros(len(xy), dtype=bool)
    for polygon in regions:
        inside |= shapely.contains_xy(
            shapely.Polygon(polygon), xy[:, 0], xy[:, 1])
    return inside
