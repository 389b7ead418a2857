# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack keypoint tables shared by the datasets and the metric (a
neutral floor: ``datasets/`` and ``evaluation/`` both import it, it imports
neither).

- ``PT18_KEYPOINTS``: the 17 PoseTrack18/21 keypoints in MMPose's
  ``posetrack18`` metainfo order (the model's K = 17 channels).
- ``POSEVAL_JOINTS``: the official tool's (poseval's) 15 joints in id order,
  which is also the ``id`` of a PoseTrack17 ``annolist`` point.
- ``pt18_name_to_joint``: the official conversion table between them
  (``head_bottom`` is poseval's ``neck``; the ears have no poseval id).
"""

__all__ = [
    'PT18_KEYPOINTS', 'POSEVAL_JOINTS', 'NUM_JOINTS', 'MAX_TRACK_ID',
    'pt18_name_to_joint', 'frame_key'
]

# The official tool asserts track ids below this (it offsets each
# sequence's ids by index * MAX_TRACK_ID): the metric checks it, the video
# tool's tracker numbers people below it.
MAX_TRACK_ID = 10000

# poseval's joint names, in poseval id order.
POSEVAL_JOINTS = ('right_ankle', 'right_knee', 'right_hip', 'left_hip',
                  'left_knee', 'left_ankle', 'right_wrist', 'right_elbow',
                  'right_shoulder', 'left_shoulder', 'left_elbow',
                  'left_wrist', 'neck', 'nose', 'head_top')
NUM_JOINTS = len(POSEVAL_JOINTS)
# PoseTrack18 keypoint names -> poseval ids (the official conversion table;
# 'head_bottom' is poseval's 'neck'; the ears have no id).
_PT18_NAME_TO_ID = {
    name: i
    for i, name in enumerate(POSEVAL_JOINTS) if name != 'neck'
}
_PT18_NAME_TO_ID['head_bottom'] = POSEVAL_JOINTS.index('neck')
_PT18_UNMAPPED = {'left_ear', 'right_ear'}
# The PoseTrack18 keypoint list (MMPose's posetrack18 metainfo order).
PT18_KEYPOINTS = ('nose', 'head_bottom', 'head_top', 'left_ear', 'right_ear',
                  'left_shoulder', 'right_shoulder', 'left_elbow',
                  'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
                  'right_hip', 'left_knee', 'right_knee', 'left_ankle',
                  'right_ankle')


def frame_key(path: str) -> str:
    """``.../<sequence>/<frame file>`` -> ``'<sequence>/<frame file>'``: how
    frames are matched across annotation files, detection files, predictions
    and image paths, whatever the root they are written relative to."""
    parts = [p for p in path.replace('\\', '/').split('/') if p]
    return '/'.join(parts[-2:])


def pt18_name_to_joint(name: str) -> int:
    """poseval joint id of a PoseTrack18 keypoint name; -1 for the ears;
    KeyError for a name PoseTrack does not know."""
    if name in _PT18_UNMAPPED:
        return -1
    return _PT18_NAME_TO_ID[name]
