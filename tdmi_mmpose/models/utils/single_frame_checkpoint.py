# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""TDMI's stage 1 in stage 2: the frozen backbone and the MI projector come
from a single-frame top-down checkpoint (MMPose 1.x or 0.x key names), and
a whole-model checkpoint that does not fit is refused.

Why not MMEngine's ``Pretrained`` init_cfg: it loads with ``strict=False``
and only logs what is missing (a stage-1 checkpoint of another backbone
would train on random features without an error), and the projector's key
prefix (``head.final_layer.`` in MMPose 1.x checkpoints,
``keypoint_head.final_layer.`` in 0.x ones such as the released
PoseTrack18 HRNet-W48) is known only once the file is read.
"""
from typing import Dict

from mmengine.logging import print_log
from mmengine.runner.checkpoint import _load_checkpoint
from torch import Tensor

__all__ = [
    'FINAL_LAYER_PREFIXES', 'load_single_frame_checkpoint', 'refuse_misfits'
]

# where a single-frame checkpoint keeps its final 1x1 layer: MMPose 1.x, 0.x
FINAL_LAYER_PREFIXES = ('head.final_layer.', 'keypoint_head.final_layer.')
_NO_PROJECTOR_HINT = ('for a stage 1 without a heatmap layer, e.g. '
                      "RTMPose's SimCC head, set "
                      'model.projector_from_checkpoint=False')


def load_single_frame_checkpoint(model,
                                 filename: str,
                                 projector: bool = True) -> None:
    """Load ``model``'s frozen backbone (a ``MultiLevelBackbone``'s inner
    one) and, with ``projector``, ``model.head.y_projector`` from a
    single-frame top-down checkpoint, strictly.

    Raises:
        KeyError: if a backbone key or the final layer is missing.
        ValueError: if a shape differs from the model's.
    """
    ckpt = _load_checkpoint(filename, map_location='cpu')
    state = ckpt.get('state_dict', ckpt)
    target = getattr(model.backbone, 'single_frame_backbone', model.backbone)
    own = target.state_dict()
    weights = {
        k[len('backbone.'):]: v
        for k, v in state.items() if k.startswith('backbone.')
    }
    missing = sorted(set(own) - set(weights))
    if missing:
        raise KeyError(
            f'{filename}: {len(missing)} backbone keys are missing, e.g. '
            f'backbone.{missing[0]}; expected a single-frame top-down '
            f'checkpoint of the same backbone')
    _check_shapes(filename, 'backbone.', own, weights)
    target.load_state_dict({k: weights[k] for k in own}, strict=True)
    if not projector:
        print_log(
            f'loaded the backbone ({len(own)} tensors) from the '
            f'single-frame checkpoint {filename}; the MI projector is '
            f'not loaded (projector_from_checkpoint=False)',
            logger='current')
        return
    layer = model.head.y_projector
    prefix = next((p for p in FINAL_LAYER_PREFIXES if p + 'weight' in state),
                  None)
    if prefix is None:
        raise KeyError(f'{filename} has no final layer under any of '
                       f'{list(FINAL_LAYER_PREFIXES)}: cannot load the MI '
                       f'projector ({_NO_PROJECTOR_HINT})')
    final = {k: state[prefix + k] for k in ('weight', 'bias')}
    try:
        _check_shapes(filename, prefix,
                      dict(weight=layer.weight, bias=layer.bias), final)
    except ValueError as e:
        raise ValueError(f'{e}: it is not a 1x1 heatmap layer of the '
                         f'width C ({_NO_PROJECTOR_HINT})') from e
    layer.load_state_dict(final, strict=True)
    print_log(
        f'loaded the backbone ({len(own)} tensors) and the MI projector '
        f'({prefix}*) from the single-frame checkpoint {filename}',
        logger='current')


def refuse_misfits(model, state_dict: Dict[str, Tensor], prefix: str,
                   num_frames: int) -> None:
    """Refuse a whole-model ``state_dict`` whose tensors do not all fit
    ``model`` (other shapes, missing parameters), before any is copied: a
    checkpoint of another T, width or model would be tested with random
    layers.

    Raises:
        ValueError: naming up to five misfits of each kind and the option
            that loads what fits anyway.
    """
    own = model.state_dict()
    params = {n for n, _ in model.named_parameters()}
    misfits = [
        f'{k}: checkpoint {tuple(state_dict[prefix + k].shape)}, model '
        f'{tuple(v.shape)}' for k, v in own.items()
        if prefix + k in state_dict and hasattr(state_dict[prefix +
                                                           k], 'shape')
        and tuple(state_dict[prefix + k].shape) != tuple(v.shape)
    ]
    missing = sorted(k for k in params if prefix + k not in state_dict)
    if not misfits and not missing:
        return
    lines = misfits[:5] + [f'{k}: not in the checkpoint' for k in missing[:5]]
    raise ValueError(
        f'the checkpoint does not fit this {type(model).__name__} '
        f'(T={num_frames}): {len(misfits)} tensors of another '
        f'shape and {len(missing)} parameters missing, e.g.\n  ' +
        '\n  '.join(lines) + '\nA checkpoint of another T, width or '
        'model would be tested with random layers. To load what fits '
        'anyway, set model.allow_partial_load=True '
        '(--cfg-options model.allow_partial_load=True).')


def _check_shapes(filename: str, prefix: str, own: Dict[str, Tensor],
                  loaded: Dict[str, Tensor]) -> None:
    for key, value in own.items():
        if tuple(loaded[key].shape) != tuple(value.shape):
            raise ValueError(f'{filename}: {prefix}{key} has shape '
                             f'{tuple(loaded[key].shape)}, the model expects '
                             f'{tuple(value.shape)}')
