# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack17/18/21 and HiEve multi-frame datasets, and the synthetic
PoseTrack-format and HiEve-format generators."""
from ..posetrack_format import HIEVE_KEYPOINTS
from . import transforms  # noqa: F401
from .check import check_posetrack_split
from .hieve import HIEVE_METAINFO, HiEveDataset, HiEveVideoDataset
from .posetrack_video_dataset import PoseTrackVideoDataset
from .synthetic import (NUISANCE, ensure_synthetic_set,
                        generate_synthetic_posetrack)
from .synthetic_hieve import generate_synthetic_hieve

__all__ = [
    'PoseTrackVideoDataset', 'generate_synthetic_posetrack',
    'ensure_synthetic_set', 'NUISANCE', 'check_posetrack_split',
    'HiEveVideoDataset', 'HiEveDataset', 'HIEVE_KEYPOINTS', 'HIEVE_METAINFO',
    'generate_synthetic_hieve'
]
