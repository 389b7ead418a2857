# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""tools/misc/check_dataset.py lists every planted fault of a generated set at
once (the dataset itself would stop at the first), before any training."""
import json
import subprocess
import sys

from conftest import ROOT

from tdmi_research import generate_synthetic_posetrack


def test_every_planted_fault_is_listed(tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=2), num_frames=6, seed=0)
    videos = sorted(p.name for p in (data / 'images' / 'val').iterdir())
    # frames: an empty one, a truncated one, a missing one
    (data / 'images' / 'val' / videos[0] / '000002.jpg').write_bytes(b'')
    broken = data / 'images' / 'val' / videos[0] / '000003.jpg'
    broken.write_bytes(broken.read_bytes()[:40])
    (data / 'images' / 'val' / videos[1] / '000004.jpg').unlink()
    # a frame of another size than the rest of its video
    import cv2
    odd = data / 'images' / 'val' / videos[1] / '000001.jpg'
    image = cv2.imread(str(odd))
    cv2.imwrite(str(odd), cv2.resize(image, None, fx=0.5, fy=0.5))
    # a per-sequence annotation file that is not JSON, next to a good one
    bad_ann = data / 'annotations' / 'val' / 'zz_broken.json'
    bad_ann.write_text('{"images": [')
    # detections: a NaN score and an unknown image
    det_file = data / 'detections' / 'posetrack18_val_detections.json'
    dets = json.loads(det_file.read_text())
    dets[0]['score'] = float('nan')
    dets[1]['image_id'] = 123
    det_file.write_text(json.dumps(dets))

    config = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
    result = subprocess.run([
        sys.executable,
        str(ROOT / 'tools' / 'misc' / 'check_dataset.py'),
        str(config), '--splits', 'val', '--workers', '2', '--cfg-options',
        f'val_dataloader.dataset.data_root={data}/',
        'val_dataloader.dataset.ann_file=annotations/val',
        f'val_dataloader.dataset.bbox_file={det_file}'
    ],
                            cwd=tmp_path,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            text=True,
                            timeout=300)
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    for expected in (f'{videos[0]}/000002.jpg: the file is empty',
                     f'cannot decode frame {broken}',
                     f'{videos[1]}/000004.jpg: no such file',
                     'zz_broken.json: not valid JSON', 'detection 0: "bbox"',
                     'must be finite', 'detection 1 names image_id 123',
                     f'{videos[1]}/000001.jpg: {image.shape[1] // 2}x'
                     f'{image.shape[0] // 2}, the other frames of'):
        assert expected in out, (expected, out[-3000:])
    assert '7 problems' in out
