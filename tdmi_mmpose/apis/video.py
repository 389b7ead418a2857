# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Pose estimation with track ids on a whole video, streamed.

A video (any file OpenCV reads), a folder of frames or a PoseTrack sequence
file is read once, in order; only the frames of one clip window (and a
batch of frames waiting for the person detector) are in memory. Key frame
t is estimated when frame t + (largest offset) has been read, or when the
video ended (then the model's edge policy fills the clip, as in training:
``edge_frame_numbers``). The people of a frame go through the model in one
batch, preprocessed by the config's own test pipeline (``inference_clip``),
so the keypoints equal ``tools/test.py``'s on the same boxes.

Person boxes come from a detection file (MMPose's format or the
PoseWarper/DCPose ``val_boxes.json`` form), the sequence's ground truth, or
an MMDetection detector. Track ids are assigned greedily frame to frame with
MMPose's own helpers (``mmpose.apis._track_by_iou`` / ``_track_by_oks``); a
person who leaves and comes back gets a new id (no re-identification).

Shape legend: N people in a frame, K keypoints.
"""
import json
import os
import os.path as osp
import re
import warnings
from collections import deque
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

import cv2
import numpy as np
from mmpose.apis import _track_by_iou, _track_by_oks

from ..datasets.transforms.clip_transforms import (edge_frame_numbers,
                                                   read_frame)
from ..structures import frame_key
from .inference import inference_clip
from .streaming import FeatureReuseEstimator

__all__ = [
    'Frame', 'open_frames', 'load_box_file', 'ground_truth_boxes',
    'MMDetBoxes', 'VideoPoseTracker', 'clip_offsets_of', 'run_video',
    'check_outputs'
]

_IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp')
# PoseTrack's limit on track ids (the official tool asserts it)
MAX_TRACK_ID = 10000


@dataclass
class Frame:
    """One frame of the stream: its index, the ``file_name`` and image id
    written to the PoseTrack output, and the BGR image."""
    index: int
    file_name: str
    image_id: object
    image: np.ndarray = field(repr=False)


# --------------------------------------------------------------------------
# frame sources
# --------------------------------------------------------------------------
def _posetrack_root(sequence_file: str) -> str:
    """The data root of a PoseTrack sequence file: the folder that holds
    its ``annotations/`` (``<root>/annotations/val/<seq>.json``)."""
    parts = osp.abspath(sequence_file).split(os.sep)
    if 'annotations' in parts:
        idx = len(parts) - 1 - parts[::-1].index('annotations')
        return os.sep.join(parts[:idx]) or os.sep
    raise ValueError(
        f'{sequence_file}: cannot find the data root (no "annotations" '
        f'folder above the file); give it with --data-root')


def _video_frames(path: str, name: str) -> Iterator[Frame]:
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise ValueError(f'{path}: OpenCV cannot open this video')
    # the container's frame count: a truncated file reads fewer
    declared = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    index = 0
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            yield Frame(index, f'{name}/{index:06d}.jpg', index, image)
            index += 1
    finally:
        capture.release()
    if index == 0:
        raise ValueError(f'{path}: the video has no readable frame')
    if 0 < index < declared:
        warnings.warn(
            f'{path}: read {index} frames, its header declares {declared}: '
            f'the file is truncated or damaged; the last '
            f'{declared - index} frames are missing from the output')


def _folder_frames(path: str, name: str) -> Iterator[Frame]:
    files = sorted(
        f for f in os.listdir(path) if f.lower().endswith(_IMAGE_EXTS))
    if not files:
        raise ValueError(f'{path}: no image files ({", ".join(_IMAGE_EXTS)})')
    _check_name_order(path, files)
    for index, file in enumerate(files):
        yield Frame(index, f'{name}/{file}', index,
                    read_frame(osp.join(path, file)))


def _check_name_order(path: str, files: List[str]) -> None:
    """Frames are taken in name order; names whose numbers sort otherwise
    (``1.jpg, 10.jpg, 2.jpg``) would scramble the video."""

    def number(name: str):
        """(the name without its digits, its last number) or None."""
        stem = osp.splitext(name)[0]
        found = re.findall(r'\d+', stem)
        return (re.sub(r'\d+', '#', stem), int(found[-1])) if found else None

    keys = [number(f) for f in files]
    for a, b, x, y in zip(files, files[1:], keys, keys[1:]):
        # names of one pattern (img#.jpg) whose numbers go backwards
        if x and y and x[0] == y[0] and y[1] < x[1]:
            raise ValueError(
                f'{path}: frame files sort differently as text and as '
                f'numbers ({a} before {b}); name them with leading zeros '
                f'(000001.jpg) so that their order is the video\'s')


def _sequence_frames(path: str, data_root: Optional[str]) -> Iterator[Frame]:
    try:
        with open(path) as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{path}: not valid JSON ({e})') from None
    images = data.get('images') if isinstance(data, dict) else None
    if not images:
        raise ValueError(f'{path}: expected a PoseTrack18 sequence file with '
                         f'a non-empty "images" list')
    for index, image in enumerate(images):
        if not isinstance(image, dict) or 'file_name' not in image or \
                'id' not in image:
            raise ValueError(f'{path}: images[{index}] needs "id" and '
                             f'"file_name"')
    videos = sorted({osp.dirname(image['file_name']) for image in images})
    if len(videos) > 1:
        raise ValueError(
            f'{path}: its images come from {len(videos)} videos ('
            f'{", ".join(videos[:3])}{", ..." if len(videos) > 3 else ""}): '
            f'a merged split file, not one sequence; give one sequence file '
            f'(annotations/val/<video>.json), or evaluate the split with '
            f'tools/test.py')
    root = data_root or _posetrack_root(path)
    for index, image in enumerate(images):
        yield Frame(index, image['file_name'], image['id'],
                    read_frame(osp.join(root, image['file_name'])))


def open_frames(source: str,
                data_root: Optional[str] = None) -> Tuple[str, Iterator]:
    """(name, frames) of a video file, a folder of frames or a PoseTrack
    sequence file (``.json``). Frames are read lazily, in order; a frame of
    another size than the first is an error naming it."""
    if not osp.exists(source):
        raise FileNotFoundError(f'input {source} does not exist')
    name = osp.splitext(osp.basename(osp.normpath(source)))[0]
    if osp.isdir(source):
        frames = _folder_frames(source, name)
    elif source.lower().endswith('.json'):
        frames = _sequence_frames(source, data_root)
    else:
        frames = _video_frames(source, name)
    return name, _same_size(frames, source)


def _same_size(frames: Iterator[Frame], source: str) -> Iterator[Frame]:
    shape = None
    for frame in frames:
        if shape is None:
            shape = frame.image.shape
        elif frame.image.shape != shape:
            raise ValueError(
                f'{source}: frame {frame.index} ({frame.file_name}) is '
                f'{frame.image.shape[1]}x{frame.image.shape[0]}, the first '
                f'frame {shape[1]}x{shape[0]}; a clip needs one size')
        yield frame


# --------------------------------------------------------------------------
# box sources: (N, 5) boxes x1, y1, x2, y2, score per frame
# --------------------------------------------------------------------------
def _xywh_to_xyxy(box) -> List[float]:
    x, y, w, h = box
    return [x, y, x + w, y + h]


def load_box_file(path: str) -> Dict[object, np.ndarray]:
    """Boxes of a detection file, keyed by ``image_id`` (MMPose's format)
    and by ``'<video>/<file>'`` of ``image_name`` (PoseWarper/DCPose);
    entries are checked as the dataset checks them."""
    from ..datasets.posetrack_video_dataset import check_detection
    if not osp.isfile(path):
        raise FileNotFoundError(f'box file {path} does not exist')
    try:
        with open(path) as f:
            dets = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f'{path}: the box file is not valid JSON ({e})') \
            from None
    if not isinstance(dets, list):
        raise ValueError(f'{path}: expected a list of detections')
    boxes: Dict[object, list] = {}
    for i, det in enumerate(dets):
        check_detection(det, i, path)
        if 'image_id' in det:
            key = det['image_id']
        elif 'image_name' in det:
            key = frame_key(det['image_name'])
        else:
            raise ValueError(f'{path}: detection {i} has neither "image_id" '
                             f'nor "image_name"')
        boxes.setdefault(
            key, []).append(_xywh_to_xyxy(det['bbox']) + [det['score']])
    return {k: np.asarray(v, dtype=np.float32) for k, v in boxes.items()}


def ground_truth_boxes(sequence_file: str) -> Dict[object, np.ndarray]:
    """The ``bbox`` of every annotated person of a PoseTrack18 sequence
    file, score 1, keyed by image id (for evaluation with GT boxes)."""
    with open(sequence_file) as f:
        data = json.load(f)
    boxes: Dict[object, list] = {}
    for i, ann in enumerate(data.get('annotations') or []):
        box = ann.get('bbox')
        if box is None:
            continue
        if len(box) != 4:
            raise ValueError(f'{sequence_file}: annotations[{i}]: "bbox" '
                             f'must be [x, y, w, h], got {box!r}')
        boxes.setdefault(ann['image_id'],
                         []).append(_xywh_to_xyxy(box) + [1.0])
    return {k: np.asarray(v, dtype=np.float32) for k, v in boxes.items()}


def resolve_config_path(config: str) -> str:
    """``mmdet::rtmdet/x.py`` (a config inside an installed OpenMMLab
    package, as MMEngine's ``_base_`` writes it) -> the file's path; any
    other string is returned as it is.

    Raises:
        FileNotFoundError: naming the config when the package has no such
            file.
    """
    if '::' not in config:
        return config
    from mmengine.utils import get_installed_path, is_installed
    package, path = config.split('::', 1)
    if not is_installed(package):
        raise FileNotFoundError(f'{config}: the package {package!r} is not '
                                f'installed')
    full = osp.join(get_installed_path(package), '.mim', 'configs', path)
    if not osp.isfile(full):
        raise FileNotFoundError(f'{config}: no such config in {package} '
                                f'({full})')
    return full


class MMDetBoxes:
    """Person boxes from an MMDetection detector, run on batches of frames
    (MMPose's demo conventions: ``det_cat_id``, ``bbox_thr``, NMS 0.3)."""

    def __init__(self,
                 config: str,
                 checkpoint: Optional[str],
                 device: str = 'cpu',
                 det_cat_id: int = 0,
                 bbox_thr: float = 0.3,
                 nms_thr: float = 0.3):
        import tdmi_mmpose
        tdmi_mmpose.require_mmdet()
        from mmdet.apis import init_detector
        from mmengine.registry import DefaultScope
        from mmpose.utils import adapt_mmdet_pipeline

        # init_detector makes 'mmdet' the default scope; keep the caller's,
        # or everything built later in mmpose's registries (the visualiser)
        # would be looked up in mmdet's
        with DefaultScope.overwrite_default_scope('mmdet'):
            self.model = init_detector(
                resolve_config_path(config), checkpoint, device=device)
        # once, not per batch: MMPose's demo adaptation of the test pipeline
        self.model.cfg = adapt_mmdet_pipeline(self.model.cfg)
        self.det_cat_id = det_cat_id
        self.bbox_thr = bbox_thr
        self.nms_thr = nms_thr

    def __call__(self, images: List[np.ndarray]) -> List[np.ndarray]:
        from mmdet.apis import inference_detector
        from mmpose.evaluation.functional import nms
        results = inference_detector(self.model, images)
        out = []
        for result in results:
            pred = result.pred_instances.cpu().numpy()
            boxes = np.concatenate([pred.bboxes, pred.scores[:, None]], axis=1)
            keep = (pred.labels == self.det_cat_id) & (
                pred.scores > self.bbox_thr)
            boxes = boxes[keep]
            if len(boxes):
                boxes = boxes[nms(boxes, self.nms_thr)]
            out.append(boxes.astype(np.float32).reshape(-1, 5))
        return out


# --------------------------------------------------------------------------
# the tracker
# --------------------------------------------------------------------------
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


def _edge_policy(model) -> str:
    cfg = getattr(model, 'cfg', None)
    if cfg is not None and cfg.get('test_dataloader'):
        for step in cfg.test_dataloader.dataset.get('pipeline', []):
            if step.get('type') == 'SampleClipFrames':
                return step.get('edge', 'lineage')
    return 'lineage'


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
        fast (bool): the fast mode of ``apis/streaming.py``: each frame's
            backbone features computed once per person and resampled into
            the key crops of the frames it supports, instead of T backbone
            passes per person and key frame. Defaults to False (exact: the
            mode ``tools/test.py`` evaluates).
        fast_options (dict, optional): the fast mode's options
            (``FeatureReuseEstimator``'s ``min_iou``, ``interpolation``,
            ``padding``).
    """

    def __init__(self,
                 model,
                 box_source,
                 bbox_thr: float = 0.2,
                 track_method: str = 'iou',
                 track_thr: float = 0.3,
                 det_batch: int = 8,
                 fast: bool = False,
                 fast_options: Optional[dict] = None):
        if track_method not in ('iou', 'oks'):
            raise ValueError(f'track_method must be iou or oks, got '
                             f'{track_method!r}')
        self.model = model
        self.box_source = box_source
        self.bbox_thr = bbox_thr
        self.track_method = track_method
        self.track_thr = track_thr
        self.det_batch = max(1, det_batch)
        self.offsets = clip_offsets_of(model)
        self.edge = _edge_policy(model)
        self.sigmas = (model.dataset_meta or {}).get('sigmas')
        self.max_buffered = self.frames_with_boxes = self.skipped_empty = 0
        self.fast = fast
        self.fast_options = dict(fast_options or {})
        self.streaming = None
        if fast:  # fails early on a model or option the mode cannot run
            self.streaming = FeatureReuseEstimator(model, **self.fast_options)

    # the frames' boxes -------------------------------------------------
    def _boxes(self, frames: List[Frame]) -> List[np.ndarray]:
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
        return [self._keep(boxes) for boxes in self._boxes(frames)]

    def _keep(self, boxes: np.ndarray) -> np.ndarray:
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
        if self.fast:  # a fresh cache per stream
            self.streaming = FeatureReuseEstimator(self.model,
                                                   **self.fast_options)
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
                if self.streaming is not None:
                    self.streaming.forget(next_key - before)
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
        if self.streaming is not None:
            people = self.streaming.estimate(key, numbers, {
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


# --------------------------------------------------------------------------
# outputs
# --------------------------------------------------------------------------
def posetrack_annotations(frame: Frame, people: list) -> List[dict]:
    """PoseTrack18 annotations of one frame: keypoints with per-joint scores
    (keypoint score x box score, the TDMI protocol of ``PoseTrackMetric``),
    ``scores``, ``track_id`` and the person ``score`` (box score)."""
    out = []
    for person in people:
        inst = person.pred_instances
        kpts = np.asarray(inst.keypoints)[0]
        box_score = float(np.asarray(inst.bbox_scores).reshape(-1)[0])
        scores = np.asarray(inst.keypoint_scores)[0] * box_score
        out.append(
            dict(
                image_id=frame.image_id,
                keypoints=np.concatenate([kpts, scores[:, None]],
                                         axis=1).ravel().tolist(),
                scores=scores.tolist(),
                score=box_score,
                track_id=int(person.track_id),
                bbox=[float(v) for v in np.asarray(inst.bboxes)[0]]))
    return out


def posetrack_file(images: List[dict], annotations: List[dict],
                   keypoint_names: List[str]) -> dict:
    categories = [
        dict(
            id=1,
            name='person',
            supercategory='person',
            keypoints=list(keypoint_names))
    ]
    return dict(images=images, annotations=annotations, categories=categories)


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


def default_name(name: str) -> str:
    """A file-system safe output stem."""
    return re.sub(r'[^\w.-]+', '_', name) or 'video'


def check_outputs(outputs: List[str], inputs: List[str]) -> None:
    """Refuse to write where an input lies: an output file that is one of
    ``inputs`` (files read), or any output inside an input folder.

    Raises:
        ValueError: naming the output and the input it would overwrite.
    """
    real_inputs = [osp.realpath(p) for p in inputs if p]
    for out in outputs:
        real = osp.realpath(out)
        for path in real_inputs:
            inside = real == path or real.startswith(
                path.rstrip(os.sep) + os.sep)
            if not osp.isdir(path) and real == path:
                raise ValueError(
                    f'{out} would overwrite the input {path}: choose another '
                    f'--output-root')
            if osp.isdir(path) and inside:
                raise ValueError(
                    f'{out} would be written inside the input folder {path}: '
                    f'choose another --output-root')


def run_video(model,
              source: str,
              box_source,
              output_root: str,
              bbox_thr: float = 0.2,
              save_predictions: bool = True,
              render: bool = True,
              kpt_thr: float = 0.3,
              data_root: Optional[str] = None,
              progress: bool = True,
              fps: Optional[float] = None,
              inputs: Tuple[str, ...] = (),
              **tracker_args) -> dict:
    """Estimate and track the people of ``source`` and write
    ``<output_root>/<name>.mp4`` (``render``) and ``<name>.json``
    (``save_predictions``, PoseTrack18 with track ids). Nothing is written
    over ``source`` or the other files or folders named in ``inputs`` (a
    box file), nor inside an input folder (``check_outputs``).

    Returns:
        dict: ``name``, ``frames``, ``people``, ``seconds``,
        ``frames_with_boxes`` (box files), ``video`` and ``json`` paths
        (None where not written).
    """
    import time

    from mmengine.registry import DefaultScope
    from mmengine.utils import ProgressBar
    from mmpose.registry import VISUALIZERS
    name, frames = open_frames(source, data_root)
    tracker = VideoPoseTracker(
        model, box_source, bbox_thr=bbox_thr, **tracker_args)
    stem = default_name(name)
    written = [
        osp.join(output_root, f'{stem}.{ext}')
        for ext, on in (('mp4', render), ('json', save_predictions)) if on
    ]
    check_outputs(written + [osp.join(output_root, '')],
                  [source] + list(inputs))
    try:
        os.makedirs(output_root, exist_ok=True)
    except OSError as e:
        raise ValueError(f'output root {output_root} cannot be created '
                         f'({e.strerror})') from None
    if not os.access(output_root, os.W_OK):
        raise ValueError(f'output root {output_root} cannot be written')
    visualizer = writer = None
    if render:
        # in mmpose's scope whatever another library (a detector) set
        with DefaultScope.overwrite_default_scope('mmpose'):
            visualizer = VISUALIZERS.build(
                dict(type='PoseLocalVisualizer', name=f'tdmi_video_{stem}'))
        visualizer.set_dataset_meta(model.dataset_meta)
    id2name = model.dataset_meta['keypoint_id2name']
    names = [id2name[i] for i in range(len(id2name))]
    total = _frame_count(source)
    bar = ProgressBar(total) if progress and total else None
    images, annotations = [], []
    start, count, people_total = time.perf_counter(), 0, 0
    video_path = osp.join(output_root, f'{stem}.mp4') if render else None
    try:
        for frame, people in tracker.run(frames):
            images.append(dict(id=frame.image_id, file_name=frame.file_name))
            annotations += posetrack_annotations(frame, people)
            people_total += len(people)
            if visualizer is not None:
                drawn = draw_people(visualizer, frame.image, people, kpt_thr)
                if writer is None:
                    writer = cv2.VideoWriter(
                        video_path, cv2.VideoWriter_fourcc(*'mp4v'), fps
                        or _source_fps(source) or 10.0, drawn.shape[1::-1])
                writer.write(np.ascontiguousarray(drawn))
            count += 1
            if bar is not None:
                bar.update()
    finally:
        if writer is not None:
            writer.release()
    if bar is not None:
        print()
    json_path = None
    if save_predictions:
        json_path = osp.join(output_root, f'{stem}.json')
        with open(json_path, 'w') as f:
            json.dump(posetrack_file(images, annotations, names), f)
    return dict(
        name=name,
        frames=count,
        people=people_total,
        seconds=time.perf_counter() - start,
        frames_with_boxes=tracker.frames_with_boxes,
        skipped_empty=tracker.skipped_empty,
        video=video_path,
        json=json_path)


def _frame_count(source: str) -> Optional[int]:
    if osp.isdir(source):
        return len([
            f for f in os.listdir(source) if f.lower().endswith(_IMAGE_EXTS)
        ]) or None
    if source.lower().endswith('.json'):
        with open(source) as f:
            return len(json.load(f).get('images') or []) or None
    capture = cv2.VideoCapture(source)
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    capture.release()
    return count if count > 0 else None


def _source_fps(source: str) -> Optional[float]:
    if osp.isdir(source) or source.lower().endswith('.json'):
        return None
    capture = cv2.VideoCapture(source)
    fps = capture.get(cv2.CAP_PROP_FPS)
    capture.release()
    return fps if fps and fps > 0 else None
