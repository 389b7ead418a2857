# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""ONNX export of the video estimator and an onnxruntime backend for it.

``export_onnx`` writes the estimator's tensor mode: preprocessed clips
(B, T, 3, H, W), normalised as the config's data preprocessor does (mean,
std, RGB), -> heatmaps (B, K, h, w); no flip, no decoding (as MMDeploy
exports MMPose models). It uses ``torch.onnx.export(..., dynamo=True,
opset_version=19)``, with the deformable convolutions traced through
torchvision's op, which the exporter maps to ONNX ``DeformConv`` (opset 19);
onnxruntime runs that op on CPU (faster than the grid-sample form of the
same layer; docs/speed.md).

``OnnxRuntimeVideoEstimator`` runs such a file where the video tool and
``inference_clip`` run the torch model: the same preprocessing, the same
flip test (MMPose's ``flip_heatmaps``, averaged), the same decoding (the
config's codec) and the same output data samples.

onnx, onnxscript and onnxruntime are optional (``pip install
'tdmi_mmpose[onnx]'``); they are imported only here, when used.

Shape legend: B clips, T frames, K keypoints, h x w heatmap size.
"""
from typing import Optional, Union

import numpy as np
import torch
import torch.nn as nn

from ..models.utils import deform_impl

__all__ = ['export_onnx', 'OnnxRuntimeVideoEstimator', 'require_onnx']


def require_onnx(*modules: str):
    """Import the optional ONNX packages, or fail saying how to get them."""
    import importlib
    try:
        return [importlib.import_module(m) for m in modules]
    except ImportError as e:
        raise ImportError(
            f'{e.name} is not installed: the ONNX export and the '
            f'onnxruntime backend need the optional packages (pip install '
            f'"tdmi_mmpose[onnx]", or the pins in requirements/onnx.txt)'
        ) from None


class _TensorMode(nn.Module):
    """Clips -> heatmaps, the part that is exported."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        return self.model(clips, None, mode='tensor')


def _input_size(model) -> tuple:
    """(W, H) of the model's input, from its config's codec."""
    cfg = getattr(model, 'cfg', None)
    try:
        return tuple(cfg.codec.input_size)
    except AttributeError:
        raise ValueError('cannot tell the input size: the model has no '
                         'cfg.codec.input_size (build it with '
                         'mmpose.apis.init_model, or pass input_size)')


def export_onnx(model: nn.Module,
                out_file: str,
                batch: Union[int, str] = 'dynamic',
                input_size: Optional[tuple] = None,
                opset: int = 19) -> str:
    """Export a ``VideoTopdownPoseEstimator``'s tensor mode to ONNX.

    Args:
        model: the estimator (e.g. from ``mmpose.apis.init_model``).
        out_file: the ``.onnx`` file to write.
        batch: a fixed batch size, or ``'dynamic'`` (input dimension 0
            named ``batch``).
        input_size: (W, H); defaults to the model config's codec.
        opset: ONNX opset (19: the first with ``DeformConv``).

    Returns:
        str: ``out_file``.
    """
    require_onnx('onnx', 'onnxscript')
    if not hasattr(model, 'num_frames'):
        raise ValueError('export_onnx exports video estimators '
                         '(VideoTopdownPoseEstimator); got '
                         f'{type(model).__name__}')
    if batch != 'dynamic' and (not isinstance(batch, int) or batch < 1):
        raise ValueError(f"batch must be 'dynamic' or a positive int, got "
                         f'{batch!r}')
    w, h = input_size or _input_size(model)
    example = torch.randn(2 if batch == 'dynamic' else batch, model.num_frames,
                          3, h, w)
    dynamic = None
    if batch == 'dynamic':
        dynamic = {'clips': {0: torch.export.Dim('batch', min=1, max=1024)}}
    module = _TensorMode(model.cpu().eval()).eval()
    with deform_impl(model, 'torchvision'), torch.no_grad():
        torch.onnx.export(
            module, (example, ),
            out_file,
            dynamo=True,
            opset_version=opset,
            input_names=['clips'],
            output_names=['heatmaps'],
            dynamic_shapes=dynamic)
    return out_file


class OnnxRuntimeVideoEstimator(nn.Module):
    """The torch estimator's ``test_step`` / ``predict`` with the heatmaps
    computed by onnxruntime from an exported file.

    The torch model still provides what is not in the file: its config
    (the test pipeline), ``dataset_meta``, data preprocessor, ``test_cfg``
    (flip test) and the head's codec for decoding.

    Args:
        model: the estimator the file was exported from (same config).
        onnx_file: the exported file.
        num_threads: onnxruntime's intra-op threads (default: torch's).
    """

    def __init__(self,
                 model: nn.Module,
                 onnx_file: str,
                 num_threads: Optional[int] = None):
        super().__init__()
        ort, = require_onnx('onnxruntime')
        options = ort.SessionOptions()
        options.intra_op_num_threads = num_threads or torch.get_num_threads()
        self.session = ort.InferenceSession(
            onnx_file, options, providers=['CPUExecutionProvider'])
        inputs = self.session.get_inputs()
        if len(inputs) != 1 or len(inputs[0].shape) != 5:
            raise ValueError(f'{onnx_file}: expected one input of clips '
                             f'(B, T, 3, H, W), got '
                             f'{[(i.name, i.shape) for i in inputs]}')
        t = inputs[0].shape[1]
        if isinstance(t, int) and t != model.num_frames:
            raise ValueError(f'{onnx_file} takes T = {t} frames but the '
                             f'model config has T = {model.num_frames}')
        self.input_name = inputs[0].name
        # a file exported with a fixed batch takes exactly that many clips
        batch = inputs[0].shape[0]
        self.fixed_batch = batch if isinstance(batch, int) else None
        self.onnx_file = onnx_file
        self.model = model.cpu().eval()
        self.num_frames = model.num_frames
        self.key_frame_index = model.key_frame_index
        self.data_preprocessor = model.data_preprocessor
        self.test_cfg = model.test_cfg
        self.dataset_meta = getattr(model, 'dataset_meta', None)
        self.cfg = getattr(model, 'cfg', None)

    def heatmaps(self, clips: torch.Tensor) -> torch.Tensor:
        """(B, T, 3, H, W) preprocessed clips -> (B, K, h, w). A file with
        a fixed batch N runs on chunks of N clips, the last one padded with
        zeros (its extra outputs dropped)."""
        array = np.ascontiguousarray(clips.numpy())
        n = self.fixed_batch or len(array)
        outs = []
        for start in range(0, len(array), n):
            chunk = array[start:start + n]
            pad = n - len(chunk)
            if pad:
                chunk = np.concatenate(
                    [chunk,
                     np.zeros((pad, ) + chunk.shape[1:], chunk.dtype)])
            out = self.session.run(None, {self.input_name: chunk})[0]
            outs.append(out[:n - pad])
        return torch.from_numpy(np.concatenate(outs))

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor, data_samples):
        """What ``TopdownPoseEstimator.predict`` + ``HeatmapHead.predict``
        do, with the heatmaps from onnxruntime."""
        from mmpose.models.utils.tta import flip_heatmaps
        test_cfg = self.test_cfg
        heatmaps = self.heatmaps(inputs)
        if test_cfg.get('flip_test', False):
            flipped = flip_heatmaps(
                self.heatmaps(inputs.flip(-1)),
                flip_mode=test_cfg.get('flip_mode', 'heatmap'),
                flip_indices=data_samples[0].metainfo['flip_indices'],
                shift_heatmap=test_cfg.get('shift_heatmap', False))
            heatmaps = (heatmaps + flipped) * 0.5
        preds = self.model.head.decode(heatmaps)
        return self.model.add_pred_to_datasample(preds, None, data_samples)

    @torch.no_grad()
    def test_step(self, data: dict):
        data = self.data_preprocessor(data, False)
        return self.predict(data['inputs'], data['data_samples'])
