# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Multi-frame loading: choose a clip's frames, then decode them.

The rest of a clip pipeline is MMPose's own transforms, which already treat
``results['img']`` as a list of frames: ``RandomFlip`` flips every frame,
``RandomHalfBody`` / ``RandomBBoxTransform`` change the one person box, and
``TopdownAffine`` warps every frame with that one matrix, so every frame of
a clip gets the same augmentation; ``PackPoseInputs`` stacks the frames to
(T, 3, H, W) (list ``'frame_offsets'`` in its ``meta_keys`` to hand them to
the model).

``results['img_path']`` stays the key frame's path (the metric matches
frames by it); the clip's paths are ``results['frame_paths']``.
"""
import os.path as osp
from collections import OrderedDict
from typing import List, Optional, Sequence, Tuple

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS

__all__ = [
    'SampleClipFrames', 'LoadClip', 'edge_frame_numbers', 'check_offsets',
    'DEFAULT_OFFSETS', 'read_frame'
]

_EDGE_MODES = ('fill_with_key', 'clamp')
# the paper's T = 5 clip
DEFAULT_OFFSETS = (-2, -1, 0, 1, 2)


def check_offsets(offsets: Sequence[int]) -> List[int]:
    """Frame offsets as a list; ValueError unless increasing, distinct and
    with exactly one 0 (the key frame)."""
    offsets = [int(o) for o in offsets]
    if offsets.count(0) != 1 or offsets != sorted(offsets) or \
            len(set(offsets)) != len(offsets):
        raise ValueError(f'offsets must be increasing, distinct, with '
                         f'exactly one 0 (the key frame), got {offsets}')
    return offsets


def _check_random_range(random_range, offsets) -> None:
    low, high = random_range
    most = max(sum(o < 0 for o in offsets), sum(o > 0 for o in offsets))
    if not 1 <= low <= high or high - low + 1 < most:
        raise ValueError(
            f'random_range {random_range} must satisfy 1 <= low <= '
            f'high and hold {most} distinct distances')


def edge_frame_numbers(key: int,
                       offsets: Sequence[int],
                       first: int,
                       last: int,
                       edge: str = 'fill_with_key') -> List[int]:
    """Frame numbers of a clip around ``key`` in a video numbered
    ``first..last`` (TDMI sec. 1.6).

    ``'fill_with_key'`` (the authors' code, default): on the previous side the
    frames that exist, in order, then the key frame repeated for each missing
    one; on the next side each missing frame is clamped to the last frame.
    For offsets -2..2: previous (t-2, t-1) / (t-1, t) / (t, t) at t >= 2 /
    t = 1 / t = 0; next (t+1, t+2) / (t+1, t+1) / (t, t) at t <= N-3 /
    t = N-2 / t = N-1. For other offsets the same two rules apply side by
    side (T = 3: plain clamping; T = 7 at t = 1: (0, 1, 1) before the key).
    ``'clamp'`` (MMPose's PoseTrack18VideoDataset): every missing frame is
    clamped to the first / last frame. Both keep the clip in temporal order
    (non-decreasing numbers), which the temporal differences rely on.
    """
    if not first <= key <= last:
        raise ValueError(f'key frame {key} is outside the video '
                         f'{first}..{last}')
    if edge not in _EDGE_MODES:
        raise ValueError(f'edge must be one of {_EDGE_MODES}, got {edge!r}')
    before = [key + o for o in offsets if o < 0]
    after = [min(key + o, last) for o in offsets if o > 0]
    if edge == 'clamp':
        before = [max(n, first) for n in before]
    else:
        kept = [n for n in before if n >= first]
        before = kept + [key] * (len(before) - len(kept))
    return before + [key] + after


@TRANSFORMS.register_module()
class SampleClipFrames(BaseTransform):
    """Pick the frames of a clip around the key frame.

    Required keys: ``img_path``, ``frame_number``, ``frame_digits``,
    ``first_frame``, ``nframes`` (from ``PoseTrackVideoDataset``); optional
    ``clip_offsets`` (the dataset's ``frame_offsets``).
    Added keys: ``frame_paths`` (T paths in temporal order),
    ``frame_offsets`` (the T offsets asked for), ``frame_numbers``.

    Args:
        offsets (Sequence[int], optional): offsets of the frames, in
            temporal order, one of them 0 (the key frame). None (default)
            takes the dataset's ``frame_offsets`` (``results
            ['clip_offsets']``), so a config states them once; without
            those, (-2, -1, 0, 1, 2). Offsets given here that differ from
            the dataset's are an error.
        edge (str): how neighbours outside the video are filled:
            ``'fill_with_key'`` (default, the authors' code) or ``'clamp'``
            (MMPose's PoseTrack18VideoDataset); see ``edge_frame_numbers``.
        random_range (tuple[int, int], optional): if given, every call draws
            new offsets: on each side of the key frame, as many distinct
            distances from ``[low, high]`` as ``offsets`` has there, sorted
            (the clip stays in temporal order). For training.
    """

    def __init__(self,
                 offsets: Optional[Sequence[int]] = None,
                 edge: str = 'fill_with_key',
                 random_range: Optional[Tuple[int, int]] = None):
        if offsets is not None:
            offsets = check_offsets(offsets)
        if edge not in _EDGE_MODES:
            raise ValueError(f'edge must be one of {_EDGE_MODES}, got '
                             f'{edge!r}')
        if random_range is not None:
            _check_random_range(random_range, offsets or DEFAULT_OFFSETS)
        self.offsets = offsets
        self.edge = edge
        self.random_range = random_range

    def _base_offsets(self, results: dict) -> List[int]:
        from_dataset = results.get('clip_offsets')
        if from_dataset is None:
            return list(self.offsets or DEFAULT_OFFSETS)
        from_dataset = [int(o) for o in from_dataset]
        if self.offsets is not None and self.offsets != from_dataset:
            raise ValueError(
                f'{results.get("img_path")}: SampleClipFrames has offsets '
                f'{self.offsets} but the dataset says frame_offsets='
                f'{from_dataset}; state them in one place (the dataset)')
        if self.random_range is not None:
            _check_random_range(self.random_range, from_dataset)
        return from_dataset

    def _draw_offsets(self, base: List[int]) -> List[int]:
        if self.random_range is None:
            return list(base)
        low, high = self.random_range
        before = sum(o < 0 for o in base)
        after = sum(o > 0 for o in base)
        pool = np.arange(low, high + 1)
        neg = -np.sort(np.random.choice(pool, before, replace=False))[::-1]
        pos = np.sort(np.random.choice(pool, after, replace=False))
        return [int(o) for o in neg] + [0] + [int(o) for o in pos]

    def transform(self, results: dict) -> dict:
        key, digits = results['frame_number'], results['frame_digits']
        first = results['first_frame']
        last = first + results['nframes'] - 1
        offsets = self._draw_offsets(self._base_offsets(results))
        numbers = edge_frame_numbers(key, offsets, first, last, self.edge)
        folder, ext = osp.dirname(results['img_path']), osp.splitext(
            results['img_path'])[1]
        results['frame_paths'] = [
            osp.join(folder, f'{n:0{digits}d}{ext}') for n in numbers
        ]
        results['frame_offsets'] = offsets
        results['frame_numbers'] = numbers
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(offsets={self.offsets}, '
                f'edge={self.edge!r}, random_range={self.random_range})')


def read_frame(path: str,
               color_type: str = 'color',
               backend: str = 'cv2') -> np.ndarray:
    """Decode one frame; a missing, empty or undecodable file raises an
    error naming it (OpenCV alone raises an assertion about an empty buffer
    or returns None)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'cannot read frame {path}: no such file')
    if osp.getsize(path) == 0:
        raise ValueError(f'cannot read frame {path}: the file is empty')
    try:
        image = mmcv.imread(path, flag=color_type, backend=backend)
    except Exception as e:  # OpenCV's cv2.error, PIL's errors
        raise ValueError(f'cannot decode frame {path}: {e}') from None
    if image is None:
        raise ValueError(f'cannot decode frame {path}: not an image or '
                         f'truncated')
    return image


@TRANSFORMS.register_module()
class LoadClip(BaseTransform):
    """Decode ``results['frame_paths']`` into ``results['img']`` (a list).

    Samples of one video share frames (up to T x people per frame), so
    decoded frames are kept in a bounded LRU cache per worker process. The
    cached arrays are read-only: the transforms after this one make new
    arrays (flip, warp), and an in-place change would corrupt the cache, so
    it raises instead.

    Args:
        cache_size (int): decoded frames kept; 0 disables the cache.
            Defaults to 64 (a 1920x1080 frame is about 6 MB).
        color_type (str): as ``mmcv.imread``. Defaults to ``'color'``.
        imdecode_backend (str): as ``mmcv.imread``. Defaults to ``'cv2'``.
    """

    def __init__(self,
                 cache_size: int = 64,
                 color_type: str = 'color',
                 imdecode_backend: str = 'cv2'):
        if cache_size < 0:
            raise ValueError(f'cache_size must be >= 0, got {cache_size}')
        self.cache_size = cache_size
        self.color_type = color_type
        self.imdecode_backend = imdecode_backend
        self._cache: 'OrderedDict[str, np.ndarray]' = OrderedDict()
        self.hits = self.misses = 0

    def _read(self, path: str) -> np.ndarray:
        if path in self._cache:
            self._cache.move_to_end(path)
            self.hits += 1
            return self._cache[path]
        self.misses += 1
        image = read_frame(path, self.color_type, self.imdecode_backend)
        if self.cache_size:
            image.setflags(write=False)
            self._cache[path] = image
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return image

    def transform(self, results: dict) -> dict:
        if 'frame_paths' not in results:
            raise KeyError('LoadClip needs results["frame_paths"]: put '
                           'SampleClipFrames before it')
        frames = [self._read(p) for p in results['frame_paths']]
        shapes = {f.shape for f in frames}
        if len(shapes) != 1:
            raise ValueError(f'frames of the clip of {results["img_path"]} '
                             f'differ in size: {sorted(shapes)}')
        results['img'] = frames
        results['img_shape'] = frames[0].shape[:2]
        results['ori_shape'] = frames[0].shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(cache_size={self.cache_size})'
