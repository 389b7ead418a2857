# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Box sources of the video tool, each giving (N, 5) boxes x1, y1, x2, y2,
score per frame: a detection file (MMPose's format or the PoseWarper/DCPose
``val_boxes.json`` form), a PoseTrack sequence's ground truth, or an
MMDetection detector."""
import logging
import os.path as osp
from typing import Dict, List, Optional

import numpy as np
from mmengine.logging import print_log

from ...posetrack_format import frame_key, load_json
from ...supported import require_mmdet

__all__ = [
    'load_box_file', 'ground_truth_boxes', 'resolve_config_path', 'MMDetBoxes',
    'detector_device', 'mmcv_has_cuda_ops'
]


def _xyxy_by_key(rows: Dict[object, list]) -> Dict[object, np.ndarray]:
    """Rows of [x, y, w, h, score] per key -> (N, 5) x1, y1, x2, y2, score
    (MMPose's ``bbox_xywh2xyxy``)."""
    from mmpose.structures.bbox import bbox_xywh2xyxy
    return {
        k: bbox_xywh2xyxy(np.asarray(v, dtype=np.float32))
        for k, v in rows.items()
    }


def load_box_file(path: str) -> Dict[object, np.ndarray]:
    """Boxes of a detection file, keyed by ``image_id`` (MMPose's format)
    and by ``'<video>/<file>'`` of ``image_name`` (PoseWarper/DCPose);
    entries are checked as the dataset checks them."""
    from ...datasets.posetrack_video_dataset import check_detection
    dets = load_json(path, 'box file')
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
        boxes.setdefault(key, []).append(list(det['bbox']) + [det['score']])
    return _xyxy_by_key(boxes)


def ground_truth_boxes(sequence_file: str) -> Dict[object, np.ndarray]:
    """The ``bbox`` of every annotated person of a PoseTrack18 sequence
    file, score 1, keyed by image id (for evaluation with GT boxes)."""
    data = load_json(sequence_file, 'sequence file')
    if not isinstance(data, dict):
        raise ValueError(f'{sequence_file}: expected a PoseTrack18 sequence '
                         f'file (a dict with "annotations")')
    boxes: Dict[object, list] = {}
    for i, ann in enumerate(data.get('annotations') or []):
        box = ann.get('bbox')
        if box is None:
            continue
        if len(box) != 4:
            raise ValueError(f'{sequence_file}: annotations[{i}]: "bbox" '
                             f'must be [x, y, w, h], got {box!r}')
        boxes.setdefault(ann['image_id'], []).append(list(box) + [1.0])
    return _xyxy_by_key(boxes)


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


def mmcv_has_cuda_ops() -> bool:
    """Whether the installed mmcv was compiled with its CUDA ops (run.py
    compiles CPU ops where it finds no matching nvcc: docs/installation.md,
    "GPU machines")."""
    from mmcv.ops import get_compiling_cuda_version
    return get_compiling_cuda_version() != 'not available'


def detector_device(device: str, has_cuda_ops: Optional[bool] = None) -> str:
    """The device the person detector runs on: ``device``, except a CUDA
    device when mmcv has no CUDA ops: MMDetection's NMS is an mmcv op and
    would fail there ("implementation for device cuda:0 not found"), so the
    detector runs on CPU and the log says so (the pose model stays on
    ``device``; it uses no mmcv op)."""
    if not str(device).startswith('cuda'):
        return device
    if has_cuda_ops is None:
        has_cuda_ops = mmcv_has_cuda_ops()
    if has_cuda_ops:
        return device
    print_log(
        f'mmcv was compiled without CUDA ops, so the person detector runs '
        f'on CPU (its NMS is an mmcv op); the pose model runs on {device}. '
        'For the detector on the GPU, compile mmcv with CUDA ops '
        '(docs/installation.md, "GPU machines").',
        logger='current',
        level=logging.WARNING)
    return 'cpu'


class MMDetBoxes:
    """Person boxes from an MMDetection detector, run on batches of frames
    (MMPose's demo conventions: ``det_cat_id``, ``bbox_thr``, NMS 0.3), on
    ``detector_device(device)``."""

    def __init__(self,
                 config: str,
                 checkpoint: Optional[str],
                 device: str = 'cpu',
                 det_cat_id: int = 0,
                 bbox_thr: float = 0.3,
                 nms_thr: float = 0.3):
        require_mmdet()
        from mmdet.apis import init_detector
        from mmengine.registry import DefaultScope
        from mmpose.utils import adapt_mmdet_pipeline

        # init_detector makes 'mmdet' the default scope; keep the caller's,
        # or everything built later in mmpose's registries (the visualiser)
        # would be looked up in mmdet's
        with DefaultScope.overwrite_default_scope('mmdet'):
            self.model = init_detector(
                resolve_config_path(config),
                checkpoint,
                device=detector_device(device))
        if checkpoint is None:
            print_log(
                f'the detector {config} has no checkpoint: RANDOM weights, '
                'its boxes mean nothing (give its weights: det_weights, '
                '--det-checkpoint)',
                logger='current',
                level=logging.WARNING)
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
