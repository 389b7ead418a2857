# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The video tool's tracker: key frames estimated as their clip window
fills, track ids assigned greedily frame to frame with MMPose's own helpers
(``mmpose.apis._track_by_iou`` / ``_track_by_oks``); a person who leaves and
comes back gets a new id (no re-identification).

Shape legend: N people in a frame, K keypoints.
"""
from collections import deque
from typing import Iterator, List, Optional, Tuple, Union

import numpy as np
from mmpose.apis import _track_by_iou, _track_by_oks

from ...datasets.transforms.clip_transforms import edge_frame_numbers
from ...posetrack_format import MAX_TRACK_ID, frame_key
from ..inference import inference_clip
from .frames import Frame
from .options import (check_box_table, check_fast_options, check_fraction,
                      check_number)
from .resample_mode import ResampleModeEstimator
from .window_mode import WindowModeEstimator

__all__ = [
    'VideoPoseTracker', 'clip_offsets_of', 'clip_edge_of', 'FAST_MODES',
    'fast_mode_of'
]

# the fast modes: name -> the estimator that runs it
FAST_MODES = {'window': WindowModeEstimator, 'resample': ResampleModeEstimator}


def fast_mode_of(fast: Union[bool, str]) -> Optional[str]:
    """``fast`` as a mode name: False -> None (exact), True ->
    'resample' (the faster one; docs/video.md compares them)."""
    if fast is False or fast is None:
        return None
    if fast is True:
        return 'resample'
    if fast not in FAST_MODES:
        raise ValueError(f'fast must be False, True or one of '
                         f'{sorted(FAST_MODES)}, got {fast!r}')
    return fast


def clip_offsets_of(model) -> List[int]:
    """The clip's frame offsets from the model's config (its test dataset's
    ``frame_offsets`` or its test pipeline's ``SampleClipFrames``), else the
    symmetric offsets of ``model.num_frames``."""
    cfg = getattr(model, 'cfg', None)
    offsets = None
    if cfg is not None and cfg.get('test_dataloader'):
        dataset = cfg.test_dataloader.dataset
        offsets = dataset.get('frame_offsets')
        for step in dataset.get('pipeline', []):
            if step.get('type') == 'SampleClipFrames' and step.get(
                    'offsets') is not None:
                offsets = step['offsets']
    if offsets is None:
        k = model.key_frame_index
        offsets = list(range(-k, model.num_frames - k))
    offsets = [int(o) for o in offsets]
    if len(offsets) != model.num_frames:
        raise ValueError(f'the config\'s offsets {offsets} do not have the '
                         f'model\'s {model.num_frames} frames')
    return offsets


def clip_edge_of(model) -> str:
    """How the model's test pipeline fills a clip at a video's ends (its
    ``SampleClipFrames`` edge), else ``'fill_with_key'``."""
    cfg = getattr(model, 'cfg', None)
    if cfg is not None and cfg.get('test_dataloader'):
        for step in cfg.test_dataloader.dataset.get('pipeline', []):
            if step.get('type') == 'SampleClipFrames':
                return step.get('edge', 'fill_with_key')
    return 'fill_with_key'


class VideoPoseTracker:
    """Run a ``VideoTopdownPoseEstimator`` over a stream of frames.

    Args:
        model: from ``mmpose.apis.init_model`` (its config gives the
            preprocessing, the clip offsets and the edge policy).
        box_source: a dict {image id or '<video>/<file>': (N, 5) boxes},
            or a callable on a list of BGR images (a detector).
        bbox_thr (float): boxes below it are skipped (the dataset's
            ``bbox_score_thr``). Defaults to 0.2.
        track_method (str): ``'iou'`` (default) or ``'oks'``.
        track_thr (float): the least IoU / OKS to continue a track.
        det_batch (int): frames per detector batch.
        fast (bool | str): False (default): the exact mode, the one
            ``tools/test.py`` evaluates; ``'resample'`` (or True): each
            frame's crop through the backbone once per person, resampled
            into the key crops it supports (``apis/video/resample_mode.py``);
            ``'window'``: crop windows that stay put, each (frame, window)
            crop through the backbone once (``apis/video/window_mode.py``).
        fast_options (dict, optional): the fast mode's options
            (``WindowModeEstimator``'s ``margin``, ``scale_tol``;
            ``ResampleModeEstimator``'s ``min_iou``, ``interpolation``,
            ``padding``).
    """

    def __init__(self,
                 model,
                 box_source,
                 bbox_thr: float = 0.2,
                 track_method: str = 'iou',
                 track_thr: float = 0.3,
                 det_batch: int = 8,
                 fast: Union[bool, str] = False,
                 fast_options: Optional[dict] = None):
        if track_method not in ('iou', 'oks'):
            raise ValueError(f'track_method must be iou or oks, got '
                             f'{track_method!r}')
        self.model = model
        self.box_source = box_source if callable(
            box_source) else check_box_table(box_source, 'box_source')
        self.bbox_thr = check_fraction('bbox_thr', bbox_thr)
        self.track_method = track_method
        self.track_thr = check_fraction('track_thr', track_thr)
        if isinstance(det_batch, bool) or not isinstance(det_batch, int):
            raise ValueError(f'det_batch must be an integer >= 1, got '
                             f'{det_batch!r}')
        self.det_batch = int(check_number('det_batch', det_batch, 1))
        self.offsets = clip_offsets_of(model)
        self.edge = clip_edge_of(model)
        self.sigmas = (model.dataset_meta or {}).get('sigmas')
        self.max_buffered = self.frames_with_boxes = self.skipped_empty = 0
        self.fast = fast_mode_of(fast)
        self.fast_options = check_fast_options(self.fast, fast_options)
        self.fast_estimator = None
        if self.fast:  # fails early on a model or option it cannot run
            self.fast_estimator = FAST_MODES[self.fast](model,
                                                        **self.fast_options)
        self._streams = 0  # streams run so far

    # the frames' boxes -------------------------------------------------
    def _source_boxes(self, frames: List[Frame]) -> List[np.ndarray]:
        if callable(self.box_source):
            return self.box_source([f.image for f in frames])
        out = []
        for frame in frames:
            boxes = self.box_source.get(frame.image_id)
            if boxes is None:
                boxes = self.box_source.get(frame_key(frame.file_name))
            if boxes is not None:
                self.frames_with_boxes += 1
            out.append(
                np.zeros((0, 5), np.float32) if boxes is None else boxes)
        return out

    def frame_boxes(self, frames: List[Frame]) -> List[np.ndarray]:
        """The (N, 5) boxes the tracker estimates for each frame: from the
        box source, above ``bbox_thr``, empty ones skipped."""
        return [
            self._usable_boxes(boxes) for boxes in self._source_boxes(frames)
        ]

    def _usable_boxes(self, boxes: np.ndarray) -> np.ndarray:
        """Boxes above the threshold; empty ones (zero width or height)
        are skipped and counted in ``skipped_empty``, as the dataset does;
        non-finite ones are an error naming the box."""
        if len(boxes) and not np.isfinite(boxes).all():
            bad = boxes[~np.isfinite(boxes).all(1)][0]
            raise ValueError(f'a box with NaN or infinite values: '
                             f'{bad.tolist()}')
        empty = (boxes[:, 2] <= boxes[:, 0]) | (boxes[:, 3] <= boxes[:, 1])
        self.skipped_empty += int(empty.sum())
        return boxes[(boxes[:, 4] >= self.bbox_thr) & ~empty]

    # the stream --------------------------------------------------------
    def run(self, frames: Iterator[Frame]) -> Iterator[Tuple[Frame, list]]:
        """Yield ``(frame, people)`` in order, ``people`` a list of
        ``PoseDataSample`` (one person each) with ``track_id`` set."""
        before = -min(self.offsets)
        after = max(self.offsets)
        window: 'deque[Tuple[Frame, np.ndarray]]' = deque()
        pending: List[Frame] = []
        self._last, self._next_id = [], 0
        if self.fast and self._streams:  # a fresh cache per stream
            self.fast_estimator = FAST_MODES[self.fast](self.model,
                                                        **self.fast_options)
        self._streams += 1
        # what the stream held at most (the memory bound) and how many
        # frames a box file named (0: the file is for another video)
        self.max_buffered = self.frames_with_boxes = self.skipped_empty = 0
        ended = False
        frames = iter(frames)
        next_key = 0
        while True:
            if not ended:
                frame = next(frames, None)
                if frame is None:
                    ended = True
                else:
                    pending.append(frame)
            self.max_buffered = max(self.max_buffered,
                                    len(window) + len(pending))
            if pending and (ended or len(pending) >= self.det_batch):
                for f, boxes in zip(pending, self.frame_boxes(pending)):
                    window.append((f, boxes))
                pending = []
            # estimate every key whose clip is complete
            newest = window[-1][0].index if window else -1
            while window and next_key <= newest and (ended or next_key + after
                                                     <= newest):
                last = newest if ended else None
                yield self._estimate(window, next_key, last)
                next_key += 1
                # drop frames no later key can use
                while window and window[0][0].index < next_key - before:
                    window.popleft()
                if self.fast_estimator is not None:
                    self.fast_estimator.forget(next_key - before)
            if ended and not pending and next_key > newest:
                return

    def _estimate(self, window, key: int, last: Optional[int]):
        by_index = {f.index: (f, b) for f, b in window}
        far = key + max(self.offsets) if last is None else last
        numbers = edge_frame_numbers(key, self.offsets, 0, far, self.edge)
        frame, boxes = by_index[key]
        if not len(boxes):
            self._last = []
            return frame, []
        if self.fast_estimator is not None:
            people = self.fast_estimator.estimate(key, numbers, {
                n: (by_index[n][0].image, by_index[n][1])
                for n in set(numbers)
            })
        else:
            clip = [by_index[n][0].image for n in numbers]
            people = inference_clip(self.model, clip, boxes)
        return frame, self._track(people)

    def _track(self, people: list) -> list:
        track = _track_by_oks if self.track_method == 'oks' else _track_by_iou
        last = list(self._last)
        active = {p.track_id for p in last}
        for person in people:
            inst = person.pred_instances
            box = np.asarray(inst.bboxes).reshape(1, 4)
            inst.areas = np.array([
                (box[0, 2] - box[0, 0]) * (box[0, 3] - box[0, 1])
            ])
            if self.track_method == 'oks':
                track_id, last, _ = track(person, last, self.track_thr,
                                          self.sigmas)
            else:
                track_id, last, _ = track(person, last, self.track_thr)
            if track_id == -1:
                track_id = self._new_id(active)
            active.add(track_id)
            person.set_field(track_id, 'track_id')
        self._last = list(people)
        return people

    def _new_id(self, active: set) -> int:
        # ids stay below PoseTrack's limit: after 9999 they are reused,
        # never one that a person of the previous frame holds
        while True:
            candidate = self._next_id % MAX_TRACK_ID
            self._next_id += 1
            if candidate not in active:
                return candidate
