# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""``deform_conv2d_sampled`` equals torchvision's modulated deformable
convolution in value and in every gradient, including samples that fall
outside the map, several offset groups, dilation and maps of height or
width 1; ``ModulatedDeformAlign`` gives the same result with either
implementation."""
import pytest
import torch
from torchvision.ops import deform_conv2d

from tdmi_mmpose.models.utils.blocks import (ModulatedDeformAlign,
                                             deform_conv2d_sampled,
                                             deform_impl)


def _inputs(n, c, o, h, w, groups, scale, dtype, seed=0):
    g = torch.Generator().manual_seed(seed)

    def rand(*shape, s=1.0):
        return (torch.randn(*shape, generator=g, dtype=dtype) *
                s).requires_grad_()

    return (rand(n, c, h, w), rand(n, 2 * groups * 9, h, w, s=scale),
            rand(n, groups * 9, h, w), rand(o, c, 3, 3), rand(o))


@pytest.mark.parametrize(
    'n,c,o,h,w,groups,dilation,scale',
    [
        (2, 4, 3, 7, 5, 1, 1, 0.5),
        (3, 8, 8, 9, 6, 2, 3, 3.0),  # many samples outside the map
        (1, 6, 2, 1, 5, 3, 1, 1.0),  # height 1
        (2, 4, 4, 6, 1, 2, 2, 1.0),  # width 1
    ])
def test_equals_torchvision_value_and_gradients(n, c, o, h, w, groups,
                                                dilation, scale):
    x, offset, mask, weight, bias = _inputs(n, c, o, h, w, groups, scale,
                                            torch.float64)
    ours = deform_conv2d_sampled(x, offset, mask, weight, bias, dilation,
                                 dilation)
    theirs = deform_conv2d(
        x,
        offset,
        weight,
        bias,
        padding=dilation,
        dilation=dilation,
        mask=mask)
    assert ours.shape == (n, o, h, w)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-10)
    upstream = torch.randn_like(ours)
    params = (x, offset, mask, weight, bias)
    for name, a, b in zip(('x', 'offset', 'mask', 'weight', 'bias'),
                          torch.autograd.grad(ours, params, upstream),
                          torch.autograd.grad(theirs, params, upstream)):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-9, msg=name)


def test_float32_close_to_torchvision():
    x, offset, mask, weight, bias = _inputs(2, 16, 16, 24, 18, 4, 1.0,
                                            torch.float32)
    ours = deform_conv2d_sampled(x, offset, mask, weight, bias, 3, 3)
    theirs = deform_conv2d(
        x, offset, weight, bias, padding=3, dilation=3, mask=mask)
    scale = theirs.abs().max()
    assert (ours - theirs).abs().max() < 1e-5 * scale


def test_align_module_same_with_either_implementation():
    torch.manual_seed(0)
    align = ModulatedDeformAlign(8, deform_groups=2, deform_dilation=3)
    for conv in (align.offset_conv, align.mask_conv):
        torch.nn.init.normal_(conv.weight, std=0.1)
    x, guide = torch.randn(2, 8, 10, 7), torch.randn(2, 8, 10, 7)
    outs = {}
    for impl in ('torchvision', 'sampled', 'auto'):
        with deform_impl(align, impl):
            assert align.impl == impl
            outs[impl] = align(x, guide)
        assert align.impl == 'auto'  # the module's own choice, restored
    torch.testing.assert_close(outs['sampled'], outs['torchvision'])
    assert torch.equal(outs['auto'], outs['sampled'])  # on CPU
    built = ModulatedDeformAlign(8, deform_groups=2, impl='torchvision')
    assert built.impl == 'torchvision'
    with pytest.raises(ValueError, match='impl must be one of'):
        ModulatedDeformAlign(8, deform_groups=2, impl='cuda-only')
    with pytest.raises(ValueError, match='impl must be one of'):
        with deform_impl(align, 'cuda-only'):
            pass


def test_deform_impl_restores_each_module_after_an_error():
    """The scoped switch touches only the given model's modules and
    restores each one's own choice even when the block raises."""
    a = ModulatedDeformAlign(8, deform_groups=2, impl='sampled')
    b = ModulatedDeformAlign(8, deform_groups=2)
    other = ModulatedDeformAlign(8, deform_groups=2)
    both = torch.nn.ModuleList([a, b])
    with pytest.raises(RuntimeError, match='inside'):
        with deform_impl(both, 'torchvision'):
            assert a.impl == b.impl == 'torchvision'
            assert other.impl == 'auto'
            raise RuntimeError('inside')
    assert (a.impl, b.impl, other.impl) == ('sampled', 'auto', 'auto')


def test_refuses_offsets_that_do_not_fit():
    x, offset, mask, weight, bias = _inputs(1, 6, 2, 5, 5, 3, 1.0,
                                            torch.float32)
    with pytest.raises(ValueError, match='do not fit 3 groups'):
        deform_conv2d_sampled(x, offset[:, :-2], mask, weight, bias, 1, 1)
