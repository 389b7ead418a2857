# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""VideoPoseInferencer: MMPose's inferencer conventions for a video model.

As ``mmpose.apis.MMPoseInferencer``: built from a config (and weights), a
person detector by default (MMPose's own default for its ``'human'`` alias,
the RTMDet-m person model its inferencer downloads), called on inputs with
``bbox_thr``, ``vis_out_dir``, ``pred_out_dir``, ``return_vis``, ``show``,
it yields one dict per frame, ``{'predictions': [...], 'visualization':
[...]}``, each prediction a dict with ``keypoints``, ``keypoint_scores``,
``bbox``, ``bbox_score`` as MMPose's ``split_instances`` writes them, plus
``track_id``. It does not subclass MMPose's inferencers: those run one
image at a time, while a key frame here needs its neighbours (the stream is
``iter_video``'s), and MMPose's alias table (``MMPoseInferencer``'s
``pose2d`` names) reads MMPose's own metafiles, which a plugin cannot
extend without patching MMPose.
"""
from typing import Dict, Iterator, Optional, Sequence, Union

import numpy as np

from .boxes import MMDetBoxes, ground_truth_boxes, load_box_file
from .options import check_box_table, check_fast_options, check_fraction
from .run import iter_video
from .tracking import FAST_MODES, fast_mode_of

__all__ = ['VideoPoseInferencer', 'default_person_detector']

InputType = Union[str, Sequence[Union[str, np.ndarray]]]


def default_person_detector() -> Dict[str, object]:
    """MMPose's default detector for its ``'human'`` alias: config path,
    weights URL and category ids (``mmpose/apis/inferencers/utils/
    default_det_models.py``)."""
    from mmpose.apis.inferencers.utils.default_det_models import \
        default_det_models
    return dict(default_det_models['human'])


class NoPersonDetector(RuntimeError):
    """The default person detector could not be loaded (offline)."""


class VideoPoseInferencer:
    """Pose estimation and tracking on videos with a TDMI model.

    Args:
        pose2d (str): the model's config file.
        pose2d_weights (str, optional): its checkpoint; None keeps random
            weights (a warning is the caller's).
        det_model (str, optional): an MMDetection config (``package::path``
            works); None: MMPose's default person detector (downloaded on
            first use), unless the call gives ``bboxes``.
        det_weights (str, optional): the detector's checkpoint; with
            ``det_model=None``, MMPose's default's.
        det_cat_ids (int | tuple, optional): the person category; default
            0 (COCO's person).
        device (str, optional): e.g. ``'cpu'``, ``'cuda:0'``; None picks
            CUDA when available.
        fast (bool | str): the video tool's fast mode (``--fast``):
            ``'resample'`` (or True) or ``'window'``; False (default): the
            exact mode (see ``VideoPoseTracker``).
        fast_options (dict, optional): that mode's options
            (``WindowModeEstimator``'s ``margin``, ``scale_tol``;
            ``ResampleModeEstimator``'s ``min_iou``, ...).
        backend (str): ``'torch'`` or ``'onnxruntime'`` (with ``onnx``, a
            file of ``tools/deployment/export_onnx.py``).
        onnx (str, optional): the exported model for ``'onnxruntime'``.
    """

    def __init__(self,
                 pose2d: str,
                 pose2d_weights: Optional[str] = None,
                 det_model: Optional[str] = None,
                 det_weights: Optional[str] = None,
                 det_cat_ids: Optional[Union[int, Sequence[int]]] = None,
                 device: Optional[str] = None,
                 fast: Union[bool, str] = False,
                 fast_options: Optional[dict] = None,
                 backend: str = 'torch',
                 onnx: Optional[str] = None) -> None:
        import torch
        from mmpose.apis import init_model

        # the model, its data transforms and codecs are registered: this
        # module is part of the package, whose import registers them all
        if device is None:
            device = 'cuda:0' if torch.cuda.is_available() else 'cpu'
        self.device = device
        self.model = init_model(pose2d, pose2d_weights, device=device)
        if not hasattr(self.model, 'num_frames'):
            raise ValueError(f'{pose2d} is not a video model (a '
                             'VideoTopdownPoseEstimator config)')
        if backend not in ('torch', 'onnxruntime'):
            raise ValueError(f'backend must be torch or onnxruntime, got '
                             f'{backend!r}')
        if (backend == 'onnxruntime') != bool(onnx):
            raise ValueError('backend onnxruntime and onnx=FILE go together')
        if backend == 'onnxruntime':
            if fast:
                raise ValueError('the fast mode runs the torch model (the '
                                 'exported file takes whole clips)')
            from ..onnx_backend import OnnxRuntimeVideoEstimator
            self.model = OnnxRuntimeVideoEstimator(self.model, onnx)
        self.onnx = onnx
        if isinstance(det_cat_ids, (list, tuple)):
            if len(det_cat_ids) != 1:
                raise ValueError(f'det_cat_ids: one person category, got '
                                 f'{det_cat_ids}')
            det_cat_ids = det_cat_ids[0]
        self.det_model, self.det_weights = det_model, det_weights
        self.det_cat_id = 0 if det_cat_ids is None else int(det_cat_ids)
        self.fast = fast_mode_of(fast)
        self.fast_options = check_fast_options(self.fast, fast_options)
        if self.fast:  # a bad option fails here, not at the first video
            FAST_MODES[self.fast](self.model, **self.fast_options)
        self._detector = None

    def detector(self, bbox_thr: float) -> MMDetBoxes:
        """The person detector, built on first use (MMPose's default when
        none was given)."""
        if self._detector is None:
            config, weights = self.det_model, self.det_weights
            if config is None:
                default = default_person_detector()
                config, weights = default['model'], default['weights']
                self.det_cat_id = int(default['cat_ids'][0])
            try:
                self._detector = MMDetBoxes(config, weights, self.device,
                                            self.det_cat_id, bbox_thr)
            except Exception as e:  # download, file or config error
                if self.det_model is not None:
                    raise
                raise NoPersonDetector(
                    f'MMPose\'s default person detector ({weights}) could '
                    f'not be loaded ({type(e).__name__}: {e}). Offline, give '
                    'person boxes instead: bboxes=<box file> (video tool: '
                    '--bboxes FILE), the ground truth of a PoseTrack '
                    'sequence (--gt-bboxes), or a local detector '
                    '(det_model / det_weights; --det-config, '
                    '--det-checkpoint)') from e
        return self._detector

    def __call__(self,
                 inputs: InputType,
                 bboxes: Optional[Union[str, dict]] = None,
                 bbox_thr: Optional[float] = None,
                 kpt_thr: float = 0.3,
                 vis_out_dir: str = '',
                 pred_out_dir: str = '',
                 return_vis: bool = False,
                 show: bool = False,
                 tracking: str = 'iou',
                 track_thr: float = 0.3,
                 data_root: Optional[str] = None,
                 fps: Optional[float] = None,
                 det_batch: int = 8,
                 progress: bool = False,
                 summary: Optional[dict] = None) -> Iterator[dict]:
        """Estimate and track people frame by frame.

        Args:
            inputs: a video file, a folder of frames, a PoseTrack sequence
                file, or a list of BGR images or image paths.
            bboxes: person boxes instead of the detector: a box file
                (MMPose's detection format or PoseWarper/DCPose's
                ``val_boxes.json``), ``'gt'`` for a PoseTrack sequence's
                ground truth, or a dict ``{image id | frame key: (N, 5)
                boxes}``.
            bbox_thr: boxes below are dropped (default: the detector's
                0.3, a box file's the config's test threshold, ground
                truth 0).
            kpt_thr: joints drawn above this score.
            vis_out_dir: write ``<name>.mp4`` with the people drawn here.
            pred_out_dir: write ``<name>.json`` (PoseTrack18, track ids).
            return_vis: put the drawn frame in ``'visualization'``.
            show: display each drawn frame (OpenCV window).
            tracking: ``'iou'`` or ``'oks'``.
            track_thr: least IoU / OKS to continue a track.
            summary: a dict that receives ``iter_video``'s summary.

        Yields:
            dict: ``predictions`` (the frame's people) and
            ``visualization`` (``[drawn frame]`` with ``return_vis``).
        """
        import cv2
        if bbox_thr is not None:
            check_fraction('bbox_thr', bbox_thr)
        inputs_read, boxes_from = [], None
        if bboxes is None:
            thr = 0.3 if bbox_thr is None else bbox_thr
            source = self.detector(thr)
        elif isinstance(bboxes, str) and bboxes == 'gt':
            thr = 0.0 if bbox_thr is None else bbox_thr
            source = ground_truth_boxes(inputs)
        elif isinstance(bboxes, str):
            thr = self.model.cfg.test_dataloader.dataset.get(
                'bbox_score_thr', 0.2) if bbox_thr is None else bbox_thr
            source = check_box_table(load_box_file(bboxes), bboxes)
            inputs_read.append(bboxes)
            boxes_from = bboxes
        else:
            thr = 0.0 if bbox_thr is None else bbox_thr
            source = check_box_table(bboxes)
            boxes_from = 'the bboxes dict'
        stream = iter_video(
            self.model,
            inputs,
            source,
            vis_out_dir or None,
            pred_root=pred_out_dir or None,
            bbox_thr=thr,
            save_predictions=bool(pred_out_dir),
            render=bool(vis_out_dir),
            draw=return_vis or show,
            kpt_thr=kpt_thr,
            data_root=data_root,
            progress=progress,
            fps=fps,
            inputs=tuple(inputs_read + ([self.onnx] if self.onnx else [])),
            summary=summary,
            track_method=tracking,
            track_thr=track_thr,
            det_batch=det_batch,
            fast=self.fast or False,
            fast_options=self.fast_options,
            boxes_from=boxes_from)
        for frame, people, drawn in stream:
            if show and drawn is not None:
                cv2.imshow('tdmi_mmpose', drawn)
                cv2.waitKey(1)
            yield dict(
                predictions=[_prediction(p) for p in people],
                visualization=[drawn] if return_vis else [])


def _prediction(person) -> dict:
    """One person as MMPose's ``split_instances`` writes it (``bbox`` a
    one-element tuple holding the box, as there), with ``track_id``."""
    inst = person.pred_instances
    return dict(
        keypoints=np.asarray(inst.keypoints)[0].tolist(),
        keypoint_scores=np.asarray(inst.keypoint_scores)[0].tolist(),
        bbox=(np.asarray(inst.bboxes)[0].tolist(), ),
        bbox_score=float(np.asarray(inst.bbox_scores).reshape(-1)[0]),
        track_id=int(person.track_id))
