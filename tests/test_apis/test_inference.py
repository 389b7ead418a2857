# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""inference_clip takes its preprocessing from the config's test pipeline:
with another box padding and UDP it gives the keypoints that the test
dataloader (what tools/test.py runs) gives on the same frames and boxes."""
import numpy as np
import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmpose.apis import init_model
from mmpose.registry import DATASETS

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.apis import inference_clip
from tdmi_research import generate_synthetic_posetrack

TINY = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'


@pytest.fixture(scope='module')
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp('synthetic_inference')
    generate_synthetic_posetrack(
        str(root), splits=dict(train=1, val=1), num_frames=8, seed=1)
    return root


def _udp_config(root):
    """The tiny config with a UDP codec, UDP affine and padding 1.4."""
    cfg = Config.fromfile(str(TINY))
    codec = dict(
        type='UDPHeatmap', input_size=(64, 64), heatmap_size=(16, 16), sigma=2)
    cfg.model.head.decoder = codec
    cfg.model.test_cfg.flip_test = False
    pipeline = cfg.test_dataloader.dataset.pipeline
    for step in pipeline:
        if step['type'] == 'GetBBoxCenterScale':
            step['padding'] = 1.4
        if step['type'] == 'TopdownAffine':
            step['use_udp'] = True
    cfg.test_dataloader.dataset.update(
        data_root=f'{root}/',
        ann_file='annotations/posetrack18_val.json',
        bbox_file=f'{root}/detections/posetrack18_val_detections.json')
    return cfg


def test_inference_clip_equals_the_test_dataloader(synthetic):
    cfg = _udp_config(synthetic)
    torch.manual_seed(0)
    model = init_model(cfg, None, device='cpu')
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    checked = 0
    for i in range(0, len(dataset), max(1, len(dataset) // 6)):
        packed = dataset[i]
        expected = model.test_step(pseudo_collate([packed]))[0]
        info = dataset.get_data_info(i)
        # the clip's frames as the dataset chose them (edge policy included)
        clip = dataset.pipeline.transforms[0](dict(info))['frame_paths']
        box = np.concatenate([info['bbox'][0], info['bbox_score']])
        got = inference_clip(model, clip, box[None])[0]
        np.testing.assert_allclose(
            got.pred_instances.keypoints,
            expected.pred_instances.keypoints,
            atol=1e-4)
        np.testing.assert_allclose(
            got.pred_instances.keypoint_scores,
            expected.pred_instances.keypoint_scores,
            atol=1e-4)
        checked += 1
    assert checked >= 5
    # a config without UDP crops differently: the equality above is not
    # something any pipeline would pass
    plain = Config.fromfile(str(TINY))
    plain.model.test_cfg.flip_test = False
    torch.manual_seed(0)
    other = init_model(plain, None, device='cpu')
    other.load_state_dict(model.state_dict())
    info = dataset.get_data_info(0)
    clip = dataset.pipeline.transforms[0](dict(info))['frame_paths']
    box = np.concatenate([info['bbox'][0], info['bbox_score']])[None]
    a = inference_clip(model, clip, box)[0].pred_instances.keypoints
    b = inference_clip(other, clip, box)[0].pred_instances.keypoints
    assert np.abs(a - b).max() > 1e-2


def test_inference_clip_needs_the_config():
    model = init_model(str(TINY), None, device='cpu')
    model.cfg = None
    with pytest.raises(ValueError, match='no cfg'):
        inference_clip(model, [np.zeros((8, 8, 3), np.uint8)] * 3)


def test_bad_boxes_frames_and_models_are_refused(tmp_path):
    model = init_model(str(TINY), None, device='cpu')
    frames = [np.zeros((64, 64, 3), np.uint8)] * 3
    for box, message in (
        ([[10, 10, np.nan, 40, 0.9]], r'box 0 .*NaN or infinite'),
        ([[10, 10, 40, 40, np.inf]], r'box 0 .*NaN or infinite'),
        ([[40, 10, 10, 40]], r'box 0 .*width -30 .*positive size'),
    ):
        with pytest.raises(ValueError, match=message):
            inference_clip(model, frames, np.array(box, dtype=np.float32))
    # a box that does not touch the frame (boxes of another image size)
    with pytest.raises(
            ValueError, match=r'box 0 .*entirely outside the '
            r'64x64 frame'):
        inference_clip(model, frames, np.array([[100, 100, 180, 200]]))
    # float frames in [0, 1] would reach the model nearly black
    with pytest.raises(
            ValueError,
            match=r'frame 0: expected uint8 .*float32'
            r' with values 0\.\.1'):
        inference_clip(model, [
            np.linspace(0, 1, 64 * 64 * 3, dtype=np.float32).reshape(
                64, 64, 3)
        ] * 3)
    # xywh boxes given as xyxy: x2 < x1 is refused, not mirrored
    with pytest.raises(ValueError, match='xywh given as xyxy'):
        inference_clip(model, frames, np.array([[30, 20, 10, 25]]))
    inference_clip(
        model, frames, np.array([[30, 20, 10, 25]]), bbox_format='xywh')
    empty = tmp_path / 'empty.jpg'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match='empty.jpg: the file is empty'):
        inference_clip(model, [str(empty)] * 3)
    broken = tmp_path / 'broken.jpg'
    broken.write_bytes(b'not a jpeg at all')
    with pytest.raises(ValueError, match='cannot decode frame .*broken.jpg'):
        inference_clip(model, [str(broken)] * 3)
    single = init_model(
        str(ROOT / 'tests' / 'configs' / 'topdown_hrnet_tiny_coco.py'),
        None,
        device='cpu')
    with pytest.raises(ValueError, match='inference_topdown'):
        inference_clip(single, frames)
