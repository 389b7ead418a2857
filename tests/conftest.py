# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Shared fixtures: the repository paths and a tiny generated COCO set."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
# the checkout's research code (tdmi_research) is not installed
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SMOKE_TOPDOWN = ROOT / 'tests' / 'configs' / 'topdown_hrnet_tiny_coco.py'
COCO_KEYPOINTS = [
    'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder',
    'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
    'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle',
    'right_ankle'
]

CLIP = ROOT / 'tests' / 'data' / 'posetrack18_clip'


def write_clip_boxes(path: Path) -> Path:
    """A box file (PoseWarper form, by image_name) with the person of the
    real clip ``tests/data/posetrack18_clip`` on each of its 5 frames."""
    path.write_text(
        json.dumps([
            dict(
                image_name=f'{CLIP.name}/{i:06d}.jpg',
                bbox=[350, 80, 300, 600],
                score=0.9) for i in range(5)
        ]))
    return path


def write_tiny_coco(root: Path, num_images: int = 6, seed: int = 0) -> Path:
    """Write ``num_images`` random 64x64 JPEGs, one person each, as COCO
    keypoint files ``annotations/{train,val}.json`` under ``root``."""
    import cv2
    rng = np.random.RandomState(seed)
    (root / 'images').mkdir(parents=True, exist_ok=True)
    (root / 'annotations').mkdir(exist_ok=True)
    images, annotations = [], []
    for i in range(num_images):
        name = f'{i:06d}.jpg'
        cv2.imwrite(
            str(root / 'images' / name),
            rng.randint(0, 255, (64, 64, 3), dtype=np.uint8))
        x0, y0 = rng.uniform(2, 16, size=2)
        w, h = rng.uniform(24, 40, size=2)
        xy = np.stack(
            [rng.uniform(x0, x0 + w, 17),
             rng.uniform(y0, y0 + h, 17)], axis=1)
        keypoints = np.concatenate([xy, np.full((17, 1), 2.)], axis=1)
        images.append(dict(id=i + 1, file_name=name, width=64, height=64))
        annotations.append(
            dict(
                id=i + 1,
                image_id=i + 1,
                category_id=1,
                iscrowd=0,
                bbox=[float(x0), float(y0),
                      float(w), float(h)],
                area=float(w * h),
                num_keypoints=17,
                keypoints=keypoints.round(2).flatten().tolist()))
    categories = [
        dict(
            id=1,
            name='person',
            supercategory='person',
            keypoints=COCO_KEYPOINTS,
            skeleton=[])
    ]
    for split in ('train', 'val'):
        with open(root / 'annotations' / f'{split}.json', 'w') as f:
            json.dump(
                dict(
                    images=images,
                    annotations=annotations,
                    categories=categories), f)
    return root


def single_frame_state_dict(backbone_cfg: dict,
                            prefix: str = 'head.final_layer.',
                            channels: int = 48) -> dict:
    """A single-frame top-down model's state dict with random values: the
    stock HRNet of ``backbone_cfg`` (a MultiStageHRNet config) under
    ``backbone.`` and a 1x1 final layer C -> 17 under ``prefix``
    (``head.final_layer.`` in MMPose 1.x, ``keypoint_head.final_layer.``
    in 0.x). BatchNorm variances stay positive, so the state is valid."""
    import torch
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    init_default_scope('mmpose')
    hrnet = dict(backbone_cfg, type='HRNet')
    for key in ('frozen', 'channels_last', 'init_cfg'):
        hrnet.pop(key, None)

    def random_like(key, value):
        if key.endswith('running_var'):
            return torch.rand_like(value) + 0.5
        return torch.randn_like(value.float()).to(value.dtype)

    state = {
        f'backbone.{k}': random_like(k, v)
        for k, v in MODELS.build(hrnet).state_dict().items()
    }
    state[prefix + 'weight'] = torch.randn(17, channels, 1, 1)
    state[prefix + 'bias'] = torch.randn(17)
    return state


def smoke_cfg_options(data_root: Path) -> list:
    """``--cfg-options`` that point the smoke top-down config at data_root."""
    root = f'{data_root}/'
    return [
        '--cfg-options', f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        f'val_evaluator.ann_file={root}annotations/val.json',
        f'test_evaluator.ann_file={root}annotations/val.json'
    ]


def synthetic_cfg_options(data: Path) -> list:
    """``--cfg-options`` that point a TDMI config's three splits and its
    metrics at a generated PoseTrack set (its detections for val / test)."""
    det = f'{data}/detections/posetrack18_val_detections.json'
    return [
        '--cfg-options', f'train_dataloader.dataset.data_root={data}/',
        f'val_dataloader.dataset.data_root={data}/',
        f'val_dataloader.dataset.bbox_file={det}',
        f'test_dataloader.dataset.data_root={data}/',
        f'test_dataloader.dataset.bbox_file={det}',
        f'val_evaluator.gt_dir={data}/annotations/val',
        f'test_evaluator.gt_dir={data}/annotations/val'
    ]


def run_cmd(cmd: list,
            cwd: Path,
            env: dict = None,
            timeout: int = 600) -> subprocess.CompletedProcess:
    """Run a command; on failure, fail the test with its output."""
    full_env = dict(os.environ, PYTHONUNBUFFERED='1')
    full_env.update(env or {})
    result = subprocess.run([str(c) for c in cmd],
                            cwd=cwd,
                            env=full_env,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            text=True,
                            timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f'{" ".join(map(str, cmd))} exited {result.returncode}:'
                    f'\n{result.stdout[-6000:]}')
    return result


@pytest.fixture(scope='session')
def tiny_coco(tmp_path_factory) -> Path:
    return write_tiny_coco(tmp_path_factory.mktemp('tiny_coco'))


@pytest.fixture(scope='session')
def python() -> str:
    return sys.executable


@pytest.fixture(scope='module')
def tiny_video_model():
    """The tiny TDMI config's model from ``mmpose.apis.init_model``, random
    weights (seed 0), on CPU: one per test module (tests may set its
    attributes and restore them)."""
    import torch
    from mmpose.apis import init_model

    import tdmi_mmpose  # noqa: F401
    torch.manual_seed(0)
    return init_model(
        str(ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'),
        None,
        device='cpu')


@pytest.fixture(scope='session')
def synthetic_posetrack(tmp_path_factory) -> Path:
    """A generated PoseTrack set (2 training and 2 validation videos of 8
    frames, seed 3), read-only for the tests that share it."""
    from tdmi_research import generate_synthetic_posetrack
    root = tmp_path_factory.mktemp('synthetic_posetrack')
    generate_synthetic_posetrack(
        str(root), splits=dict(train=2, val=2), num_frames=8, seed=3)
    return root


def mim_train(tiny_coco: Path, tmp: Path, env: dict = None):
    """``mim train tdmi_mmpose topdown_hrnet_tiny_coco.py`` (4 iterations)
    in ``tmp``: its work dir and output."""
    work_dir = tmp / 'work'
    out = run_cmd(
        [
            sys.executable, '-m', 'mim', 'train', 'tdmi_mmpose', SMOKE_TOPDOWN,
            '--work-dir', work_dir
        ] + smoke_cfg_options(tiny_coco),
        cwd=tmp,
        env=env).stdout
    return work_dir, out


@pytest.fixture(scope='session')
def mim_trained_topdown(tiny_coco, tmp_path_factory):
    """One ``mim_train`` run (editable install), shared by the tests that
    need a trained tiny checkpoint."""
    return mim_train(tiny_coco, tmp_path_factory.mktemp('mim_train'))


def w48_model_cfg(**changes):
    """The main recipe's model config (HRNet-W48, T = 5) without its
    stage-1 download, with ``changes``."""
    import copy

    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmpose')
    cfg = copy.deepcopy(
        Config.fromfile(
            str(ROOT / 'configs' / 'tdmi_hrnet_w48_posetrack17.py')).model)
    cfg.single_frame_checkpoint = None  # no download in tests
    cfg.update(changes)
    return cfg
