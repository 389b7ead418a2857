# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""HiEveMetric: the local HiEve evaluation (``functional/hieve_eval.py``)
and HiEve's submission files.

Predictions are grouped by frame (``<video>/<frame file>``). With
``outfile_prefix`` every video's predictions are written in HiEve's layout
(``posetrack_format.hieve_submission``: one ``<video>.json`` per video, image
names as the frames' file names) and zipped into ``<outfile_prefix>.zip``,
the form the challenge server takes. ``ann_dir`` (converted per-video files
with annotations, e.g. the local validation split) is evaluated;
``format_only`` writes the files only (the test split, whose annotations
are not public), listing every frame of ``ann_dir``'s files.
"""
import json
import os
import os.path as osp
import zipfile
from collections import defaultdict
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmpose.registry import METRICS

from ...posetrack_format import (HIEVE_KEYPOINTS, PoseTrackFile, check_outputs,
                                 frame_key, hieve_submission,
                                 read_posetrack_file)
from ..functional.hieve_eval import evaluate_hieve

__all__ = ['HiEveMetric']

_K = len(HIEVE_KEYPOINTS)
_MISSING = ('error', 'skip', 'missed')


@METRICS.register_module()
class HiEveMetric(BaseMetric):
    """Local HiEve AP, and HiEve submission files.

    Args:
        ann_dir (str): folder of converted per-video files
            (``tools/dataset_converters/hieve_to_posetrack.py``): the
            frames to evaluate (or, with ``format_only``, to list).
        outfile_prefix (str, optional): write ``<outfile_prefix>/<video>.
            json`` in HiEve's layout and ``<outfile_prefix>.zip``.
        format_only (bool): only write the files; needs
            ``outfile_prefix``. Defaults to False.
        keypoint_score_thr (float, optional): joints scored below it are
            left out of the submission files (HiEve's files omit absent
            joints). Defaults to None (all written).
        missing_videos (str): what to do with videos of ``ann_dir`` no
            frame of which was predicted: ``'error'`` (default) refuses,
            naming them; ``'skip'`` leaves them out (logged); ``'missed'``
            scores their people as missed (and writes them empty).
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): key prefix. Defaults to ``'hieve'``.

    A joint's score is its keypoint score times the person's box score
    (the TDMI protocol), as ``PoseTrackMetric(protocol='tdmi')``.
    """
    default_prefix: Optional[str] = 'hieve'

    def __init__(self,
                 ann_dir: str,
                 outfile_prefix: Optional[str] = None,
                 format_only: bool = False,
                 keypoint_score_thr: Optional[float] = None,
                 missing_videos: str = 'error',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if format_only and not outfile_prefix:
            raise ValueError('format_only=True needs outfile_prefix (where '
                             'to write the submission files)')
        if missing_videos not in _MISSING:
            raise ValueError(f'missing_videos must be one of {_MISSING}, '
                             f'got {missing_videos!r}')
        if outfile_prefix:  # the folder and its zip, beside ann_dir
            check_outputs(
                [outfile_prefix, f'{outfile_prefix.rstrip(os.sep)}.zip'],
                [ann_dir], 'outfile_prefix')
        self.missing_videos = missing_videos
        self.ann_dir = ann_dir
        self.outfile_prefix = outfile_prefix
        self.format_only = format_only
        self.keypoint_score_thr = keypoint_score_thr
        self._ann: Optional[Dict[str, PoseTrackFile]] = None

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            pred = sample['pred_instances']
            kpts = np.asarray(pred['keypoints'])
            scores = np.asarray(pred['keypoint_scores'])
            if kpts.shape[1:] != (_K, 2):
                raise ValueError(f'{sample.get("img_path")}: HiEveMetric '
                                 f'needs {_K} keypoints, got {kpts.shape}')
            gt = sample.get('gt_instances', {})
            box_scores = np.asarray(
                pred.get('bbox_scores',
                         gt.get('bbox_scores', np.ones(len(kpts)))))
            boxes = pred.get('bboxes', gt.get('bboxes'))
            if boxes is None:
                boxes = np.concatenate([kpts.min(1), kpts.max(1)], axis=1)
            tids = pred.get('track_ids', np.full(len(kpts), -1))
            self.results.append(
                dict(
                    key=frame_key(sample['img_path']),
                    keypoints=kpts,
                    scores=scores * box_scores[:, None],
                    box_scores=box_scores,
                    boxes=np.asarray(boxes, float).reshape(-1, 4),
                    track_ids=np.asarray(tids)))

    def _videos(self) -> Dict[str, PoseTrackFile]:
        # read once: validation runs every epoch against the same files
        if self._ann is None:
            self._ann = self._read_videos()
        return self._ann

    def _read_videos(self) -> Dict[str, PoseTrackFile]:
        """Every ``*.json`` of ``ann_dir``, read and checked by the shared
        reader with HiEve's 14 keypoints; a file of other keypoints (a
        PoseTrack file) is refused, naming both lists."""
        if not osp.isdir(self.ann_dir):
            raise ValueError(f'{self.ann_dir}: not a folder of converted '
                             'HiEve files')
        videos = {}
        for name in sorted(os.listdir(self.ann_dir)):
            if not name.endswith('.json'):
                continue
            path = osp.join(self.ann_dir, name)
            file = read_posetrack_file(
                path, keypoints=HIEVE_KEYPOINTS, default_names=HIEVE_KEYPOINTS)
            if file.annolist or file.keypoint_names not in (
                    None, list(HIEVE_KEYPOINTS)):
                raise ValueError(
                    f'{path}: not a converted HiEve file: its keypoints are '
                    f'{file.keypoint_names or "PoseTrack17 joint ids"}, '
                    f'HiEve\'s are the {_K} {list(HIEVE_KEYPOINTS)} '
                    f'(tools/dataset_converters/hieve_to_posetrack.py writes '
                    f'them)')
            videos[osp.splitext(name)[0]] = file
        if not videos:
            raise ValueError(f'{self.ann_dir}: no .json files')
        return videos

    def _covered(self, videos: Dict[str, PoseTrackFile], per_frame,
                 logger) -> Dict[str, PoseTrackFile]:
        """Apply ``missing_videos`` to videos with no predicted frame."""
        missing = [
            name for name, file in videos.items()
            if not any(frame_key(f.name) in per_frame for f in file.frames)
        ]
        if not missing or self.missing_videos == 'missed':
            return videos
        what = (f'{len(missing)} of the {len(videos)} videos in '
                f'{self.ann_dir} have no predicted frame: {missing[:5]}')
        if self.missing_videos == 'error':
            raise ValueError(
                f'{what}. Point ann_dir at the videos the dataset predicts, '
                f'or set missing_videos=\'skip\' (leave them out) or '
                f'\'missed\' (score their people as missed)')
        logger.warning(f'{what}; they are left out (missing_videos=skip)')
        return {k: v for k, v in videos.items() if k not in missing}

    def compute_metrics(self, results: list) -> Dict[str, float]:
        logger = MMLogger.get_current_instance()
        per_frame = defaultdict(list)
        for res in results:
            per_frame[res['key']].append(res)
        videos = self._videos()
        known = {
            frame_key(f.name)
            for file in videos.values()
            for f in file.frames
        }
        unknown = sorted(set(per_frame) - known)
        if unknown:
            raise ValueError(f'predictions for frames not in {self.ann_dir}:'
                             f' {unknown[:5]}')
        videos = self._covered(videos, per_frame, logger)
        if self.outfile_prefix:
            self._write_submission(videos, per_frame, logger)
        if self.format_only:
            return {}
        pairs = []
        for file in videos.values():
            video = []
            for frame in file.frames:
                if not frame.is_labeled:
                    continue
                preds = per_frame.get(frame_key(frame.name), [])
                pred = np.zeros((0, _K, 3))
                if preds:
                    pred = np.concatenate([
                        np.concatenate(
                            [p['keypoints'], p['scores'][..., None]], axis=2)
                        for p in preds
                    ])
                video.append((frame.keypoints, pred))
            pairs.append(video)
        metrics = evaluate_hieve(pairs)
        logger.info('HiEve local evaluation (not the official metric: '
                    'docs/evaluation.md): Total AP '
                    f'{metrics["Total AP"]:.2f}')
        return metrics

    def _write_submission(self, videos, per_frame, logger) -> None:
        os.makedirs(self.outfile_prefix, exist_ok=True)
        paths = []
        for video, file in videos.items():
            names = [osp.basename(f.name) for f in file.frames]
            people = {}
            for im, name in zip(file.frames, names):
                frame = [(k, ks, b, s, t)
                         for r in per_frame.get(frame_key(im.name), [])
                         for k, ks, b, s, t in
                         zip(r['keypoints'], r['scores'], r['boxes'],
                             r['box_scores'], r['track_ids'])]
                # without track ids, people get their index in the frame
                people[name] = [
                    dict(
                        track_id=int(t) if t >= 0 else i,
                        bbox=b,
                        score=float(s),
                        keypoints=k,
                        keypoint_scores=ks)
                    for i, (k, ks, b, s, t) in enumerate(frame)
                ]
            path = osp.join(self.outfile_prefix, f'{video}.json')
            with open(path, 'w') as f:
                json.dump(
                    hieve_submission(names, people, self.keypoint_score_thr),
                    f)
            paths.append(path)
        archive = f'{self.outfile_prefix.rstrip(os.sep)}.zip'
        with zipfile.ZipFile(archive, 'w', zipfile.ZIP_DEFLATED) as z:
            for path in paths:
                z.write(path, osp.basename(path))
        logger.info(f'HiEve submission files: {self.outfile_prefix} '
                    f'({len(paths)} videos), zipped into {archive}')
