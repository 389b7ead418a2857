# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""What the video tool writes: PoseTrack prediction files and frames drawn
with MMPose's visualiser (the check that no output overwrites an input is
``posetrack_format.check_outputs``, shared with the metrics and the
converters)."""
import os.path as osp
import re
from typing import List, Tuple

import cv2
import numpy as np

from ...posetrack_format import (box_weighted_scores, check_outputs,
                                 posetrack18_annotation)
from ...posetrack_format import posetrack18_file as posetrack_file
from .frames import Frame

# posetrack_file: a sequence's prediction file, as the metric writes it
__all__ = [
    'posetrack_annotations', 'posetrack_file', 'track_colour', 'draw_people',
    'output_stem', 'check_outputs', 'score_sequence'
]


def posetrack_annotations(frame: Frame, people: list) -> List[dict]:
    """PoseTrack18 annotations of one frame: keypoints with per-joint scores
    (keypoint score x box score, the TDMI protocol of ``PoseTrackMetric``),
    ``scores``, ``track_id`` and the person ``score`` (box score)."""
    out = []
    for person in people:
        inst = person.pred_instances
        box_score = np.asarray(inst.bbox_scores).reshape(-1)[:1]
        out.append(
            posetrack18_annotation(
                frame.image_id,
                np.asarray(inst.keypoints)[0],
                box_weighted_scores(
                    np.asarray(inst.keypoint_scores)[:1], box_score)[0],
                score=box_score[0],
                track_id=person.track_id,
                bbox=np.asarray(inst.bboxes)[0]))
    return out


def track_colour(track_id: int) -> Tuple[int, int, int]:
    """A stable, distinct RGB colour per track id (golden-ratio hues)."""
    hue = int((track_id * 0.618033988749895 % 1.0) * 179)
    hsv = np.uint8([[[hue, 200, 255]]])
    return tuple(int(c) for c in cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0])


def draw_people(visualizer, image_bgr: np.ndarray, people: list,
                kpt_thr: float) -> np.ndarray:
    """The frame with each person's skeleton in its track's colour, drawn by
    MMPose's visualiser (its keypoint drawing, one colour per call), and the
    track id. Returns BGR."""
    image = image_bgr[..., ::-1].copy()
    visualizer.set_image(image)
    for person in people:
        colour = track_colour(person.track_id)
        visualizer.kpt_color = np.array(
            [colour] * len(visualizer.dataset_meta['keypoint_id2name']))
        visualizer.link_color = np.array(
            [colour] * len(visualizer.dataset_meta['skeleton_links']))
        # MMPose's visualiser draws one palette per call; one call per
        # person gives each track its colour
        image = visualizer._draw_instances_kpts(image, person.pred_instances,
                                                kpt_thr)
        box = np.asarray(person.pred_instances.bboxes)[0]
        visualizer.set_image(image)
        visualizer.draw_texts(
            str(person.track_id),
            np.array([box[0], max(box[1] - 4, 0)]),
            colors=colour,
            font_sizes=10)
        image = visualizer.get_image()
    return image[..., ::-1]


def output_stem(name: str) -> str:
    """A file-system safe output stem."""
    return re.sub(r'[^\w.-]+', '_', name) or 'video'


def score_sequence(gt_file: str, pred_file: str) -> dict:
    """A PoseTrack sequence's predictions (a file ``posetrack_file`` wrote)
    scored against its ground truth: ``ap`` and ``mota`` (poseval's), and
    ``hota`` (PoseTrack21's kit) where the ground truth is in PoseTrack21's
    form, else None. Each file is read once."""
    import json

    from ...evaluation.functional import evaluate_posetrack, parse_sequence
    from ...evaluation.functional.posetrack21_eval import (
        evaluate_posetrack21, is_posetrack21_ground_truth,
        read_posetrack21_pair, summarize_posetrack21)
    data = []
    for path in (gt_file, pred_file):
        with open(path) as f:
            data.append(json.load(f))
    name = osp.splitext(osp.basename(gt_file))[0]
    result = evaluate_posetrack([parse_sequence(data[0], gt_file, name)],
                                [parse_sequence(data[1], pred_file, name)],
                                track=True)
    hota = None
    if is_posetrack21_ground_truth(data[0]):
        pair = read_posetrack21_pair(data[0], data[1], name, gt_file,
                                     pred_file)
        hota = summarize_posetrack21(evaluate_posetrack21([pair],
                                                          track=True))['HOTA']
    return dict(
        ap=result['ap_groups']['Total'],
        mota=result['mota_groups']['Total'],
        hota=hota)
