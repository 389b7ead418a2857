# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrackMetric: PoseTrack per-joint AP (and MOTA or HOTA) without the
official tools.

MMPose's ``PoseTrack18Metric`` exports files and then calls poseval, which
is not on PyPI, and its configs save the best checkpoint by a key it never
emits. This metric writes the same PoseTrack18 prediction files (one per
sequence, for the test server or the official tool), and evaluates exactly
those files with ``tdmi_mmpose.evaluation.functional``, whose numbers equal
poseval's (``official_kit='poseval'``, PoseTrack17/18) or PoseTrack21's own
kit's (``official_kit='posetrack21'``: its AP and, with ``track``, HOTA).

Predictions are matched to ground-truth frames by the last two components
of ``img_path`` (``<sequence>/<frame file>``), against the frame names of
the ground-truth files in ``gt_dir``.

Two scoring protocols:

- ``'tdmi'`` (TDMI, DCPose, PoseWarper): every instance is kept
  (no pose NMS); the joint score written and ranked is the keypoint score
  times the person box score.
- ``'mmpose'`` (MMPose's PoseTrack18Metric): the instance score is the box
  score times the mean keypoint score above ``keypoint_score_thr``;
  OKS-NMS at ``nms_thr`` per frame (MMPose's ``oks_nms``); the joint score
  is the raw keypoint score.
"""
import json
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmpose.evaluation.functional import oks_nms
from mmpose.registry import METRICS

from ...posetrack_format import (box_weighted_scores, check_outputs, frame_key,
                                 posetrack18_annotation, posetrack18_file)
from ..functional import (PT18_KEYPOINTS, FrameSubset, SequenceData,
                          evaluate_posetrack, format_table,
                          load_sequence_folder, parse_sequence,
                          pt18_name_to_joint, summarize)

__all__ = ['PoseTrackMetric']

_PROTOCOLS = ('tdmi', 'mmpose')
_KITS = ('poseval', 'posetrack21')
_MISSING = ('error', 'skip', 'missed')


@METRICS.register_module()
class PoseTrackMetric(BaseMetric):
    """PoseTrack AP / MOTA, equal to the official tool.

    Args:
        gt_dir (str): folder of ground-truth sequence files (PoseTrack17
            ``annolist`` or PoseTrack18/21 format), e.g.
            ``data/posetrack18/annotations/val``.
        protocol (str): ``'tdmi'`` or ``'mmpose'`` (see the module
            docstring). Defaults to ``'tdmi'``.
        keypoint_score_thr (float): keypoints above it count in the
            ``'mmpose'`` rescoring. Defaults to 0.2.
        nms_thr (float): OKS threshold of the ``'mmpose'`` protocol's NMS.
            Defaults to 0.9.
        track (bool): also compute MOTA (poseval) or HOTA (PoseTrack21's
            kit); needs ``pred_instances.track_ids``. Defaults to False.
        official_kit (str): the official evaluation the numbers equal:
            ``'poseval'`` (PoseTrack17/18, default) or ``'posetrack21'``
            (PoseTrack21's kit; needs PoseTrack21 ground truth with
            ``is_labeled``, ignore regions and ``bbox_head``; its keys add
            ``<Group> Precision`` / ``Recall`` and, with ``track``,
            ``HOTA``, ``DetA``, ``AssA``, ``LocA``, ...).
        outfile_prefix (str, optional): folder to write the per-sequence
            prediction files to. Defaults to None (not kept). It may not be
            ``gt_dir`` or lie inside it (the files would replace or join the
            ground truth).
        missing_sequences (str): what to do with ground-truth sequences
            for which no frame was predicted (a ``gt_dir`` with more
            videos than the dataset, or with a merged file in it):
            ``'error'`` (default) refuses, naming them, as
            ``tools/misc/eval_posetrack.py`` refuses a missing prediction file;
            ``'skip'`` evaluates the predicted sequences only and warns,
            naming the others; ``'missed'`` scores them as sequences
            without any detection (what the official tool does with empty
            prediction files).
        frame_subsets (dict, optional): ``{name: subset}``; the metric also
            evaluates on each subset of ground-truth frames and reports
            ``<name>/Total AP`` etc. (``posetrack/<name>/Total AP``). A
            subset is a list of image ids or file names, a dict with
            ``frames`` and/or ``where`` (field values of the ground-truth
            image entries, e.g. ``dict(where=dict(degraded='blur'))``), or
            a JSON file holding one (see ``FrameSubset``). Names not in the
            ground truth are refused; a subset that selects no labelled
            frame reports NaN with a warning. ``num_frames`` and
            ``<name>/num_frames`` give the frames evaluated. Defaults to
            None.
        format_only (bool): only write the files (test-set submission);
            needs ``outfile_prefix``. Defaults to False.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): key prefix. Defaults to ``'posetrack'``, so
            ``save_best='posetrack/Total AP'``.
    """
    default_prefix: Optional[str] = 'posetrack'

    def __init__(self,
                 gt_dir: str,
                 protocol: str = 'tdmi',
                 keypoint_score_thr: float = 0.2,
                 nms_thr: float = 0.9,
                 track: bool = False,
                 official_kit: str = 'poseval',
                 outfile_prefix: Optional[str] = None,
                 format_only: bool = False,
                 missing_sequences: str = 'error',
                 frame_subsets: Optional[Dict[str, object]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if protocol not in _PROTOCOLS:
            raise ValueError(f'protocol must be one of {_PROTOCOLS}, got '
                             f'{protocol!r}')
        if official_kit not in _KITS:
            raise ValueError(f'official_kit must be one of {_KITS}, got '
                             f'{official_kit!r}')
        if official_kit == 'posetrack21' and frame_subsets:
            raise ValueError('frame_subsets belong to the poseval '
                             "evaluation; official_kit='posetrack21' takes "
                             'none')
        if not 0 <= nms_thr <= 1:
            raise ValueError(f'nms_thr must be in [0, 1], got {nms_thr}')
        if format_only and not outfile_prefix:
            raise ValueError('format_only=True needs outfile_prefix (the '
                             'folder to write the prediction files to)')
        if missing_sequences not in _MISSING:
            raise ValueError(f'missing_sequences must be one of {_MISSING}, '
                             f'got {missing_sequences!r}')
        if outfile_prefix:
            check_outputs([outfile_prefix], [gt_dir], 'outfile_prefix')
        self.gt_dir = gt_dir
        self.protocol = protocol
        self.keypoint_score_thr = keypoint_score_thr
        self.nms_thr = nms_thr
        self.track = track
        self.official_kit = official_kit
        self.outfile_prefix = outfile_prefix
        self.format_only = format_only
        self.missing_sequences = missing_sequences
        self.frame_subsets = {}
        for name, spec in (frame_subsets or {}).items():
            if not isinstance(name, str) or not name or '/' in name:
                raise ValueError(f'frame_subsets: names must be non-empty '
                                 f'strings without "/", got {name!r}')
            self.frame_subsets[name] = FrameSubset.build(spec, name)
        self._gt: Optional[List[SequenceData]] = None
        self._gt21: Dict[str, dict] = {}

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        """Keep each sample's predicted instances, keyed by its frame."""
        for sample in data_samples:
            pred = sample['pred_instances']
            keypoints = np.asarray(pred['keypoints'])  # (N, K, 2)
            scores = np.asarray(pred['keypoint_scores'])  # (N, K)
            if scores.shape != keypoints.shape[:2]:
                raise ValueError(f'{sample.get("img_path")}: keypoint_scores '
                                 f'{scores.shape} do not match keypoints '
                                 f'{keypoints.shape}')
            bbox_scores = self._bbox_scores(sample, len(keypoints))
            gt = sample.get('gt_instances', {})
            if 'bbox_scales' in gt and len(
                    gt['bbox_scales']) == len(keypoints):
                areas = np.prod(np.asarray(gt['bbox_scales']), axis=1)
            else:
                extent = keypoints.max(axis=1) - keypoints.min(axis=1)
                areas = np.prod(extent, axis=1)
            track_ids = None
            if self.track:
                if 'track_ids' not in pred:
                    raise ValueError(
                        f'{sample.get("img_path")}: track=True needs '
                        'pred_instances.track_ids')
                track_ids = np.asarray(pred['track_ids'])
            self.results.append(
                dict(
                    key=frame_key(sample['img_path']),
                    img_path=sample['img_path'],
                    id=sample.get('id'),
                    keypoints=keypoints,
                    keypoint_scores=scores,
                    bbox_scores=bbox_scores,
                    areas=areas,
                    track_ids=track_ids))

    @staticmethod
    def _bbox_scores(sample: dict, num: int) -> np.ndarray:
        # as MMPose's CocoMetric: the model's box scores, else the person
        # detector's (top-down), else 1
        pred, gt = sample['pred_instances'], sample.get('gt_instances', {})
        if 'bbox_scores' in pred:
            return np.asarray(pred['bbox_scores'], dtype=np.float64)
        if 'bbox_scores' in gt and len(gt['bbox_scores']) == num:
            return np.asarray(gt['bbox_scores'], dtype=np.float64)
        return np.ones(num)

    # ------------------------------------------------------------------
    def compute_metrics(self, results: list) -> Dict[str, float]:
        logger = MMLogger.get_current_instance()
        names = self._keypoint_names()
        gt_seqs = self._load_gt()
        for subset in self.frame_subsets.values():
            subset.check(gt_seqs, allow_empty=True)
        per_frame = self._group_by_frame(results, gt_seqs)
        gt_seqs = self._predicted_sequences(gt_seqs, per_frame, logger)
        files = {
            seq.name: self._prediction_file(seq, per_frame, names)
            for seq in gt_seqs
        }
        if self.outfile_prefix:
            os.makedirs(self.outfile_prefix, exist_ok=True)
            for name, content in files.items():
                with open(osp.join(self.outfile_prefix, f'{name}.json'),
                          'w') as f:
                    json.dump(content, f)
            logger.info(f'PoseTrack prediction files written to '
                        f'{self.outfile_prefix}')
        if self.format_only:
            return {}
        if self.official_kit == 'posetrack21':
            return self._posetrack21(gt_seqs, files, logger)
        preds = [
            parse_sequence(files[seq.name], f'<predictions for {seq.name}>',
                           seq.name) for seq in gt_seqs
        ]
        result = evaluate_posetrack(gt_seqs, preds, track=self.track)
        logger.info(f'PoseTrack evaluation ({self.protocol} protocol, '
                    f'{len(gt_seqs)} sequences):\n' + format_table(result))
        metrics = summarize(result)
        metrics['num_frames'] = float(result['num_frames'])
        for name, subset in self.frame_subsets.items():
            part = evaluate_posetrack(
                gt_seqs, preds, track=self.track, frames=subset)
            if not part['num_frames']:
                logger.warning(f'frame subset {name!r} selects no labelled '
                               'frame of the evaluated sequences: its '
                               'numbers are NaN')
                metrics.update(
                    {f'{name}/{k}': float('nan')
                     for k in summarize(result)})
                metrics[f'{name}/num_frames'] = 0.
                continue
            logger.info(f'PoseTrack evaluation on the frame subset {name!r} '
                        f'({part["num_frames"]} of {result["num_frames"]} '
                        'frames):\n' + format_table(part))
            metrics.update({
                f'{name}/{k}': v
                for k, v in summarize(part).items()
            })
            metrics[f'{name}/num_frames'] = float(part['num_frames'])
        return metrics

    def _posetrack21(self, gt_seqs: List[SequenceData], files: dict,
                     logger) -> Dict[str, float]:
        """PoseTrack21's kit on the written files against the raw
        ground-truth files (its reader needs their PoseTrack21 fields)."""
        from ..functional.posetrack21_eval import (evaluate_posetrack21,
                                                   format_table21,
                                                   read_posetrack21_pair,
                                                   summarize_posetrack21)
        pairs = []
        for seq in gt_seqs:
            path = osp.join(self.gt_dir, f'{seq.name}.json')
            if path not in self._gt21:  # read once, as _load_gt
                with open(path) as f:
                    self._gt21[path] = json.load(f)
            pairs.append(
                read_posetrack21_pair(self._gt21[path], files[seq.name],
                                      f'{seq.name}.json', path,
                                      f'<predictions for {seq.name}>'))
        result = evaluate_posetrack21(pairs, track=self.track)
        logger.info(f'PoseTrack21 evaluation (the official kit\'s, '
                    f'{self.protocol} protocol, {len(gt_seqs)} sequences):'
                    f'\n' + format_table21(result))
        metrics = summarize_posetrack21(result)
        metrics['num_frames'] = float(result['num_frames'])
        return metrics

    def _predicted_sequences(self, gt_seqs: List[SequenceData],
                             per_frame: dict, logger) -> List[SequenceData]:
        """Apply ``missing_sequences`` to sequences with no prediction."""
        missing = [
            seq.name for seq in gt_seqs
            if not any(frame_key(f.name) in per_frame for f in seq.frames)
        ]
        if not missing or self.missing_sequences == 'missed':
            return gt_seqs
        what = (f'{len(missing)} of the {len(gt_seqs)} ground-truth '
                f'sequences in {self.gt_dir} have no predicted frame: '
                f'{missing[:10]}{" ..." if len(missing) > 10 else ""}')
        if self.missing_sequences == 'error':
            raise ValueError(
                f'{what}. Point gt_dir at the per-sequence files of the '
                f'videos the dataset holds, or set missing_sequences='
                f'\'skip\' (evaluate the predicted ones) or \'missed\' '
                f'(score them as missed, as the official tool would)')
        logger.warning(f'{what}; they are left out of the evaluation '
                       f"(missing_sequences='skip')")
        kept = [seq for seq in gt_seqs if seq.name not in set(missing)]
        if not kept:
            raise ValueError(f'{what}: nothing left to evaluate')
        return kept

    def _keypoint_names(self) -> List[str]:
        meta = self.dataset_meta or {}
        if 'keypoint_id2name' in meta:
            id2name = meta['keypoint_id2name']
            names = [id2name[i] for i in range(len(id2name))]
        else:
            names = list(PT18_KEYPOINTS)
        try:
            [pt18_name_to_joint(n) for n in names]
        except KeyError as e:
            raise ValueError(
                f'PoseTrackMetric needs PoseTrack keypoint names; the '
                f'dataset has {e.args[0]!r} (all: {names})') from None
        return names

    def _load_gt(self) -> List[SequenceData]:
        # read once: validation runs every epoch against the same files
        if self._gt is None:
            self._gt = load_sequence_folder(self.gt_dir)
        return self._gt

    def _group_by_frame(self, results: list,
                        gt_seqs: List[SequenceData]) -> Dict[str, list]:
        known = {frame_key(f.name) for seq in gt_seqs for f in seq.frames}
        per_frame: Dict[str, list] = defaultdict(list)
        seen = set()
        for res in results:
            if res['key'] not in known:
                raise ValueError(
                    f'prediction for {res["img_path"]}: no frame '
                    f'{res["key"]!r} in the ground truth of {self.gt_dir} '
                    f'(frames are matched by "<sequence>/<file>", e.g. '
                    f'{next(iter(known))!r})')
            # distributed samplers may repeat samples: keep the first
            if res['id'] is not None:
                if (res['key'], res['id']) in seen:
                    continue
                seen.add((res['key'], res['id']))
            per_frame[res['key']].append(res)
        return per_frame

    def _score_instances(self, entries: list) -> tuple:
        """Return (N, K, 2) keypoints, (N, K) joint scores, (N, ) person
        scores and (N, ) track ids of one frame, after the protocol."""
        kpts = np.concatenate([e['keypoints'] for e in entries])
        kpt_scores = np.concatenate([e['keypoint_scores'] for e in entries])
        box = np.concatenate([e['bbox_scores'] for e in entries])
        areas = np.concatenate([e['areas'] for e in entries])
        tids = (
            np.concatenate([e['track_ids'] for e in entries])
            if self.track else np.arange(len(kpts)))
        if self.protocol == 'tdmi':
            return kpts, box_weighted_scores(kpt_scores, box), box, tids
        valid = kpt_scores > self.keypoint_score_thr
        mean_valid = np.where(
            valid.any(1),
            (kpt_scores * valid).sum(1) / np.maximum(valid.sum(1), 1), 0.0)
        person = box * mean_valid
        instances = [
            dict(
                keypoints=np.concatenate([k, s[:, None]], axis=1),
                score=p,
                area=a) for k, s, p, a in zip(kpts, kpt_scores, person, areas)
        ]
        sigmas = (self.dataset_meta or {}).get('sigmas')
        keep = np.asarray(
            oks_nms(instances, self.nms_thr, sigmas=sigmas), dtype=int)
        return kpts[keep], kpt_scores[keep], person[keep], tids[keep]

    def _prediction_file(self, seq: SequenceData, per_frame: dict,
                         names: List[str]) -> dict:
        """One sequence's predictions in PoseTrack18 format, with the
        ground truth's images in its order."""
        images, annotations = [], []
        for idx, frame in enumerate(seq.frames):
            image_id = frame.image_id if frame.image_id is not None else idx
            images.append(dict(id=image_id, file_name=frame.name))
            entries = per_frame.get(frame_key(frame.name))
            if not entries:
                continue
            kpts, scores, person, tids = self._score_instances(entries)
            annotations += [
                posetrack18_annotation(image_id, k, s, p, t)
                for k, s, p, t in zip(kpts, scores, person, tids)
            ]
        return posetrack18_file(images, annotations, names)
