# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack17/18/21 and HiEve multi-frame datasets (the synthetic sets'
generators are research code of the checkout: ``tdmi_research``)."""
from ..posetrack_format import HIEVE_KEYPOINTS
from . import transforms  # noqa: F401
from .check import check_posetrack_split
from .hieve import HIEVE_METAINFO, HiEveDataset, HiEveVideoDataset
from .posetrack_video_dataset import PoseTrackVideoDataset

__all__ = [
    'PoseTrackVideoDataset', 'check_posetrack_split', 'HiEveVideoDataset',
    'HiEveDataset', 'HIEVE_KEYPOINTS', 'HIEVE_METAINFO'
]
