# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrackVideoDataset: multi-frame top-down samples from PoseTrack17, 18
and 21 files as they are found on disk.

One sample per person instance of a key frame. The dataset gives the key
frame and where its video's frames are; ``SampleClipFrames`` (in the
pipeline, so random offsets are drawn anew every epoch) picks the support
frames and ``LoadClip`` decodes them.

Annotation files (``ann_file``, a file or a folder of per-sequence files):

- PoseTrack18 / PoseTrack21 (``images``, ``annotations``, ``categories``),
  merged or one file per sequence; frames are ``<seq>/<6 digits>.jpg``,
  0-based; ``nframes`` per image (else counted from the file);
- PoseTrack17, official per-sequence ``annolist`` files (points carry
  poseval joint ids, mapped to the 17 PoseTrack18 keypoints by name; ears
  stay absent; a person box is derived from the keypoints, as the
  PoseWarper/DCPose tools do); ``nframes`` is the annolist length;
- PoseTrack17 merged COCO-style files of the PoseWarper/DCPose tools (read
  like PoseTrack18), whose frames are renamed 8-digit and 1-based.

The first frame's number is 1 for 8-digit names and 0 otherwise, unless
``frame_index_base`` says otherwise.

``frame_offsets`` (e.g. (-2, -1, 0, 1, 2)) are the clip's frame offsets,
handed to every sample as ``clip_offsets``; ``SampleClipFrames()`` without
offsets uses them, so a config states them once (next to the model's
``num_frames``, which the estimator checks against them).

Person boxes at test time (``bbox_file``): MMPose's detection format (a list
of ``{image_id, bbox: [x, y, w, h], score}``) or the PoseWarper/DCPose
``val_boxes.json`` form (``{image_name, bbox: [x, y, w, h], score}``),
filtered by ``bbox_score_thr``. Every frame with boxes is predicted; a frame
whose boxes are all below the threshold yields no sample (a documented
skip, counted in the log). Without ``bbox_file``, ground-truth boxes.

In training only labelled frames are key frames, and only people with at
least one keypoint and a box.
"""
import glob
import logging
import os.path as osp
import re
from collections import defaultdict
from typing import List, Optional, Sequence

import numpy as np
from mmengine.logging import print_log
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS

from ..posetrack_format import (frame_key, is_number, load_json,
                                read_posetrack_file)
from .transforms.clip_transforms import check_offsets
from .transforms.flip_transforms import check_flip_folding

__all__ = ['PoseTrackVideoDataset']

# box around PoseTrack17 keypoints, as the PoseWarper/DCPose tools pad them
_PT17_BOX_PADDING = 0.15


def check_detection(det, i: int, bbox_file: str) -> None:
    """A detection is ``{image_id | image_name, bbox: [x, y, w, h], score}``
    with finite numbers; anything else is refused here, naming the entry
    (not later at the metric, naming the predictions)."""
    if not isinstance(det, dict) or 'bbox' not in det or 'score' not in det:
        raise ValueError(f'{bbox_file}: detection {i} needs "bbox" '
                         f'[x, y, w, h] and "score", got {det!r}')
    box, score = det['bbox'], det['score']
    if not isinstance(box, (list, tuple)) or len(box) != 4 or not all(
            is_number(v) for v in box):
        raise ValueError(f'{bbox_file}: detection {i}: "bbox" must be four '
                         f'numbers [x, y, w, h], got {box!r}')
    if not is_number(score):
        raise ValueError(f'{bbox_file}: detection {i}: "score" must be a '
                         f'number, got {score!r}')
    if not np.isfinite(list(box) + [score]).all():
        raise ValueError(f'{bbox_file}: detection {i}: "bbox" {list(box)} '
                         f'and "score" {score} must be finite')


def _frame_number(name: str, path: str) -> tuple:
    """``.../000012.jpg`` -> (12, 6): the frame number and its digits."""
    match = re.fullmatch(r'(\d+)\.\w+', osp.basename(name))
    if match is None:
        raise ValueError(f'{path}: image {name!r} is not named by its frame '
                         'number (e.g. 000012.jpg)')
    return int(match.group(1)), len(match.group(1))


@DATASETS.register_module()
class PoseTrackVideoDataset(BaseCocoStyleDataset):
    """Multi-frame PoseTrack dataset (top-down).

    Args:
        ann_file (str): annotation file or folder (see the module docstring).
        bbox_file (str, optional): person detections for testing.
        bbox_score_thr (float): detections below are dropped. Defaults to
            0.2 (the TDMI / DCPose protocol).
        frame_index_base (int, optional): number of a video's first frame;
            None: 1 for 8-digit frame names, else 0.
        check_files (bool): check at load time that every key frame's image
            exists. Defaults to True.
        frame_offsets (Sequence[int], optional): the clip's frame offsets
            for ``SampleClipFrames`` (increasing, one 0).
        **kwargs: as MMPose's datasets (``data_root``, ``data_prefix``,
            ``pipeline``, ``test_mode``, ``metainfo``, ...).
    """
    METAINFO: dict = dict(from_file='configs/_base_/datasets/posetrack18.py')

    def __init__(self,
                 ann_file: str = '',
                 bbox_file: Optional[str] = None,
                 bbox_score_thr: float = 0.2,
                 frame_index_base: Optional[int] = None,
                 check_files: bool = True,
                 frame_offsets: Optional[Sequence[int]] = None,
                 **kwargs):
        if frame_index_base not in (None, 0, 1):
            raise ValueError(f'frame_index_base must be None, 0 or 1, got '
                             f'{frame_index_base}')
        self.frame_offsets = None if frame_offsets is None else tuple(
            check_offsets(frame_offsets))
        self.bbox_score_thr = bbox_score_thr
        self.frame_index_base = frame_index_base
        self.check_files = check_files
        super().__init__(ann_file=ann_file, bbox_file=bbox_file, **kwargs)
        check_flip_folding(self.pipeline.transforms)

    # ------------------------------------------------------------------
    # reading
    # ------------------------------------------------------------------
    def load_data_list(self) -> List[dict]:
        files = self.annotation_files()
        frames: List[dict] = []
        for path in files:
            frames += self.read_annotation_file(path)
        if self.check_files:
            self._check_video_lengths(frames)
        if self.bbox_file:
            data_list = self._detection_samples(frames)
        else:
            data_list = self._gt_samples(frames)
        if not data_list:
            raise ValueError(f'{self.ann_file}: no samples (no labelled '
                             'person with keypoints, or no detection above '
                             f'{self.bbox_score_thr})')
        return data_list

    def _check_video_lengths(self, frames: List[dict]) -> None:
        """``nframes`` may not promise frames the video folder lacks (the
        clip sampler would ask for them mid-training): its last frame must
        exist. One check per video."""
        for problem in self.video_length_problems(frames):
            raise FileNotFoundError(problem)

    def video_length_problems(self, frames: List[dict]) -> List[str]:
        """One message per video whose last frame (by ``nframes``) is not
        on disk."""
        last, problems = {}, []
        for frame in frames:
            folder = osp.dirname(frame['img_path'])
            end = frame['first_frame'] + int(frame['nframes']) - 1
            last.setdefault(folder, (end, frame))
        for folder, (end, frame) in last.items():
            ext = osp.splitext(frame['img_path'])[1]
            path = osp.join(folder, f'{end:0{frame["frame_digits"]}d}{ext}')
            if not osp.isfile(path):
                problems.append(
                    f'{self.ann_file}: video {folder} says nframes='
                    f'{frame["nframes"]} (frames {frame["first_frame"]}..'
                    f'{end}), but its last frame {path} does not exist')
        return problems

    def annotation_files(self) -> List[str]:
        """The annotation files ``ann_file`` stands for (itself, or the
        ``*.json`` files of the folder)."""
        if osp.isdir(self.ann_file):
            files = sorted(glob.glob(osp.join(self.ann_file, '*.json')))
            if not files:
                raise ValueError(f'{self.ann_file}: no *.json files')
            return files
        return [self.ann_file]

    def read_annotation_file(self, path: str) -> List[dict]:
        """The frames of one annotation file, read by
        ``posetrack_format.read_posetrack_file`` (errors name the file); the
        dataset's own needs on top: its keypoint names, frame file names."""
        data = load_json(path)
        expected = self.keypoint_names()
        names = (data.get('categories') or [{}])[0].get('keypoints') \
            if isinstance(data, dict) and 'images' in data else None
        if names is not None and list(names) != expected:
            raise ValueError(f'{path}: categories[0].keypoints {names} are '
                             f'not the dataset\'s {len(expected)} keypoints '
                             f'{expected}')
        file = read_posetrack_file(
            data, path, keypoints=expected, default_names=expected)
        per_video = defaultdict(int)
        for frame in file.frames:
            if not file.annolist and 'file_name' not in frame.attributes:
                raise ValueError(f'{path}: image id {frame.image_id!r} has '
                                 'no "file_name"')
            per_video[osp.dirname(frame.name)] += 1
        frames = []
        for i, frame in enumerate(file.frames):
            nframes = len(file.frames) if file.annolist else \
                frame.attributes.get('nframes')
            frames.append(
                dict(
                    file_name=frame.name,
                    img_id=f'{path}#{i}' if file.annolist else frame.image_id,
                    nframes=nframes if nframes is not None else
                    per_video[osp.dirname(frame.name)],
                    is_labeled=frame.is_labeled,
                    people=[
                        dict(
                            keypoints=frame.keypoints[p].astype(np.float32),
                            bbox=None if np.isnan(frame.boxes[p]).any() else
                            frame.boxes[p].tolist(),
                            id=frame.ann_ids[p],
                            track_id=int(frame.track_ids[p]))
                        for p in range(frame.num_people)
                    ]))
        for frame in frames:
            self._place_frame(frame, path)
        return frames

    def keypoint_names(self) -> List[str]:
        """The dataset's keypoint names, in order (its metainfo's)."""
        id2name = self.metainfo['keypoint_id2name']
        return [id2name[i] for i in range(len(id2name))]

    def _place_frame(self, frame: dict, path: str) -> None:
        """Add the frame's number, digits, video folder; check them."""
        number, digits = _frame_number(frame['file_name'], path)
        base = self.frame_index_base
        if base is None:
            base = 1 if digits == 8 else 0
        if not base <= number < base + int(frame['nframes']):
            raise ValueError(
                f'{path}: frame {frame["file_name"]} is number {number}, '
                f'outside its video of {frame["nframes"]} frames numbered '
                f'from {base}')
        img_path = osp.join(self.data_prefix['img'], frame['file_name'])
        frame.update(
            img_path=img_path,
            frame_number=number,
            frame_digits=digits,
            first_frame=base)

    # ------------------------------------------------------------------
    # samples
    # ------------------------------------------------------------------
    def _sample(self,
                frame: dict,
                bbox_xywh,
                score: float,
                person=None,
                sample_id=None) -> dict:
        x, y, w, h = bbox_xywh
        info = dict(
            img_id=frame['img_id'],
            img_path=frame['img_path'],
            frame_number=frame['frame_number'],
            frame_digits=frame['frame_digits'],
            first_frame=frame['first_frame'],
            nframes=int(frame['nframes']),
            bbox=np.array([[x, y, x + w, y + h]], dtype=np.float32),
            bbox_score=np.array([score], dtype=np.float32),
            id=sample_id,
            category_id=1)
        if self.frame_offsets is not None:
            info['clip_offsets'] = self.frame_offsets
        if person is not None:
            kpts = person['keypoints']
            info.update(
                keypoints=kpts[None, :, :2].copy(),
                keypoints_visible=np.minimum(1, kpts[None, :, 2]),
                num_keypoints=int((kpts[:, 2] > 0).sum()),
                track_id=person['track_id'])
        return info

    def _check_file(self, frame: dict) -> None:
        if self.check_files and not osp.isfile(frame['img_path']):
            raise FileNotFoundError(
                f'{self.ann_file}: image {frame["img_path"]} of frame '
                f'{frame["file_name"]} does not exist')

    def _gt_samples(self, frames: List[dict]) -> List[dict]:
        samples, empty_boxes = [], 0
        for frame in frames:
            if not self.test_mode and not frame['is_labeled']:
                continue  # unlabelled frames are never training keys
            for person in frame['people']:
                kpts = person['keypoints']
                present = kpts[:, 2] > 0
                if not present.any():
                    continue
                bbox = person['bbox']
                if bbox is None:  # PoseTrack17: from the keypoints
                    lo, hi = kpts[present, :2].min(0), kpts[present, :2].max(0)
                    pad = _PT17_BOX_PADDING * (hi - lo)
                    lo, hi = lo - pad, hi + pad
                    bbox = [lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1]]
                if bbox[2] <= 0 or bbox[3] <= 0:
                    empty_boxes += 1
                    continue
                self._check_file(frame)
                samples.append(
                    self._sample(frame, bbox, 1.0, person, person['id']))
        if empty_boxes:
            print_log(
                f'{self.ann_file}: {empty_boxes} labelled people with a box '
                'of zero or negative width or height were skipped',
                logger='current',
                level=logging.WARNING)
        return samples

    def _detection_samples(self, frames: List[dict]) -> List[dict]:
        dets = load_json(self.bbox_file)
        if not isinstance(dets, list):
            raise ValueError(f'{self.bbox_file}: expected a list of '
                             'detections')
        by_id = {f['img_id']: f for f in frames}
        by_name = {frame_key(f['file_name']): f for f in frames}
        samples, below = [], 0
        for i, det in enumerate(dets):
            check_detection(det, i, self.bbox_file)
            if 'image_id' in det:
                frame = by_id.get(det['image_id'])
                ref = f'image_id {det["image_id"]}'
            elif 'image_name' in det:
                key = frame_key(det['image_name'])
                frame = by_name.get(key)
                ref = f'image_name {det["image_name"]}'
            else:
                raise ValueError(f'{self.bbox_file}: detection {i} has '
                                 'neither "image_id" nor "image_name"')
            if frame is None:
                raise ValueError(f'{self.bbox_file}: detection {i} names '
                                 f'{ref}, which is not in {self.ann_file}')
            if det['score'] < self.bbox_score_thr or det['bbox'][2] <= 0 \
                    or det['bbox'][3] <= 0:
                below += 1
                continue
            self._check_file(frame)
            samples.append(
                self._sample(frame, det['bbox'], det['score'], sample_id=i))
        if below:
            print_log(
                f'{self.bbox_file}: {below} of {len(dets)} boxes below'
                f' score {self.bbox_score_thr} or empty were skipped',
                logger='current',
                level=logging.INFO)
        return samples
