# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Pose estimation with track ids on a whole video, streamed.

A video (any file OpenCV reads), a folder of frames or a PoseTrack sequence
file is read once, in order (``frames``); only the frames of one clip window
(and a batch of frames waiting for the person detector) are in memory. Key
frame t is estimated when frame t + (largest offset) has been read, or when
the video ended (then the model's edge policy fills the clip, as in
training: ``edge_frame_numbers``). The people of a frame go through the
model in one batch, preprocessed by the config's own test pipeline
(``inference_clip``), so the keypoints equal ``tools/test.py``'s on the
same boxes. Boxes come from ``boxes``, ids from ``tracking``, files and
drawings from ``writing``; ``run_video`` joins them.
"""
from .boxes import (MMDetBoxes, ground_truth_boxes, load_box_file,
                    resolve_config_path)
from .frames import Frame, open_frames
from .inferencer import VideoPoseInferencer, default_person_detector
from .run import iter_video, list_frames, run_video
from .tracking import (FAST_MODES, VideoPoseTracker, clip_edge_of,
                       clip_offsets_of, fast_mode_of)
from .writing import (check_outputs, draw_people, output_stem,
                      posetrack_annotations, posetrack_file, score_sequence,
                      track_colour)

__all__ = [
    'Frame', 'open_frames', 'load_box_file', 'ground_truth_boxes',
    'resolve_config_path', 'MMDetBoxes', 'VideoPoseTracker', 'clip_offsets_of',
    'clip_edge_of', 'run_video', 'check_outputs', 'posetrack_annotations',
    'posetrack_file', 'track_colour', 'draw_people', 'output_stem',
    'score_sequence', 'VideoPoseInferencer', 'default_person_detector',
    'iter_video', 'list_frames', 'FAST_MODES', 'fast_mode_of'
]
