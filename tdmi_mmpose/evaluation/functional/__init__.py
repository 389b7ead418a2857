# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .frame_subsets import FrameSubset
from .posetrack_eval import (GROUPS, MOTAccumulator, evaluate_posetrack,
                             evaluate_posetrack_folders, format_table,
                             group_means, summarize, voc_ap)
from .posetrack_io import (MISSING_SCORE, NUM_JOINTS, POSEVAL_JOINTS,
                           PT18_KEYPOINTS, FrameData, SequenceData,
                           load_sequence, load_sequence_folder, parse_sequence,
                           pt18_name_to_joint, sequence_names)

__all__ = [
    'FrameSubset', 'GROUPS', 'MOTAccumulator', 'evaluate_posetrack',
    'evaluate_posetrack_folders', 'format_table', 'group_means', 'summarize',
    'voc_ap', 'MISSING_SCORE', 'NUM_JOINTS', 'POSEVAL_JOINTS',
    'PT18_KEYPOINTS', 'FrameData', 'SequenceData', 'load_sequence',
    'load_sequence_folder', 'parse_sequence', 'pt18_name_to_joint',
    'sequence_names'
]
