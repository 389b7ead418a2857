# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Export a TDMI model to ONNX (clips -> heatmaps) and check it.

    python tools/deployment/export_onnx.py CONFIG [CHECKPOINT] \
        --out FILE.onnx [--batch N|dynamic] [--no-check]

The file takes preprocessed clips (B, T, 3, H, W), normalised as the
config's data preprocessor does, and returns heatmaps (B, K, h, w); flip
test and decoding stay outside, as in MMDeploy's exports
(``tdmi_mmpose.apis.onnx_backend``; the video tool's ``--backend
onnxruntime`` adds them back). Unless ``--no-check``, onnxruntime then runs
the file on random clips (batch 1 and 3, or the fixed batch) and the
largest difference to torch's heatmaps is printed. Needs the optional ONNX
packages: ``pip install "tdmi_mmpose[onnx]"``.
"""
import argparse
import os
import sys
import time


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config', help='TDMI config')
    parser.add_argument(
        'checkpoint',
        nargs='?',
        help='TDMI checkpoint (default: none, random weights)')
    parser.add_argument('--out', required=True, help='the .onnx file to write')
    parser.add_argument(
        '--batch',
        default='dynamic',
        help="a fixed batch size, or 'dynamic' (default)")
    parser.add_argument(
        '--no-check',
        action='store_true',
        help='skip comparing onnxruntime with torch after the export '
        '(default: compared)')
    args = parser.parse_args(argv)
    folder = os.path.dirname(os.path.abspath(args.out))
    if os.path.isdir(args.out):
        parser.error(f'--out {args.out} is a folder; give the .onnx file')
    from tdmi_mmpose.posetrack_format import check_outputs
    try:  # the config or the checkpoint overwritten by the export
        check_outputs([args.out], [args.config, args.checkpoint], '--out')
    except ValueError as e:
        parser.error(str(e))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        parser.error(f'--out {args.out}: the folder {folder} does not exist '
                     f'or cannot be written (checked before exporting)')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    batch = args.batch
    if batch != 'dynamic':
        try:
            batch = int(batch)
        except ValueError:
            print(
                f"error: --batch {batch}: expected 'dynamic' or a number",
                file=sys.stderr)
            return 1
    import torch
    from mmpose.apis import init_model

    from tdmi_mmpose.apis.onnx_backend import (OnnxRuntimeVideoEstimator,
                                               export_onnx)
    if not args.checkpoint:
        print('warning: no checkpoint given, exporting random weights')
    try:
        model = init_model(args.config, args.checkpoint, device='cpu')
        if getattr(model, 'backbone_autocast', None):
            # a PyTorch runtime option; the file is the float32 graph
            print(f'note: the config sets backbone_autocast='
                  f'{model.backbone_autocast!r}; exported in float32')
            model.backbone_autocast = None
        start = time.time()
        export_onnx(model, args.out, batch=batch)
    except (ImportError, ValueError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(f'exported {args.out} in {time.time() - start:.1f} s')
    if args.no_check:
        return 0
    backend = OnnxRuntimeVideoEstimator(model, args.out)
    w, h = model.cfg.codec.input_size
    for b in ((1, 3) if batch == 'dynamic' else (batch, )):
        clips = torch.randn(b, model.num_frames, 3, h, w)
        with torch.no_grad():
            ref = model(clips, None, mode='tensor')
        diff = (backend.heatmaps(clips) - ref).abs().max().item()
        print(f'batch {b}: max |onnxruntime - torch| = {diff:.2e} '
              f'(heatmaps up to {ref.abs().max().item():.3g})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
