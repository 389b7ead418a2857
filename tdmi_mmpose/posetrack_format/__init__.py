# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The PoseTrack formats shared by the dataset, the metric and the video
tool: keypoint tables and names, frame keys, the annolist point reader."""
from .posetrack_annolist import (MISSING_SCORE, AnnolistPoints, is_number,
                                 parse_annolist_points, unwrap)
from .posetrack_keypoints import (NUM_JOINTS, POSEVAL_JOINTS, PT18_KEYPOINTS,
                                  frame_key, pt18_name_to_joint)

__all__ = [
    'MISSING_SCORE', 'AnnolistPoints', 'parse_annolist_points', 'unwrap',
    'is_number', 'NUM_JOINTS', 'POSEVAL_JOINTS', 'PT18_KEYPOINTS',
    'pt18_name_to_joint', 'frame_key'
]
