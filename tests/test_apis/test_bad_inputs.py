# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Bad inputs to the video API, each class refused (or logged) the same way
through ``VideoPoseInferencer`` and through the video tool
(docs/bad_inputs.md, "Video tool" rows)."""
import subprocess
import sys

import pytest
from conftest import ROOT, write_clip_boxes

from tdmi_mmpose.apis.video import VideoPoseInferencer
from tdmi_mmpose.apis.video import run as video_run

TINY = str(ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py')
CLIP = ROOT / 'tests' / 'data' / 'posetrack18_clip'
FRAMES = [str(p) for p in sorted(CLIP.glob('*.jpg'))]
BOX = [350., 80., 650., 680., 0.9]


@pytest.fixture(scope='module')
def inferencer():
    return VideoPoseInferencer(TINY, device='cpu')


def _run(inferencer, inputs=FRAMES, **kwargs):
    return list(inferencer(inputs, **kwargs))


def _tool(*args):
    return subprocess.run([
        sys.executable,
        str(ROOT / 'tools' / 'demos' / 'video_demo.py'), TINY, '--input',
        str(CLIP), *map(str, args)
    ],
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=600)


def test_boxes_that_match_no_frame_are_an_error(inferencer, tmp_path):
    other = {'other_video/000000.jpg': [BOX]}
    with pytest.raises(
            ValueError,
            match='no box of the bboxes dict names a '
            "frame of frames .*first frame is 'posetrack18_clip/000000.jpg'"):
        _run(inferencer, bboxes=other)
    # the same file through the tool (its error names the file)
    boxes = tmp_path / 'other.json'
    boxes.write_text('[{"image_name": "other_video/000000.jpg", '
                     '"bbox": [0, 0, 9, 9], "score": 0.9}]')
    result = _tool('--bboxes', boxes, '--output-root', tmp_path / 'out')
    assert result.returncode == 1
    assert f'no box of {boxes} names a frame' in result.stdout


def test_boxes_for_some_frames_are_counted(inferencer, monkeypatch):
    said = []
    monkeypatch.setattr(video_run, 'print_log',
                        lambda msg, **kw: said.append(msg))
    results = _run(
        inferencer,
        bboxes={
            'posetrack18_clip/000001.jpg': [BOX],
            'posetrack18_clip/000003.jpg': [BOX]
        })
    assert [len(r['predictions']) for r in results] == [0, 1, 0, 1, 0]
    assert said == [
        'the bboxes dict: boxes for 2 of 5 frames of frames; '
        'the others have no person'
    ]


@pytest.mark.parametrize('kwargs, message', [
    (dict(kpt_thr=1.5), r'kpt_thr must be \[0.0, 1.0\], got 1.5'),
    (dict(kpt_thr=-1), r'kpt_thr must be \[0.0, 1.0\], got -1'),
    (dict(bbox_thr=1.5), r'bbox_thr must be \[0.0, 1.0\], got 1.5'),
    (dict(bbox_thr='0.3'), r"bbox_thr must be a number .*got '0.3'"),
    (dict(track_thr=float('nan')), r'track_thr must be a number'),
    (dict(fps=0), r'fps must be > 0'),
    (dict(det_batch=0), r'det_batch must be >= 1'),
    (dict(bboxes={'frames/000000.jpg': [BOX[:4]]}), r'\(no scores\?\)'),
    (dict(bboxes={'frames/000000.jpg': [[650, 80, 350, 680, 0.9]]}),
     'negative width or height'),
    (dict(bboxes={'frames/000000.jpg': 'box'}), r'expected \(N, 5\)'),
])
def test_values_refused_by_the_api(inferencer, kwargs, message):
    kwargs.setdefault('bboxes', {'posetrack18_clip/000000.jpg': [BOX]})
    with pytest.raises(ValueError, match=message):
        _run(inferencer, **kwargs)


def test_lists_of_numbers_are_boxes(inferencer):
    results = _run(inferencer, bboxes={'posetrack18_clip/000002.jpg': [BOX]})
    assert [len(r['predictions']) for r in results] == [0, 0, 1, 0, 0]


def test_frame_paths_match_their_own_box_file(inferencer, tmp_path):
    """Paths are keyed '<folder>/<file>', as the sequence's box file names
    its frames."""
    boxes = write_clip_boxes(tmp_path / 'boxes.json')
    results = _run(inferencer, bboxes=str(boxes))
    assert [len(r['predictions']) for r in results] == [1] * 5


@pytest.mark.parametrize('fast, options, message', [
    (False, dict(margin=0.1), 'without a fast mode'),
    ('window', dict(min_iou=0.5), "'min_iou' is not an option"),
    ('window', dict(margin='a'), "margin must be a number .*got 'a'"),
    ('window', dict(scale_tol=float('nan')), 'scale_tol must be a number'),
])
def test_fast_options_refused_by_the_api(fast, options, message):
    with pytest.raises(ValueError, match=message):
        VideoPoseInferencer(
            TINY, device='cpu', fast=fast, fast_options=options)


@pytest.mark.parametrize('args, message', [
    (('--window-margin', '0.1'), '--window-margin is an option of --fast '
     'window'),
    (('--fast', 'window', '--min-iou', '0.5'),
     '--min-iou is an option of --fast resample'),
    (('--kpt-thr', '1.5'), '--kpt-thr must be in [0, 1], got 1.5'),
])
def test_the_tool_refuses_the_same(tmp_path, args, message):
    result = _tool('--bboxes', write_clip_boxes(tmp_path / 'b.json'),
                   '--output-root', tmp_path / 'out', *args)
    assert result.returncode == 2 and message in result.stdout


def test_outputs_never_go_among_input_frames(inferencer, tmp_path):
    import shutil
    frames = tmp_path / 'frames'
    shutil.copytree(CLIP, frames)
    paths = [str(p) for p in sorted(frames.glob('*.jpg'))]
    with pytest.raises(ValueError, match='inside the input folder'):
        _run(
            inferencer,
            paths,
            bboxes={'frames/000000.jpg': [BOX]},
            vis_out_dir=str(frames))
    assert sorted(p.name
                  for p in frames.iterdir()) == sorted(p.name
                                                       for p in CLIP.iterdir())
