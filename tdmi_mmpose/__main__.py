# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""``python -m tdmi_mmpose``: versions, what the package registered, and a
self-check of the installation (mmcv's compiled ops, checkpoint loading).

The TDMI model itself uses no mmcv op (its deformable convolutions are
torchvision's), but MMPose imports ``mmcv.ops`` when it is imported (its
EDPose head), and mmcv is the one package compiled at set-up: an mmcv built
without ops, or against another torch, breaks every MMPose import. Running
one small op (NMS) proves the compiled extension loads and computes.
"""
import argparse
import json
import sys
import tempfile
from importlib import metadata

import tdmi_mmpose

PACKAGES = ('torch', 'torchvision', 'numpy', 'mmcv', 'mmengine', 'mmpose',
            'mmdet', 'xtcocotools', 'opencv-python', 'openmim')


def versions() -> dict:
    found = {'tdmi_mmpose': tdmi_mmpose.__version__}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def self_check() -> dict:
    """Exercise what a broken install gets wrong; raise on failure:
    mmcv's compiled extension (which MMPose imports) and torch's
    ``weights_only`` loading of an MMEngine checkpoint."""
    import torch
    from mmcv.ops import nms
    from mmengine.runner.checkpoint import _load_checkpoint

    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.],
                          [20., 20., 30., 30.]])
    _, keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7]), iou_threshold=0.5)
    if keep.tolist() != [0, 2]:
        raise RuntimeError(f'mmcv.ops.nms returned {keep.tolist()}, '
                           'expected [0, 2]: mmcv ops are broken')

    import numpy as np
    from mmengine.logging import MessageHub
    hub = MessageHub.get_instance('tdmi_self_check')
    hub.update_scalar('train/loss', 1.0)
    with tempfile.NamedTemporaryFile(suffix='.pth') as f:
        torch.save(
            {
                'state_dict': {
                    'w': torch.ones(1)
                },
                'meta': {
                    'seed': np.int64(0)
                },
                'message_hub': hub.state_dict()
            }, f.name)
        ckpt = _load_checkpoint(f.name, map_location='cpu')
    if 'train/loss' not in ckpt['message_hub']['log_scalars']:
        raise RuntimeError('an MMEngine checkpoint did not round-trip')
    return {
        'mmcv.ops': 'ok',
        'weights_only checkpoint loading': 'ok',
        'cuda available': torch.cuda.is_available()
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog='python -m tdmi_mmpose', description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--list', action='store_true', help='only list the registered modules')
    parser.add_argument(
        '--json', action='store_true', help='print one JSON object')
    args = parser.parse_args(argv)

    report = {'registered': tdmi_mmpose.list_registered()}
    if not args.list:
        report = {'versions': versions(), **report, 'self_check': self_check()}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for section, content in report.items():
        print(f'{section}:')
        if not content:
            print('  (nothing yet)')
        for key, value in content.items():
            if isinstance(value, dict):
                print(f'  {key}:')
                for name, where in value.items():
                    print(f'    {name:32s} {where}')
            else:
                print(f'  {key:32s} {value}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
