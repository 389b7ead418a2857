# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The annotation formats shared by the datasets, the metrics, the video tool
and the converters (the lowest floor: it imports no other subpackage):
PoseTrack keypoint tables and names, frame keys, the one PoseTrack file
reader, the annolist point reader, HiEve's files, JSON reading with errors
that name the file, the check that no output is written over an input."""
from .hieve_format import (HIEVE_KEYPOINTS, HIEVE_LINKS, hieve_submission,
                           hieve_to_coco, load_hieve_file, read_hieve_annolist)
from .ignore_regions import points_in_regions
from .json_files import load_json
from .output_paths import check_outputs
from .posetrack_annolist import (MISSING_SCORE, AnnolistPoints, is_number,
                                 parse_annolist_points, unwrap)
from .posetrack_files import PoseTrackFile, PoseTrackFrame, read_posetrack_file
from .posetrack_keypoints import (MAX_TRACK_ID, NUM_JOINTS, POSEVAL_JOINTS,
                                  PT18_KEYPOINTS, frame_key,
                                  pt18_name_to_joint)
from .predictions import (box_weighted_scores, posetrack18_annotation,
                          posetrack18_file)

__all__ = [
    'MISSING_SCORE', 'AnnolistPoints', 'parse_annolist_points', 'unwrap',
    'is_number', 'NUM_JOINTS', 'POSEVAL_JOINTS', 'PT18_KEYPOINTS',
    'MAX_TRACK_ID', 'pt18_name_to_joint', 'frame_key', 'load_json',
    'HIEVE_KEYPOINTS', 'HIEVE_LINKS', 'read_hieve_annolist', 'load_hieve_file',
    'hieve_to_coco', 'hieve_submission', 'points_in_regions',
    'box_weighted_scores', 'PoseTrackFile', 'PoseTrackFrame',
    'read_posetrack_file', 'check_outputs', 'posetrack18_annotation',
    'posetrack18_file'
]
