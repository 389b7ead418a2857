# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The video tool's ``'window'`` fast mode: crop windows that stay put.

The exact mode crops all T frames of key frame t's clip with t's box, so
consecutive key frames share no crop. Here each person gets a crop window
that stays put while the person stays well inside it: key frame t's person
keeps the window of the previous key frame whose centre lies within
``margin`` of the window's size of the person's own crop centre, and whose
size is within ``scale_tol`` of the person's own crop size; otherwise
(a new person, a move or a scale change beyond those) a new window is
anchored on the person's own crop, exactly the crop the exact mode takes.
The clip of key frame t is then cropped, every frame, with that window, as
the exact mode crops it with the box; a window's crop of a frame goes
through the backbone once and its stage features serve every key frame
that uses the window, bit for bit, nothing resampled. So a key frame's
keypoints are the exact mode's for the window as the box (a test checks),
and differ from the exact mode's only in where the window sits around the
person (within ``margin``; the training augmentation moves and scales the
box further than that).

Windows are matched to people by that test alone, not by track ids, so the
mode does not depend on the tracker (OKS tracking needs the keypoints
first). The backbone passes of all (frame, window) crops a key frame needs
and nothing has computed yet go through the backbone in one call.

Shape legend: B people of the key frame, T frames, C channels, h x w stage
feature size.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmpose.datasets.transforms import TopdownAffine
from mmpose.structures.bbox import bbox_xyxy2cs
from torch import Tensor

from .resample_mode import CropFeatureCache, pipeline_step

__all__ = ['WindowModeEstimator']


@dataclass
class _Window:
    """A crop window: ``center`` (2,) and ``scale`` (2,) in frame pixels as
    the test pipeline's crop (aspect fixed), and the box (5,) that the
    pipeline turns into exactly this crop."""
    center: np.ndarray
    scale: np.ndarray
    box: np.ndarray


@dataclass
class _Crop:
    """One (frame, window) crop: its data sample (the pipeline's, a key
    frame's predictions go into a copy) and stage features of the crop and
    of its mirror (each (C, h, w); None without the flip test)."""
    sample: object
    stages: List[Tensor]
    flipped: Optional[List[Tensor]]


class WindowModeEstimator(CropFeatureCache):
    """Estimate the key frames of a stream with crop windows that stay put
    (see the module doc).

    Args:
        model: a ``VideoTopdownPoseEstimator`` (torch, from ``init_model``)
            whose data preprocessor is ``MultiFramePoseDataPreprocessor``.
        margin (float): how far the person's own crop centre may be from
            the window's centre, per axis, as a fraction of the window's
            width / height, before a new window is anchored. Defaults to
            0.03 (the AP it costs grows fast with it: docs/video.md).
            0 (with ``scale_tol=0``) anchors a new window whenever the box
            changes: the exact mode's keypoints.
        scale_tol (float): how far the person's own crop size may be from
            the window's, as a ratio minus one (0.1: from 1 / 1.1 to 1.1).
            Defaults to 0.1.

    Counters, besides ``CropFeatureCache``'s: ``windows`` (windows
    anchored), ``keys`` (person key frames estimated).
    """

    def __init__(self, model, margin: float = 0.03, scale_tol: float = 0.1):
        super().__init__(model)
        if not 0.0 <= margin < 0.5:
            raise ValueError(f'margin must be in [0, 0.5), got {margin}')
        if scale_tol < 0.0:
            raise ValueError(f'scale_tol must be >= 0, got {scale_tol}')
        self.margin = margin
        self.scale_tol = scale_tol
        self.padding = float(
            pipeline_step(self.pipeline_cfg,
                          'GetBBoxCenterScale').get('padding', 1.25))
        width, height = self.affine['input_size']
        self.aspect_ratio = width / height
        self._windows: Dict[int, _Window] = {}  # live: the last key's
        self._cache: Dict[Tuple[int, int], _Crop] = {}
        self.windows = self.keys = 0

    # windows ------------------------------------------------------------
    def own_crops(self, boxes: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(N, 5) boxes -> centres (N, 2) and sizes (N, 2) of the crops the
        test pipeline takes for them (MMPose's ``bbox_xyxy2cs`` and
        ``TopdownAffine``'s aspect-ratio fix)."""
        center, scale = bbox_xyxy2cs(
            np.asarray(boxes[:, :4], np.float64), padding=self.padding)
        scale = TopdownAffine._fix_aspect_ratio(scale, self.aspect_ratio)
        return center, scale

    def _anchor(self, center: np.ndarray, scale: np.ndarray,
                score: float) -> int:
        half = scale / (2 * self.padding)  # the box the pipeline pads back
        box = np.concatenate([center - half, center + half, [score]])
        self._windows[self.windows] = _Window(center, scale, box)
        self.windows += 1
        return self.windows - 1

    def assign_windows(self, boxes: np.ndarray) -> List[int]:
        """The window of each of the key frame's (N, 5) boxes: the live
        window the person's own crop fits best (see ``margin``,
        ``scale_tol``), else a new one on that crop. The windows assigned
        become the live ones."""
        centers, scales = self.own_crops(boxes)
        live = dict(self._windows)
        chosen = []
        for center, scale, box in zip(centers, scales, boxes):
            best, best_shift = -1, np.inf
            for wid, win in live.items():
                shift = np.abs(center - win.center) / win.scale
                ratio = scale[0] / win.scale[0]
                if shift.max() <= self.margin and max(
                        ratio, 1 / ratio) <= 1 + self.scale_tol + 1e-12:
                    if shift.max() < best_shift:
                        best, best_shift = wid, shift.max()
            if best < 0:
                best = self._anchor(center, scale, float(box[4]))
            chosen.append(best)
        self._windows = {wid: self._windows[wid] for wid in chosen}
        return chosen

    # crops ----------------------------------------------------------------
    def _fill(self, pairs: List[Tuple[int, int]],
              frames: Dict[int, Tuple[np.ndarray, np.ndarray]]) -> None:
        """Crop and pass through the backbone, in one call, the (frame,
        window) pairs nothing has computed yet."""
        missing = [p for p in dict.fromkeys(pairs) if p not in self._cache]
        if not missing:
            return
        inputs, samples, _, _ = self._crop(
            [frames[n][0] for n, _ in missing],
            np.stack([self._windows[w].box for _, w in missing]))
        stages, flipped = self._backbone(inputs)
        for i, (pair, sample) in enumerate(zip(missing, samples)):
            self._cache[pair] = _Crop(
                sample, [s[i] for s in stages],
                None if flipped is None else [s[i] for s in flipped])
        self.max_cached = max(self.max_cached, len(self._cache))

    def forget(self, before: int) -> None:
        """Drop the crops of frames with an index below ``before``."""
        for pair in [p for p in self._cache if p[0] < before]:
            del self._cache[pair]

    # a key frame --------------------------------------------------------
    def estimate(self, key_index: int, clip_indices: Sequence[int],
                 frames: Dict[int, Tuple[np.ndarray, np.ndarray]]):
        """The key frame's people as ``PoseDataSample`` (image coordinates,
        ``bboxes`` and ``bbox_scores`` the key frame's boxes), like
        ``inference_clip``; ``frames`` {index: (BGR image, (N, 5) boxes)}
        holds at least the clip's frames (only the key frame's boxes are
        read)."""
        self._enter_scope()
        boxes = frames[key_index][1]
        with torch.no_grad():
            windows = self.assign_windows(boxes)
            self._fill([(n, w) for w in windows for n in clip_indices], frames)
            crops = [[self._cache[(n, w)] for n in clip_indices]
                     for w in windows]
            stages = self._stack(crops, flipped=False)
            flipped = self._stack(crops, True) if self.flip_test else None
            samples = [
                self._cache[(key_index, w)].sample.clone() for w in windows
            ]
            people = self.model.predict_from_stages(stages, samples, flipped)
        self.keys += len(people)
        for person, box in zip(people, boxes):
            person.pred_instances.bboxes = np.asarray(box[None, :4],
                                                      np.float32)
            person.pred_instances.bbox_scores = np.asarray(
                box[4:5], np.float32)
        return people

    @staticmethod
    def _stack(crops: List[List[_Crop]], flipped: bool) -> List[Tensor]:
        """Per person the T crops -> stage features, each (B, T, C, h, w).
        """
        return [
            torch.stack([
                torch.stack([(c.flipped if flipped else c.stages)[s]
                             for c in person]) for person in crops
            ]) for s in range(len(crops[0][0].stages))
        ]
