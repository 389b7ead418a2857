# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""HiEve (Human-in-Events): MMPose's keypoint metainfo and the datasets that
read its converted files.

The file format (the keypoints, the reader, the converter, the writer of
predictions) is ``tdmi_mmpose.posetrack_format.hieve_format``;
``HiEveVideoDataset`` (clips, for TDMI) and ``HiEveDataset`` (single
frames, for stage 1) read the COCO-like per-video files its
``hieve_to_coco`` writes (``tools/dataset_converters/hieve_to_posetrack.py``
does the whole conversion, frames included).
"""
from typing import List

from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS

from ..posetrack_format import HIEVE_KEYPOINTS, HIEVE_LINKS
from .posetrack_video_dataset import PoseTrackVideoDataset

__all__ = ['HIEVE_METAINFO', 'HiEveVideoDataset', 'HiEveDataset']

_K = len(HIEVE_KEYPOINTS)
_SWAP = {'right': 'left', 'left': 'right'}
# COCO's sigmas for the joints COCO has; chest: CrowdPose's neck (0.079)
_SIGMAS = dict(
    nose=0.026,
    chest=0.079,
    shoulder=0.079,
    elbow=0.072,
    wrist=0.062,
    hip=0.107,
    knee=0.087,
    ankle=0.089)


def _swap(name: str) -> str:
    side, _, part = name.partition('_')
    return f'{_SWAP[side]}_{part}' if side in _SWAP else ''


def _colour(name: str) -> List[int]:
    side = name.partition('_')[0]
    return {
        'left': [0, 255, 0],
        'right': [255, 128, 0]
    }.get(side, [51, 153, 255])


# MMPose's dataset_info layout (parse_pose_metainfo reads it)
HIEVE_METAINFO = dict(
    dataset_name='hieve',
    paper_info=dict(
        author='Lin, Weiyao and others',
        title='Human in Events: A Large-Scale Benchmark for Human-centric '
        'Video Analysis in Complex Events',
        container='arXiv 2005.04490',
        year='2020',
        homepage='http://humaninevents.org'),
    keypoint_info={
        i:
        dict(
            name=name,
            id=i,
            color=_colour(name),
            type='upper' if i < 8 else 'lower',
            swap=_swap(name))
        for i, name in enumerate(HIEVE_KEYPOINTS)
    },
    skeleton_info={
        i: dict(link=link, id=i, color=_colour(link[1]))
        for i, link in enumerate(HIEVE_LINKS)
    },
    joint_weights=[1.0] * _K,
    sigmas=[_SIGMAS[n.split('_')[-1]] for n in HIEVE_KEYPOINTS])


@DATASETS.register_module()
class HiEveVideoDataset(PoseTrackVideoDataset):
    """``PoseTrackVideoDataset`` over converted HiEve files (14 keypoints;
    see ``tools/dataset_converters/hieve_to_posetrack.py``)."""
    METAINFO: dict = HIEVE_METAINFO


@DATASETS.register_module()
class HiEveDataset(BaseCocoStyleDataset):
    """MMPose's COCO-style single-frame dataset over the converted HiEve
    files' merged form (stage 1)."""
    METAINFO: dict = HIEVE_METAINFO
