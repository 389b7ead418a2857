# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Every config loads and builds its model and datasets (on generated data,
without downloading weights), and every ablation differs from the main
recipe only where its own file says."""
import ast
import copy
import re
from pathlib import Path

import pytest
from conftest import ROOT
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS, MODELS

import tdmi_mmpose  # noqa: F401
from tdmi_research import generate_synthetic_posetrack

# the zoo and the tests' tiny configs: every one loads and builds
CONFIGS = sorted(
    p.relative_to(ROOT).as_posix() for folder in ('configs', 'tests/configs')
    for p in (ROOT / folder).rglob('*.py'))
MAIN = 'configs/tdmi_hrnet_w48_posetrack17.py'
ABLATIONS = [c for c in CONFIGS if c.startswith('configs/ablations/')]
WITHOUT_MI = 'configs/ablations/without_mi_losses.py'
PT_CONFIGS = [
    c for c in CONFIGS if 'posetrack' in c or 'ablations' in c or 'tdmi' in c
]


@pytest.fixture(scope='module')
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp('synthetic')
    generate_synthetic_posetrack(
        str(root), splits=dict(train=1, val=1), num_frames=6, seed=0)
    return root


def _without_pretrained(cfg):
    """Drop every init_cfg that loads a checkpoint (no network in tests)."""
    if isinstance(cfg, dict):
        for key in list(cfg):
            value = cfg[key]
            if key in ('init_cfg', 'projector_init_cfg') and isinstance(
                    value, dict) and value.get('type') == 'Pretrained':
                cfg[key] = None
            elif key == 'single_frame_checkpoint':
                cfg[key] = None
            else:
                _without_pretrained(value)
    elif isinstance(cfg, list):
        for item in cfg:
            _without_pretrained(item)
    return cfg


def test_expected_configs_exist():
    for name in (MAIN, 'configs/tdmi_hrnet_w48_posetrack18.py',
                 'configs/tdmi_hrnet_w48_posetrack21.py',
                 'configs/ablations/frames_t3.py',
                 'configs/ablations/frames_t7.py',
                 'configs/ablations/single_frame_hrnet.py',
                 'configs/ablations/club_estimator.py', WITHOUT_MI,
                 'configs/ablations/mi_weights_x0_1.py',
                 'configs/ablations/frozen_bn_eval.py',
                 'configs/ablations/temporal_difference_only.py',
                 'configs/demo/tdmi_hrnet_tiny.py',
                 'configs/tdmi_hrnet_w48_hieve.py',
                 'configs/hieve/hrnet_w48_hieve_384x288.py'):
        assert name in CONFIGS
    # one config per MI group and per MI term
    from tdmi_mmpose.models.losses import MI_TERMS
    for term in MI_TERMS:
        assert f'configs/ablations/without_mi_term_{term}.py' in ABLATIONS
    for group in ('motion', 'modal', 'reg'):
        assert f'configs/ablations/without_mi_{group}.py' in ABLATIONS


AUTHORS_MI = dict(
    type='TDMIMutualInformationLoss',
    min_estimator=dict(type='KLSoftmaxMI', temperature=0.05),
    max_estimator=dict(type='KLSoftmaxMI', temperature=0.05),
    group_weights=dict(motion=1.0, modal=1.0, reg=1.0))
# recipes whose stage 1 has no PoseTrack heatmap layer to be the projector:
# the two terms into Y are off there
NO_PROJECTOR = ('configs/tdmi_cspnext_m_posetrack18.py',
                'configs/tdmi_vitpose_b_posetrack18.py')


@pytest.mark.parametrize('name', [
    MAIN, 'configs/tdmi_hrnet_w48_posetrack18.py',
    'configs/tdmi_hrnet_w48_posetrack21.py', 'configs/tdmi_hrnet_w48_hieve.py',
    'configs/tdmi_resnet50_posetrack18.py', *NO_PROJECTOR,
    'configs/demo/tdmi_demo_synthetic.py'
])
def test_recipes_train_the_authors_method(name):
    """Every recipe (and the demo's TDMI) trains with the authors' nine MI
    terms (softmax-KL surrogate at temperature 0.05, every group weight 1,
    every term at its default weight 1), the noisy-motion MLP and the frozen
    backbone's BatchNorm in training mode (batch statistics)."""
    model = Config.fromfile(str(ROOT / name)).model
    mi = model.head.mi_loss.to_dict()
    terms = mi.pop('term_weights', None)
    assert mi == AUTHORS_MI
    if name in NO_PROJECTOR:
        assert model.projector_from_checkpoint is False
        assert terms == dict(y_useful_heatmaps=0., y_appearance_heatmaps=0.)
    else:
        assert terms is None
    assert model.disentangler.noisy_branch is True
    assert model.disentangler.get('mode', 'attention') == 'attention'
    assert model.backbone.norm_eval is False


def test_without_mi_losses_is_the_keypoint_loss_alone():
    model = Config.fromfile(str(ROOT / WITHOUT_MI)).model
    assert model.head.mi_loss is None
    assert model.disentangler.noisy_branch is False
    assert model.backbone.norm_eval is False  # nothing else changes
    eval_bn = Config.fromfile(
        str(ROOT / 'configs/ablations/frozen_bn_eval.py')).model
    assert eval_bn.backbone.norm_eval is True
    weak = Config.fromfile(str(ROOT /
                               'configs/ablations/mi_weights_x0_1.py')).model
    assert weak.head.mi_loss.group_weights == dict(
        motion=0.1, modal=0.1, reg=0.1)


STAGE1 = ('https://download.openmmlab.com/mmpose/top_down/hrnet/'
          'hrnet_w48_posetrack18_384x288-5fd6d3ff_20211130.pth')


@pytest.mark.parametrize('name', [
    MAIN, 'configs/tdmi_hrnet_w48_posetrack18.py',
    'configs/tdmi_hrnet_w48_posetrack21.py'
])
def test_recipes_build_on_the_posetrack18_single_frame_model(name):
    """Stage 2 of the paper's protocol: the frozen backbone and the MI
    projector come from MMPose's single-frame PoseTrack18 HRNet-W48, not
    from COCO (whose final layer has the eyes where PoseTrack has
    head_bottom / head_top)."""
    cfg = Config.fromfile(str(ROOT / name))
    assert cfg.model.single_frame_checkpoint == STAGE1
    assert 'coco' not in cfg.pretty_text.lower()
    assert cfg.model.backbone.get('init_cfg') is None
    assert cfg.model.head.get('projector_init_cfg') is None
    pipeline = cfg.train_dataloader.dataset.pipeline
    assert pipeline[0]['edge'] == 'fill_with_key'
    assert 'ClippedNormalBBoxTransform' in [t['type'] for t in pipeline]


def test_stage1_config_is_mmposes_posetrack18_recipe():
    cfg = Config.fromfile(
        str(ROOT / 'configs/stage1/hrnet_w48_posetrack18_384x288.py'))
    assert cfg.model.type == 'TopdownPoseEstimator'
    assert cfg.model.backbone.extra.stage4.num_channels == (48, 96, 192, 384)
    assert cfg.model.head.out_channels == 17
    assert cfg.codec.input_size == (288, 384)
    assert cfg.train_dataloader.dataset.type == 'PoseTrack18Dataset'
    assert cfg.val_evaluator.type == 'PoseTrackMetric'


@pytest.mark.parametrize('name', CONFIGS)
def test_config_builds_model(name):
    init_default_scope('mmpose')
    cfg = Config.fromfile(str(ROOT / name))
    model = MODELS.build(_without_pretrained(copy.deepcopy(cfg.model)))
    if cfg.model.type == 'VideoTopdownPoseEstimator':
        # the clips the datasets cut are the clips the model reads: T
        # offsets, offset 0 at the model's key index (a T ablation that
        # changes one side only fails here)
        for split in ('train_dataloader', 'val_dataloader'):
            dataset = cfg[split].dataset
            offsets = dataset.get('frame_offsets') or next(
                s['offsets']
                for s in dataset.pipeline if s['type'] == 'SampleClipFrames')
            assert len(offsets) == model.num_frames, (split, offsets)
            assert offsets[model.key_frame_index] == 0, (split, offsets)
    del model


# the HiEve recipes read converted HiEve files: tests/test_datasets/
# test_hieve.py builds their datasets and metric on a generated sample
@pytest.mark.parametrize(
    'name', [c for c in CONFIGS if 'coco' not in c and 'hieve' not in c])
def test_config_builds_datasets_on_local_data(name, synthetic):
    init_default_scope('mmpose')
    cfg = Config.fromfile(str(ROOT / name))
    for split, ann in (('train_dataloader', 'posetrack18_train.json'),
                       ('val_dataloader', 'posetrack18_val.json')):
        ds_cfg = copy.deepcopy(cfg[split].dataset)
        ds_cfg.update(data_root=str(synthetic), ann_file=f'annotations/{ann}')
        if ds_cfg.get('bbox_file'):
            ds_cfg.bbox_file = str(synthetic / 'detections' /
                                   'posetrack18_val_detections.json')
        dataset = DATASETS.build(ds_cfg)
        packed = dataset[0]
        if cfg.model.type == 'VideoTopdownPoseEstimator':
            frames = cfg.model.num_frames
            assert packed['inputs'].shape[:2] == (frames, 3)
        else:
            assert packed['inputs'].dim() == 3
    # the metric config builds too
    metric = copy.deepcopy(cfg.val_evaluator)
    metric.gt_dir = str(synthetic / 'annotations' / 'val')
    from mmpose.registry import METRICS
    assert METRICS.build(metric).gt_dir.endswith('val')


def _delta_paths(path: Path) -> set:
    """Dotted paths the file itself assigns (not its base's)."""
    tree = ast.parse(path.read_text())
    paths = set()

    def walk(node, prefix):
        if isinstance(node, ast.Call) and getattr(node.func, 'id',
                                                  None) == 'dict':
            for kw in node.keywords:
                if kw.arg == '_delete_':
                    paths.add(prefix)
                    continue
                walk(kw.value, f'{prefix}.{kw.arg}')
        else:
            paths.add(prefix)

    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and stmt.targets[0].id != '_base_':
            walk(stmt.value, stmt.targets[0].id)
    return paths


def _flatten(value, prefix='', out=None):
    out = {} if out is None else out
    if isinstance(value, (dict, ConfigDict)):
        for key, item in value.items():
            _flatten(item, f'{prefix}.{key}' if prefix else key, out)
    else:
        out[prefix] = value
    return out


@pytest.mark.parametrize('name', ABLATIONS)
def test_ablation_changes_only_what_it_says(name):
    text = (ROOT / name).read_text()
    assert text.startswith('# '), 'an ablation opens with its question'
    # every ablation is a delta of the main recipe itself, so an ablation
    # table has the paper's structure
    bases = {"_base_ = ['../tdmi_hrnet_w48_posetrack17.py']": MAIN}
    base = [bases[line] for line in text.splitlines() if line in bases]
    assert len(base) == 1, f'{name} is not a delta of the main recipe'
    allowed = _delta_paths(ROOT / name)
    parent = _flatten(Config.fromfile(str(ROOT / base[0])).to_dict())
    child = _flatten(Config.fromfile(str(ROOT / name)).to_dict())
    changed = {
        k
        for k in set(parent) | set(child)
        if parent.get(k, '<absent>') != child.get(k, '<absent>')
    }
    assert changed, f'{name} changes nothing'
    stray = [
        k for k in changed
        if not any(k == a or k.startswith(a + '.') for a in allowed)
    ]
    assert stray == [], f'{name} also changes {stray}'


def _renamed(name):
    """images/val/<video>/000007.jpg -> images/<video>/00000008.jpg (the
    PoseWarper/DCPose PoseTrack17 renaming: 8 digits, 1-based)."""
    parts = name.split('/')
    number = int(parts[-1].split('.')[0])
    return f'images/{parts[-2]}/{number + 1:08d}.jpg'


def _posetrack17_layout(synthetic, root):
    """The synthetic set in the PoseTrack17 recipe's layout (docs/data.md,
    "Where the files go"): renamed frames, merged COCO-style files, annolist
    ground truth with the renamed names, val_boxes.json in the PoseWarper
    form."""
    import json
    import shutil
    for split in ('train', 'val'):
        data = json.loads((synthetic / 'annotations' /
                           f'posetrack18_{split}.json').read_text())
        for image in data['images']:
            old = image['file_name']
            image['file_name'] = _renamed(old)
            (root / image['file_name']).parent.mkdir(
                parents=True, exist_ok=True)
            shutil.copy(synthetic / old, root / image['file_name'])
        (root / 'annotations').mkdir(exist_ok=True)
        (root / 'annotations' / f'posetrack_{split}.json').write_text(
            json.dumps(data))
        if split == 'val':
            names = {im['id']: im['file_name'] for im in data['images']}
    (root / 'annotations' / 'val').mkdir()
    for path in (synthetic / 'annotations_pt17' / 'val').glob('*.json'):
        seq = json.loads(path.read_text())
        for item in seq['annolist']:
            item['image'][0]['name'] = _renamed(item['image'][0]['name'])
        (root / 'annotations' / 'val' / path.name).write_text(json.dumps(seq))
    dets = json.loads((synthetic / 'detections' /
                       'posetrack18_val_detections.json').read_text())
    boxes = [
        dict(
            image_name=names[d['image_id']], bbox=d['bbox'], score=d['score'])
        for d in dets
    ]
    (root / 'val_boxes.json').write_text(json.dumps(boxes))


def _posetrack21_layout(synthetic, root):
    """posetrack_data/{train,val}/<video>.json and val_human_detections.json
    next to images/{train,val}/<video>/<6 digits>.jpg."""
    import shutil
    shutil.copytree(synthetic / 'images', root / 'images')
    for split in ('train', 'val'):
        shutil.copytree(synthetic / 'annotations' / split,
                        root / 'posetrack_data' / split)
    shutil.copy(synthetic / 'detections' / 'posetrack18_val_detections.json',
                root / 'val_human_detections.json')


@pytest.mark.parametrize('name, layout', [
    ('configs/tdmi_hrnet_w48_posetrack17.py', _posetrack17_layout),
    ('configs/tdmi_hrnet_w48_posetrack21.py', _posetrack21_layout),
])
def test_recipe_reads_its_own_file_layout(name, layout, synthetic, tmp_path):
    """The recipe's own paths (ann files, box file, metric folder) under a
    data root laid out as README says: datasets build, give T = 5 clips,
    and every predicted frame is a frame of the metric's ground truth."""
    from tdmi_mmpose.evaluation.functional import load_sequence_folder
    root = tmp_path / 'data'
    root.mkdir()
    layout(synthetic, root)
    init_default_scope('mmpose')
    cfg = Config.fromfile(str(ROOT / name))
    data_root = cfg.train_dataloader.dataset.data_root
    for split in ('train_dataloader', 'val_dataloader'):
        ds_cfg = copy.deepcopy(cfg[split].dataset)
        ds_cfg.data_root = str(root)
        if ds_cfg.get('bbox_file'):
            ds_cfg.bbox_file = ds_cfg.bbox_file.replace(data_root, f'{root}/')
        dataset = DATASETS.build(ds_cfg)
        assert dataset[0]['inputs'].shape[:2] == (5, 3)
        if split == 'val_dataloader':
            assert ds_cfg.bbox_file.startswith(str(root))
            gt_dir = cfg.val_evaluator.gt_dir.replace(data_root, f'{root}/')
            gt_frames = {
                f'{seq.name}/{frame.name.split("/")[-1]}'
                for seq in load_sequence_folder(gt_dir)
                for frame in seq.frames
            }
            keys = {
                '/'.join(dataset.get_data_info(i)['img_path'].split('/')[-2:])
                for i in range(len(dataset))
            }
            assert keys and keys <= gt_frames


def test_posetrack21_recipe_evaluates_with_the_posetrack21_kit(
        synthetic, tmp_path):
    """The PT21 recipe's metric is PoseTrack21's kit; on PoseTrack21-style
    ground truth (is_labeled, ignore regions, bbox_head) perfect
    predictions score 100 AP and HOTA."""
    import json

    import numpy as np
    from mmengine.evaluator import Evaluator

    from tdmi_mmpose.evaluation.functional import PT18_KEYPOINTS
    root = tmp_path / 'data'
    _posetrack21_layout(synthetic, root)
    cfg = Config.fromfile(str(ROOT / 'configs/tdmi_hrnet_w48_posetrack21.py'))
    assert cfg.val_evaluator.official_kit == 'posetrack21'
    gt_dir = root / 'posetrack_data' / 'val'
    evaluator = Evaluator(
        dict(cfg.val_evaluator, gt_dir=str(gt_dir), track=True))
    evaluator.dataset_meta = dict(
        keypoint_id2name=dict(enumerate(PT18_KEYPOINTS)))
    samples = []
    for path in sorted(gt_dir.glob('*.json')):
        data = json.loads(path.read_text())
        file_of = {im['id']: im['file_name'] for im in data['images']}
        for i, ann in enumerate(data['annotations']):
            kpts = np.asarray(ann['keypoints'], float).reshape(17, 3)
            samples.append(
                dict(
                    id=f'{path.stem}/{i}',
                    img_path=f'{root}/{file_of[ann["image_id"]]}',
                    pred_instances=dict(
                        keypoints=kpts[None, :, :2],
                        keypoint_scores=np.ones((1, 17)),
                        track_ids=np.array([ann['track_id']]))))
    evaluator.process(samples)
    results = evaluator.evaluate(len(samples))
    assert results['posetrack/Total AP'] == pytest.approx(100)
    assert results['posetrack/HOTA'] == pytest.approx(100)


def test_zoo_table_and_metafile_list_every_recipe():
    """configs/README.md's table and configs/metafile.yml (MMPose's
    model-index layout) name each recipe of configs/ once, and only
    recipes that exist."""
    import yaml
    recipes = sorted(p.name for p in (ROOT / 'configs').glob('tdmi_*.py'))
    table = (ROOT / 'configs' / 'README.md').read_text()
    assert sorted(set(re.findall(r'\[(tdmi_\w+\.py)\]', table))) == recipes
    meta = yaml.safe_load((ROOT / 'configs' / 'metafile.yml').read_text())
    listed = [Path(m['Config']).name for m in meta['Models']]
    assert sorted(listed) == recipes
    assert all(m['In Collection'] == 'TDMI' for m in meta['Models'])


def test_hieve_recipe_trainable_parameters():
    """The count configs/README.md gives: the W48 recipe with K = 14."""
    init_default_scope('mmpose')
    cfg = Config.fromfile(str(ROOT / 'configs' / 'tdmi_hrnet_w48_hieve.py'))
    cfg.model.single_frame_checkpoint = None
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()
               if p.requires_grad) == 2_862_414
