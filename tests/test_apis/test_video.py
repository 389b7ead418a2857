# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Video pose estimation with tracking: the real clip as mp4 and as frames,
the tool against the test dataloader on the synthetic validation split,
the mmdet path, tracking, streaming memory and bad input."""
import json
import re
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
from conftest import ROOT, write_clip_boxes
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.structures import InstanceData
from mmpose.apis import init_model
from mmpose.registry import DATASETS, METRICS
from mmpose.structures import PoseDataSample

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.apis.video import (VideoPoseTracker, load_box_file,
                                    open_frames, posetrack_annotations,
                                    posetrack_file)
from tdmi_mmpose.evaluation.functional import evaluate_posetrack_folders
from tdmi_research import generate_synthetic_posetrack

TINY = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
# the real 5-frame clip of the shared data (frames and their mp4), kept with
# the tests
CLIP = ROOT / 'tests' / 'data' / 'posetrack18_clip'


@pytest.fixture(scope='module')
def model(tiny_video_model):
    return tiny_video_model


@pytest.fixture(scope='module')
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp('synthetic_video')
    generate_synthetic_posetrack(
        str(root), splits=dict(train=1, val=1), num_frames=10, seed=3)
    return root


def _run(model, source, boxes, **kwargs):
    name, frames = open_frames(str(source))
    tracker = VideoPoseTracker(model, boxes, **kwargs)
    images, anns = [], []
    for frame, people in tracker.run(frames):
        images.append(dict(id=frame.image_id, file_name=frame.file_name))
        anns += posetrack_annotations(frame, people)
    return tracker, images, anns


def _clip_boxes(tmp_path):
    """One person box on each of the clip's frames, by image_name."""
    return load_box_file(str(write_clip_boxes(tmp_path / 'boxes.json')))


def test_real_clip_as_mp4_and_as_frames(model, tmp_path):
    """The mp4 and the frames name the same frames and people; decoded
    losslessly (PNG) the mp4's frames give exactly its keypoints; the JPEG
    frames differ from the mp4's pixels by about 2.5 grey levels, so their
    keypoints agree only closely."""
    boxes = _clip_boxes(tmp_path)
    mp4 = CLIP / f'{CLIP.name}.mp4'
    _, images_v, anns_v = _run(model, mp4, boxes)
    _, images_f, anns_f = _run(model, CLIP, boxes)
    assert [im['file_name'] for im in images_v
            ] == [f'{CLIP.name}/{i:06d}.jpg' for i in range(5)]
    assert [im['file_name']
            for im in images_f] == [im['file_name'] for im in images_v]
    assert len(anns_v) == len(anns_f) == 5
    assert [a['track_id'] for a in anns_v] == [0] * 5
    png = tmp_path / CLIP.name
    png.mkdir()
    capture = cv2.VideoCapture(str(mp4))
    for i in range(5):
        ok, image = capture.read()
        assert ok
        cv2.imwrite(str(png / f'{i:06d}.png'), image)
    _, _, anns_p = _run(model, png, {
        f'{CLIP.name}/{i:06d}.png': b
        for i, b in enumerate(boxes.values())
    })
    for a, b in zip(anns_v, anns_p):
        np.testing.assert_allclose(a['keypoints'], b['keypoints'], atol=1e-4)
    kv = np.array([a['keypoints'] for a in anns_v]).reshape(5, 17, 3)
    kf = np.array([a['keypoints'] for a in anns_f]).reshape(5, 17, 3)
    assert np.median(np.linalg.norm(kv[..., :2] - kf[..., :2], axis=-1)) < 20


def _dataloader_ap(model, cfg, root, seq_file, det_file, gt_dir):
    """What tools/test.py computes: the test dataset and PoseTrackMetric."""
    ds_cfg = cfg.test_dataloader.dataset.copy()
    ds_cfg.update(
        data_root=f'{root}/', ann_file=str(seq_file), bbox_file=str(det_file))
    dataset = DATASETS.build(ds_cfg)
    metric = METRICS.build(dict(cfg.test_evaluator, gt_dir=str(gt_dir)))
    metric.dataset_meta = dataset.metainfo
    for i in range(0, len(dataset), 8):
        batch = pseudo_collate(
            [dataset[j] for j in range(i, min(i + 8, len(dataset)))])
        outputs = model.test_step(batch)
        metric.process(batch, [o.to_dict() for o in outputs])
    return metric.evaluate(len(dataset))['posetrack/Total AP']


def test_tool_output_equals_the_test_dataloader(synthetic, tmp_path):
    cfg = Config.fromfile(str(TINY))
    # the config's initialisation (what a Runner starts from), seed 0: its
    # keypoints score above 0 on this set, so the equality below could fail
    torch.manual_seed(0)
    model = init_model(str(TINY), None, device='cpu')
    model.init_weights()
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), checkpoint)
    seq = sorted((synthetic / 'annotations' / 'val').glob('*.json'))[0]
    det = synthetic / 'detections' / 'posetrack18_val_detections.json'
    gt = tmp_path / 'gt'
    gt.mkdir()
    (gt / seq.name).write_text(seq.read_text())
    result = _tool(checkpoint, '--input', seq, '--bboxes', det,
                   '--output-root', tmp_path / 'out', '--save-predictions',
                   '--no-video')
    assert result.returncode == 0, result.stdout[-3000:]
    assert 'frames/s' in result.stdout
    pred = tmp_path / 'pred'
    pred.mkdir()
    (pred / seq.name).write_text(
        (tmp_path / 'out' / f'{seq.stem}.json').read_text())
    tool = evaluate_posetrack_folders(str(gt), str(pred), track=True)
    assert np.isfinite(tool['mota_groups']['Total'])
    # on a PoseTrack sequence the tool scores itself; the synthetic ground
    # truth is in PoseTrack21's form, so HOTA is printed next to MOTA
    printed = re.search(
        r'against its ground truth: mAP ([\d.]+), MOTA (-?[\d.]+), HOTA '
        r'([\d.]+)', result.stdout)
    assert printed, result.stdout[-2000:]
    assert float(printed.group(1)) == pytest.approx(
        tool['ap_groups']['Total'], abs=0.05)
    same = init_model(str(TINY), str(checkpoint), device='cpu')
    expected = _dataloader_ap(same, cfg, synthetic, seq, det, gt)
    assert expected > 0  # a number that could differ
    assert tool['ap_groups']['Total'] == pytest.approx(expected, abs=1e-4)


def _person(box, track_id=None):
    sample = PoseDataSample()
    sample.pred_instances = InstanceData(
        bboxes=np.array([box], dtype=np.float32),
        bbox_scores=np.ones(1),
        keypoints=np.zeros((1, 17, 2)),
        keypoint_scores=np.ones((1, 17)))
    return sample


def test_tracking_is_stable_and_new_on_reentry(model):
    """Two well-separated people crossing the frame keep their ids; one who
    leaves for a frame and comes back gets a new id (no
    re-identification)."""
    tracker = VideoPoseTracker(model, {})
    tracker._last, tracker._next_id = [], 0
    ids = []
    for t in range(10):
        a = _person([10 + 20 * t, 50, 60 + 20 * t, 200])
        b = _person([400 - 20 * t, 60, 450 - 20 * t, 210])
        ids.append([p.track_id for p in tracker._track([a, b])])
    assert ids == [[0, 1]] * 10
    tracker._track([_person([190, 50, 240, 200])])  # b has left
    back = tracker._track(
        [_person([190, 50, 240, 200]),
         _person([220, 60, 270, 210])])
    assert [p.track_id for p in back] == [0, 2]


def test_a_detector_finding_nobody_gives_empty_frames(model, synthetic):
    seq = sorted((synthetic / 'annotations' / 'val').glob('*.json'))[0]
    tracker, images, anns = _run(
        model, seq, lambda images: [np.zeros(
            (0, 5), np.float32)] * len(images))
    assert len(images) == 10 and anns == []
    out = posetrack_file(images, anns, ['nose'] * 17)
    assert len(out['images']) == 10 and out['annotations'] == []


def test_stream_holds_about_one_clip(model, synthetic):
    seq = sorted((synthetic / 'annotations' / 'val').glob('*.json'))[0]
    det = synthetic / 'detections' / 'posetrack18_val_detections.json'
    tracker, images, _ = _run(model, seq, load_box_file(str(det)), det_batch=2)
    assert len(images) == 10
    # T = 3 frames of the clip window plus the detector batch
    assert tracker.max_buffered <= model.num_frames + 2


@pytest.mark.slow
def test_mmdet_detector_plumbing(model, synthetic):
    """Plumbing only: a tiny RTMDet with random weights (its boxes mean
    nothing) runs in batches and feeds the tracker."""
    from mmengine.utils import get_installed_path

    from tdmi_mmpose.apis.video import MMDetBoxes
    config = (f'{get_installed_path("mmdet")}/.mim/configs/rtmdet/'
              'rtmdet_tiny_8xb32-300e_coco.py')
    detector = MMDetBoxes(config, None, bbox_thr=0.0)
    images = [np.full((120, 160, 3), 128, np.uint8)] * 2
    boxes = detector(images)
    assert len(boxes) == 2 and all(b.shape[1] == 5 for b in boxes)
    seq = sorted((synthetic / 'annotations' / 'val').glob('*.json'))[0]
    _, images, _ = _run(model, seq, detector, det_batch=4)
    assert len(images) == 10


@pytest.mark.slow
def test_tool_with_a_detector_renders_and_writes_json(tmp_path):
    """README's first own-video command: an mmdet detector (RTMDet-tiny,
    random weights), rendering on and predictions saved. Building the
    detector switches MMEngine's default scope to mmdet; the pose
    visualiser must still be found in mmpose's registry."""
    result = _tool('--input', CLIP / 'posetrack18_clip.mp4', '--det-config',
                   'mmdet::rtmdet/rtmdet_tiny_8xb32-300e_coco.py',
                   '--bbox-thr', '0.0', '--output-root', tmp_path / 'out',
                   '--save-predictions')
    assert result.returncode == 0, result.stdout[-3000:]
    capture = cv2.VideoCapture(str(tmp_path / 'out' / 'posetrack18_clip.mp4'))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 5
    with open(tmp_path / 'out' / 'posetrack18_clip.json') as f:
        assert len(json.load(f)['images']) == 5


def test_bad_inputs(tmp_path, model):
    fake = tmp_path / 'fake.mp4'
    fake.write_text('not a video')
    with pytest.raises(
            ValueError,
            match='fake.mp4: OpenCV cannot open|'
            'fake.mp4: the video has no readable frame'):
        list(open_frames(str(fake))[1])
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(ValueError, match='empty: no image files'):
        list(open_frames(str(empty))[1])
    sizes = tmp_path / 'sizes'
    sizes.mkdir()
    cv2.imwrite(str(sizes / '000000.jpg'), np.zeros((40, 60, 3), np.uint8))
    cv2.imwrite(str(sizes / '000001.jpg'), np.zeros((50, 60, 3), np.uint8))
    with pytest.raises(
            ValueError,
            match=r'frame 1 \(sizes/000001.jpg\) is '
            r'60x50, the first frame 60x40'):
        list(open_frames(str(sizes))[1])
    with pytest.raises(FileNotFoundError, match='does not exist'):
        open_frames(str(tmp_path / 'nothing.mp4'))


def _tool(*args, config=TINY):
    return subprocess.run([
        sys.executable,
        str(ROOT / 'tools' / 'demos' / 'video_demo.py'),
        str(config), *map(str, args)
    ],
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=600)


def test_tool_renders_and_refuses_a_box_file_of_another_video(tmp_path):
    """The rendered video has every frame; a box file whose entries name no
    frame of the input is an error, not an empty result."""
    boxes = tmp_path / 'other.json'
    boxes.write_text(
        json.dumps([
            dict(
                image_name='other_video/000000.jpg',
                bbox=[0, 0, 9, 9],
                score=0.9)
        ]))
    result = _tool('--input', CLIP, '--bboxes', boxes, '--output-root',
                   tmp_path / 'out')
    assert result.returncode == 1
    assert 'no box of' in result.stdout and 'another video' in result.stdout
    good = write_clip_boxes(tmp_path / 'clip.json')
    result = _tool('--input', CLIP, '--bboxes', good, '--output-root',
                   tmp_path / 'out')
    assert result.returncode == 0, result.stdout[-3000:]
    capture = cv2.VideoCapture(str(tmp_path / 'out' / f'{CLIP.name}.mp4'))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 5


def test_empty_boxes_are_counted_and_nan_boxes_refused(model, synthetic):
    seq = sorted((synthetic / 'annotations' / 'val').glob('*.json'))[0]

    def detector(images):
        return [
            np.array([[20, 20, 80, 120, 0.9], [50, 50, 50, 90, 0.9]],
                     np.float32)
        ] * len(images)

    tracker, images, anns = _run(model, seq, detector)
    assert len(anns) == 10 and tracker.skipped_empty == 10
    with pytest.raises(ValueError, match='NaN or infinite'):
        _run(model, seq, lambda ims: [np.full(
            (1, 5), np.nan, np.float32)] * len(ims))


def test_inputs_that_cannot_be_what_the_user_meant(tmp_path):
    """Frame names that sort differently as text and as numbers, a merged
    split file given as one sequence, a truncated video, a box file that
    is not JSON: each named, none run silently."""
    import warnings
    folder = tmp_path / 'unpadded'
    folder.mkdir()
    for i in (1, 2, 10):
        cv2.imwrite(str(folder / f'{i}.jpg'), np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(ValueError, match=r'10.jpg before 2.jpg'):
        list(open_frames(str(folder))[1])
    merged = tmp_path / 'annotations' / 'posetrack18_val.json'
    merged.parent.mkdir()
    merged.write_text(
        json.dumps(
            dict(images=[
                dict(id=1, file_name='images/val/a/000000.jpg'),
                dict(id=2, file_name='images/val/b/000000.jpg')
            ])))
    with pytest.raises(ValueError, match='come from 2 videos .*merged'):
        list(open_frames(str(merged))[1])
    # an AVI keeps its frame count in the header: cut, it reads fewer
    writer = cv2.VideoWriter(
        str(tmp_path / 'full.avi'), cv2.VideoWriter_fourcc(*'MJPG'), 10,
        (64, 48))
    rng = np.random.RandomState(0)
    for _ in range(30):
        writer.write(rng.randint(0, 255, (48, 64, 3)).astype(np.uint8))
    writer.release()
    data = (tmp_path / 'full.avi').read_bytes()
    (tmp_path / 'cut.avi').write_bytes(data[:len(data) // 2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        frames = list(open_frames(str(tmp_path / 'cut.avi'))[1])
    assert 0 < len(frames) < 30
    assert any('its header declares 30' in str(w.message) for w in caught)
    not_json = tmp_path / 'boxes.json'
    not_json.write_text('image_id, bbox')
    with pytest.raises(
            ValueError,
            match='boxes.json: not valid JSON, expected a box file'):
        load_box_file(str(not_json))
    with pytest.raises(FileNotFoundError, match='box file .* does not'):
        load_box_file(str(tmp_path / 'none.json'))


def test_outputs_never_overwrite_inputs(tmp_path):
    from tdmi_mmpose.apis.video import check_outputs
    video = CLIP / 'posetrack18_clip.mp4'
    # the rendering of <folder>/x.mp4 into <folder> would replace x.mp4
    with pytest.raises(ValueError, match='would overwrite the input'):
        check_outputs([str(CLIP / 'posetrack18_clip.mp4')], [str(video)])
    with pytest.raises(ValueError, match='inside the input folder'):
        check_outputs([str(CLIP / 'out' / 'x.json')], [str(CLIP)])
    check_outputs([str(tmp_path / 'x.mp4')], [str(video), str(CLIP)])
    # the tool refuses before writing anything
    before = video.read_bytes()
    result = _tool('--input', video, '--bboxes', tmp_path / 'none.json',
                   '--output-root', CLIP, '--save-predictions')
    assert result.returncode == 1
    result = _tool('--input', CLIP, '--gt-bboxes', '--output-root',
                   tmp_path / 'o')
    assert result.returncode == 2  # --gt-bboxes needs a sequence file
    boxes = write_clip_boxes(tmp_path / 'boxes.json')
    result = _tool('--input', video, '--bboxes', boxes, '--output-root', CLIP,
                   '--save-predictions')
    assert result.returncode == 1
    assert 'would overwrite the input' in result.stdout, result.stdout[-2000:]
    result = _tool('--input', CLIP, '--bboxes', boxes, '--output-root',
                   CLIP / 'vis')
    assert result.returncode == 1
    assert 'inside the input folder' in result.stdout, result.stdout[-2000:]
    assert video.read_bytes() == before and not (CLIP / 'vis').exists()
    blocked = tmp_path / 'a_file'
    blocked.write_text('not a folder')
    result = _tool('--input', CLIP, '--bboxes', boxes, '--output-root',
                   blocked / 'out')
    assert result.returncode == 1
    assert 'cannot be created' in result.stdout, result.stdout[-2000:]
    single = ROOT / 'configs' / 'demo' / 'single_frame_demo_synthetic.py'
    result = _tool(
        '--input',
        CLIP,
        '--bboxes',
        boxes,
        '--output-root',
        tmp_path / 'o',
        config=single)
    assert result.returncode == 1 and 'is not a video model' in result.stdout
    from tdmi_mmpose.apis.video import resolve_config_path
    with pytest.raises(FileNotFoundError, match='no such config in mmdet'):
        resolve_config_path('mmdet::rtmdet/nothing.py')
    for option, value in (('--fps', '-5'), ('--kpt-thr', '1.5'),
                          ('--det-batch', '0')):
        result = _tool('--input', CLIP, '--bboxes', boxes, '--output-root',
                       tmp_path / 'o', option, value)
        assert result.returncode == 2 and option in result.stdout
