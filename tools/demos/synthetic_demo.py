# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The main job on the embedded default data (``python3 run.py demo``): the
paper's two-stage protocol at toy size.

1. self-check of the installation (versions, registered modules, mmcv ops,
   checkpoint loading);
2. generates the synthetic PoseTrack video set with irrelevant motion on
   (``data/synthetic_posetrack``: moving background objects, camera shake,
   passers-by; kept for later runs);
3. stage 1: trains the single-frame model (MMPose's TopdownPoseEstimator,
   ``configs/demo/single_frame_demo_synthetic.py``) on CPU and evaluates
   it on the synthetic validation split (detected boxes);
4. stage 2: the small TDMI of ``configs/demo/tdmi_demo_synthetic.py``
   (the recipes' method: the authors' nine MI terms, the noisy-motion MLP,
   the frozen BatchNorm with batch statistics) on stage 1's backbone,
   frozen, with the MI projector loaded from stage 1's final layer, and the
   same model without MI losses (``configs/ablations/without_mi_losses.py``),
   side by side in two processes of one torch thread each (a progress line
   every 100 iterations; each process's log in its work folder);
5. trains the recipe's TDMI parts and evaluates them, and an untrained
   model of the same config;
6. the same for the TDMI parts without MI losses (same seed);
7. renders the single-frame model and the recipe's TDMI on the same
   motion-blurred, occluded and nuisance-motion validation key frames,
   drawn by MMPose's visualiser, one row per model, to one PNG;
8. runs the video tool on one synthetic validation video with the recipe's
   TDMI (boxes from the synthetic detection file): a rendered video with
   track ids, its PoseTrack JSON, and that video's mAP and MOTA.

Then prints Total AP of the three models side by side on all key frames and
on the motion-blurred, occluded, clean and nuisance-motion ones, and the
time it took. Exits 1 if a TDMI model did not learn (less than
``--min-gain`` over its untrained AP), not if a model loses to another
(that is reported).

    python tools/demos/synthetic_demo.py [--iters N] [--seed 0] \
        [--work-dir work_dirs/demo]
"""
import argparse
import multiprocessing
import os
import os.path as osp
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import cv2
import numpy as np

# the checkout's research code (tdmi_research: the synthetic sets, the
# configs of the synthetic runs, the MI-term diagnostics) is not installed
sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CONFIGS = osp.join(ROOT, 'configs', 'demo')
STAGE1 = osp.join(DEMO_CONFIGS, 'single_frame_demo_synthetic.py')
STAGE2 = osp.join(DEMO_CONFIGS, 'tdmi_demo_synthetic.py')
WITHOUT_MI = osp.join(ROOT, 'configs', 'ablations', 'without_mi_losses.py')
RECIPE = "TDMI (recipe: authors' MI)"
NO_MI = 'TDMI, no MI'
SUBSETS = (('all', ''), ('blurred', 'blurred/'), ('occluded', 'occluded/'),
           ('clean', 'clean/'), ('nuisance', 'nuisance/'))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--iters',
        type=int,
        default=None,
        help='training iterations of each stage (default: the configs)')
    parser.add_argument(
        '--work-dir',
        default=osp.join(ROOT, 'work_dirs', 'demo'),
        help='checkpoints, pictures and videos (default: work_dirs/demo)')
    parser.add_argument(
        '--data-root',
        default=osp.join(ROOT, 'data', 'synthetic_posetrack'),
        help='the synthetic set, generated if missing (default: '
        'data/synthetic_posetrack)')
    parser.add_argument(
        '--min-gain',
        type=float,
        default=1.0,
        help='exit 1 unless training raised the mAP of each TDMI model by '
        'this over its untrained start (default: 1; a model that did not '
        'learn stays at its untrained mAP, about 1-2 here)')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='random seed of both stages (default: 0)')
    return parser.parse_args()


def pick_key_frames(data_root: str, count: int = 4) -> list:
    """Validation key frames where one frame is not enough, the first of
    each kind in turn (blurred, occluded, a passer-by, a moving object)
    until ``count``: each as (kind, clip frame paths t-1, t, t+1, detected
    boxes (N, 5) xywh + score >= 0.2)."""
    import json
    root = osp.join(data_root, 'annotations')
    with open(osp.join(root, 'posetrack18_val.json')) as f:
        data = json.load(f)
    with open(
            osp.join(data_root, 'detections',
                     'posetrack18_val_detections.json')) as f:
        dets = json.load(f)
    videos = {}
    for im in data['images']:
        videos.setdefault(osp.dirname(im['file_name']), []).append(im)
    by_kind = {}
    for images in videos.values():
        for k in range(1, len(images) - 1):
            im = images[k]
            kind = im.get('degraded') or im.get('nuisance')
            if kind and im['is_labeled']:
                by_kind.setdefault(kind, []).append((images, k))
    picked = []
    for i in range(count):
        for kind in ('blur', 'occluder', 'passer_by', 'object'):
            if len(picked) < count and len(by_kind.get(kind, [])) > i:
                picked.append((kind, *by_kind[kind][i]))
    frames = []
    for kind, images, k in picked:
        boxes = np.array([
            d['bbox'] + [d['score']] for d in dets
            if d['image_id'] == images[k]['id'] and d['score'] >= 0.2
        ],
                         dtype=np.float32).reshape(-1, 5)
        if len(boxes):
            clip = [
                osp.join(data_root, images[j]['file_name'])
                for j in (k - 1, k, k + 1)
            ]
            frames.append((kind, clip, boxes))
    return frames


def render(model, frames: list) -> np.ndarray:
    """One model's predictions on ``frames`` (of ``pick_key_frames``),
    drawn with MMPose's PoseLocalVisualizer, side by side (BGR). A video
    model reads each clip, a single-frame model its key frame."""
    from mmpose.apis import inference_topdown
    from mmpose.registry import VISUALIZERS
    from mmpose.structures import merge_data_samples

    from tdmi_mmpose.apis import inference_clip
    visualizer = VISUALIZERS.build(
        dict(
            type='PoseLocalVisualizer',
            name=f'demo_visualizer_{id(model)}',
            radius=2,
            line_width=1))
    visualizer.set_dataset_meta(model.dataset_meta)
    video = hasattr(model, 'num_frames')
    tiles = []
    for kind, clip, boxes in frames:
        if video:
            samples = inference_clip(model, clip, boxes, bbox_format='xywh')
        else:
            samples = inference_topdown(
                model, clip[1], boxes[:, :4], bbox_format='xywh')
        image = cv2.imread(clip[1])[..., ::-1]
        # every keypoint is drawn: the scores of a briefly trained model
        # rank rather than threshold (with the MI terms, peaks are low)
        visualizer.add_datasample(
            'demo',
            image,
            data_sample=merge_data_samples(samples),
            draw_gt=False,
            draw_bbox=True,
            show=False,
            kpt_thr=0.0)
        tile = visualizer.get_image()[..., ::-1].copy()
        cv2.putText(tile, kind, (4, tile.shape[0] - 6),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1,
                    cv2.LINE_AA)
        tiles.append(tile)
    return np.concatenate(tiles, axis=1)


def labelled(strip: np.ndarray, label: str) -> np.ndarray:
    """``strip`` under a white band naming the model."""
    band = np.full((18, strip.shape[1], 3), 255, np.uint8)
    cv2.putText(band, label, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0),
                1, cv2.LINE_AA)
    return np.concatenate([band, strip], axis=0)


def track_one_video(model, data_root: str, out_dir: str) -> dict:
    """The video tool's API on the first validation sequence: rendered
    video (every keypoint drawn), PoseTrack JSON, and that video's AP and
    MOTA by our metric (poseval's), and HOTA (PoseTrack21's kit) where the
    ground truth is in PoseTrack21's form, as the synthetic set's is."""
    from tdmi_mmpose.apis.video import load_box_file, run_video, score_sequence
    gt_dir = osp.join(data_root, 'annotations', 'val')
    sequence = sorted(f for f in os.listdir(gt_dir) if f.endswith('.json'))[0]
    boxes = load_box_file(
        osp.join(data_root, 'detections', 'posetrack18_val_detections.json'))
    out = run_video(
        model,
        osp.join(gt_dir, sequence),
        boxes,
        out_dir,
        bbox_thr=0.2,
        kpt_thr=0.0)
    scores = score_sequence(osp.join(gt_dir, sequence), out['json'])
    return dict(out, fps=out['frames'] / max(out['seconds'], 1e-9), **scores)


def side_by_side(results: dict) -> str:
    """Total AP of every model on every subset of key frames, and each
    TDMI's difference to the single-frame model."""
    names = list(results)
    single = results[names[0]]
    lines = [
        '| key frames | n | ' + ' | '.join(names) + ' | ' +
        ' | '.join(f'{n} - single' for n in names[1:]) + ' |',
        '|---|---|' + '---|' * (2 * len(names) - 1)
    ]
    for label, key in SUBSETS:
        n = int(single[f'posetrack/{key}num_frames'])
        ap = [results[name][f'posetrack/{key}Total AP'] for name in names]
        lines.append(f'| {label} | {n} | ' + ' | '.join(f'{a:.1f}'
                                                        for a in ap) + ' | ' +
                     ' | '.join(f'{a - ap[0]:+.1f}' for a in ap[1:]) + ' |')
    return '\n'.join(lines)


def model_threads() -> int:
    """Torch threads per model: 1, or ``OMP_NUM_THREADS``. One thread per
    model keeps the figures independent of the machine's load (the
    benchmark's ``--threads 1`` runs are the same computation); the two
    TDMI models train side by side instead."""
    return int(os.environ.get('OMP_NUM_THREADS') or 1)


def torch_threads(threads: int) -> None:
    import torch
    torch.set_num_threads(threads)


def progress_hook(label: str, fd: int, every: int = 100):
    """An MMEngine hook writing one line per ``every`` iterations to file
    descriptor ``fd`` (the demo's console; the training process's own
    output goes to its log file)."""
    from mmengine.hooks import Hook

    class Progress(Hook):
        priority = 'LOW'

        def after_train_iter(self,
                             runner,
                             batch_idx,
                             data_batch=None,
                             outputs=None):
            done = runner.iter + 1
            if done % every == 0 or done == runner.max_iters:
                loss = float(outputs['loss']) if outputs else float('nan')
                os.write(
                    fd, f'   {label}: {done}/{runner.max_iters} iterations, '
                    f'loss {loss:.4f}\n'.encode())

    return Progress()


def train_stage2(label: str, config: str, threads: int) -> dict:
    """One TDMI model, in its own process: build it on the stage-1
    checkpoint, train it, evaluate it trained and untrained. The process's
    output goes to ``<work_dir>/console.log``, a progress line every 100
    iterations to the demo's console."""
    torch_threads(threads)
    from mmengine.config import Config
    from mmengine.runner import Runner

    from tdmi_research import evaluate_runner
    cfg = Config.fromfile(config)
    os.makedirs(cfg.work_dir, exist_ok=True)
    log = os.open(
        osp.join(cfg.work_dir, 'console.log'),
        os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    sys.stdout.flush()
    sys.stderr.flush()
    console = os.dup(1)
    os.dup2(log, 1)
    os.dup2(log, 2)
    runner = Runner.from_cfg(cfg)
    runner.register_hook(progress_hook(label, console))
    runner.train()
    metrics = evaluate_runner(runner)
    # the untrained start, evaluated after training so that training is the
    # benchmark's to the digit (an evaluation draws from torch's random
    # stream): a model of the same config, initialised (stage 1's backbone
    # and projector, the TDMI parts at random), not trained
    from mmpose.registry import MODELS
    untrained = MODELS.build(cfg.model)
    untrained.init_weights()
    before = evaluate_runner(runner, untrained)['posetrack/Total AP']
    return dict(before=before, metrics=metrics)


def main() -> int:
    args = parse_args()
    start = time.time()
    from tdmi_mmpose.__main__ import main as self_check
    print('== 1/8 self-check', flush=True)
    self_check([])
    threads = model_threads()
    torch_threads(threads)
    print(
        f'torch threads per model: {threads} (set OMP_NUM_THREADS to '
        'choose)',
        flush=True)

    from tdmi_research import NUISANCE, ensure_synthetic_set
    print(
        f'== 2/8 synthetic PoseTrack set with irrelevant motion in '
        f'{args.data_root}',
        flush=True)
    try:
        ensure_synthetic_set(args.data_root, **NUISANCE)
    except ValueError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2

    from tdmi_research import synthetic_config
    cfg1 = synthetic_config(STAGE1, args.data_root,
                            osp.join(args.work_dir, 'single_frame'),
                            args.iters)
    # the recipe's TDMI (its checkpoint at the top of the work dir) and the
    # same model without MI losses, same seed
    cfg = synthetic_config(STAGE2, args.data_root, args.work_dir, args.iters)
    cfg_no_mi = synthetic_config(
        STAGE2,
        args.data_root,
        osp.join(args.work_dir, 'without_mi'),
        args.iters,
        ablation=WITHOUT_MI)
    for c in (cfg1, cfg, cfg_no_mi):
        c.randomness = dict(seed=args.seed)
    print(
        f'== 3/8 stage 1: training the single-frame model for '
        f'{cfg1.train_cfg.max_iters} iterations (progress every 50)',
        flush=True)
    from mmengine.runner import Runner

    from tdmi_research import evaluate_runner
    stage1_runner = Runner.from_cfg(cfg1)
    stage1_runner.train()
    single = evaluate_runner(stage1_runner)
    stage1 = osp.join(cfg1.work_dir, f'iter_{cfg1.train_cfg.max_iters}.pth')
    for c in (cfg, cfg_no_mi):
        c.model.single_frame_checkpoint = stage1
    print(
        '== 4/8 stage 2: TDMI on the frozen stage-1 backbone, MI projector '
        'from its final layer, two models side by side in their own '
        f'processes ({threads} torch thread(s) each): each is trained, then '
        'evaluated trained and untrained',
        flush=True)
    jobs = {}
    for step, key, c, what in ((5, RECIPE, cfg,
                                "as the recipes: the authors' nine MI terms "
                                '(KLSoftmaxMI, group weights 1)'),
                               (6, NO_MI, cfg_no_mi, 'without MI losses')):
        print(
            f'== {step}/8 training the TDMI parts {what} for '
            f'{c.train_cfg.max_iters} iterations (log: '
            f'{osp.join(c.work_dir, "console.log")})',
            flush=True)
        os.makedirs(c.work_dir, exist_ok=True)
        jobs[key] = osp.join(c.work_dir, 'demo_config.py')
        c.dump(jobs[key])
    cores = len(os.sched_getaffinity(0))
    with ProcessPoolExecutor(
            max_workers=max(1, min(len(jobs), cores // threads)),
            mp_context=multiprocessing.get_context('spawn')) as pool:
        futures = {
            key: pool.submit(train_stage2, key, config, threads)
            for key, config in jobs.items()
        }
        results = {key: f.result() for key, f in futures.items()}
    before = {key: r['before'] for key, r in results.items()}
    trained = {key: r['metrics'] for key, r in results.items()}
    names = {'single-frame': single, **trained}

    print(
        '== 7/8 rendering single-frame and the recipe\'s TDMI on the same '
        'key frames',
        flush=True)
    strip = osp.join(args.work_dir, 'predictions.png')
    frames = pick_key_frames(args.data_root)
    rows = []
    # what mmpose.apis.init_model attaches: the dataset's keypoint metainfo
    # and the config (the inference helpers take its test pipeline)
    single_model = stage1_runner.model.eval()
    single_model.dataset_meta = stage1_runner.val_loop.dataloader.dataset \
        .metainfo
    single_model.cfg = stage1_runner.cfg
    checkpoint = osp.join(args.work_dir, f'iter_{cfg.train_cfg.max_iters}.pth')
    from mmpose.apis import init_model
    recipe_model = init_model(jobs[RECIPE], checkpoint, device='cpu')
    for label, model in (('single-frame (stage 1)', single_model),
                         (RECIPE, recipe_model)):
        rows.append(labelled(render(model, frames), label))
    cv2.imwrite(strip, np.concatenate(rows, axis=0))

    print(
        '== 8/8 the video tool on one validation video with the recipe\'s '
        'TDMI',
        flush=True)
    video = track_one_video(recipe_model, args.data_root,
                            osp.join(args.work_dir, 'video'))
    print('\n== summary')
    print('PoseTrack mAP (Total AP) on the synthetic validation split, '
          'detected boxes:')
    print(side_by_side(names))
    ap = {key: result['posetrack/Total AP'] for key, result in trained.items()}
    print('TDMI untrained -> trained: ' +
          ', '.join(f'{key} {before[key]:.1f} -> {ap[key]:.1f}'
                    for key in trained))
    for key in trained:
        if ap[key] < single['posetrack/Total AP']:
            print(f'{key} is below the single-frame model here; '
                  'docs/evidence.md says what the seeds show')
    print(f'checkpoints: {stage1} (stage 1), {checkpoint} ({RECIPE}), '
          f'{osp.join(cfg_no_mi.work_dir, osp.basename(checkpoint))} '
          f'({NO_MI})')
    print(f'predictions (single-frame above the recipe\'s TDMI, the same '
          f'key frames: {", ".join(k for k, _, _ in frames)}): {strip}')
    print(f'video tool, {RECIPE}, on {video["name"]}: '
          f'{video["fps"]:.1f} frames/s, mAP {video["ap"]:.1f}, MOTA '
          f'{video["mota"]:.1f}' +
          ('' if video['hota'] is
           None else f', HOTA {video["hota"]:.1f} (PoseTrack21\'s kit)') +
          f'; {video["video"]}, {video["json"]}')
    print(f'time: {(time.time() - start) / 60:.1f} min, {threads} torch '
          f'thread(s) per model')
    # the gate: each TDMI model learned (whatever it does against the
    # others is reported, not gated)
    failed = [key for key in trained if ap[key] - before[key] < args.min_gain]
    for key in failed:
        print(f'the model did not learn enough: {key} gained '
              f'{ap[key] - before[key]:+.1f} mAP, expected at least '
              f'+{args.min_gain}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
