# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MultiStageHRNet: four high-resolution stage features, stock HRNet keys,
frozen without autograd, re-entrant."""
import copy
import threading

import torch
from mmpose.models.backbones import HRNet

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.models.backbones import MultiStageHRNet

EXTRA = dict(
    stage1=dict(
        num_modules=1,
        num_branches=1,
        block='BOTTLENECK',
        num_blocks=(1, ),
        num_channels=(8, )),
    stage2=dict(
        num_modules=1,
        num_branches=2,
        block='BASIC',
        num_blocks=(1, 1),
        num_channels=(8, 16)),
    stage3=dict(
        num_modules=1,
        num_branches=3,
        block='BASIC',
        num_blocks=(1, 1, 1),
        num_channels=(8, 16, 32)),
    stage4=dict(
        num_modules=1,
        num_branches=4,
        block='BASIC',
        num_blocks=(1, 1, 1, 1),
        num_channels=(8, 16, 32, 64)))


def test_four_stage_features_at_quarter_resolution():
    net = MultiStageHRNet(extra=copy.deepcopy(EXTRA)).eval()
    feats = net(torch.randn(2, 3, 64, 96))
    assert len(feats) == 4
    for f in feats:
        assert f.shape == (2, 8, 16, 24)
    # F^4 is stock HRNet's output, and F^1 is the first transition's output
    stock = HRNet(extra=copy.deepcopy(EXTRA))
    stock.eval()  # MMPose's HRNet.train returns None: no chaining
    stock.load_state_dict(net.state_dict())
    x = torch.randn(1, 3, 64, 64)
    assert torch.allclose(net(x)[3], stock(x)[0])
    f1 = stock.transition1[0](
        stock.layer1(
            stock.relu(
                stock.norm2(
                    stock.conv2(stock.relu(stock.norm1(stock.conv1(x))))))))
    assert torch.allclose(net(x)[0], f1)
    # the four features differ (no stage returned twice)
    out = net(x)
    assert not any(
        torch.equal(out[i], out[j]) for i in range(4) for j in range(i + 1, 4))


def test_stock_hrnet_checkpoint_loads_strictly(tmp_path):
    stock = HRNet(extra=copy.deepcopy(EXTRA))
    torch.save(stock.state_dict(), tmp_path / 'hrnet.pth')
    net = MultiStageHRNet(extra=copy.deepcopy(EXTRA))
    assert set(net.state_dict()) == set(stock.state_dict())
    net.load_state_dict(torch.load(tmp_path / 'hrnet.pth'), strict=True)
    for key, value in stock.state_dict().items():
        assert torch.equal(net.state_dict()[key], value)


def test_frozen_backbone_has_no_graph_and_eval_batchnorm():
    net = MultiStageHRNet(extra=copy.deepcopy(EXTRA), frozen=True)
    net.train()
    assert not any(p.requires_grad for p in net.parameters())
    assert all(not m.training for m in net.modules()
               if isinstance(m, torch.nn.BatchNorm2d))
    x = torch.randn(2, 3, 64, 64, requires_grad=True)
    assert not any(f.requires_grad for f in net(x))
    stats = net.stage4[0].branches[0][0].bn1.running_mean.clone()
    net(x)
    assert torch.equal(stats, net.stage4[0].branches[0][0].bn1.running_mean)


def test_frozen_backbone_batchnorm_and_trainable_options():
    # norm_eval=False: frozen weights, but BatchNorm statistics update
    net = MultiStageHRNet(
        extra=copy.deepcopy(EXTRA), frozen=True, norm_eval=False).train()
    bn = net.stage4[0].branches[0][0].bn1
    stats = bn.running_mean.clone()
    net(torch.randn(2, 3, 64, 64))
    assert not torch.equal(stats, bn.running_mean)
    # frozen=False trains like a normal backbone
    net = MultiStageHRNet(extra=copy.deepcopy(EXTRA), frozen=False)
    net(torch.randn(1, 3, 64, 64))[0].sum().backward()
    assert net.conv1.weight.grad is not None


def test_every_stage_feature_equals_stock_hrnet_branch0():
    """F^2, F^3 are branch 0 of stock HRNet's stage 2 and 3 outputs
    (taken here with hooks on the stock model)."""
    net = MultiStageHRNet(extra=copy.deepcopy(EXTRA)).eval()
    stock = HRNet(extra=copy.deepcopy(EXTRA))
    stock.eval()
    stock.load_state_dict(net.state_dict())
    seen = {}

    def keep(name):

        def hook(module, args, out):
            seen[name] = out[0]

        return hook

    for name in ('stage2', 'stage3'):
        getattr(stock, name).register_forward_hook(keep(name))
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        f1, f2, f3, f4 = net(x)
        final = stock(x)
    assert torch.equal(f2, seen['stage2']) and torch.equal(f3, seen['stage3'])
    assert torch.equal(f4, final[0])


def test_two_threads_at_once_give_the_sequential_results():
    """No state on the module: concurrent calls do not mix features (the
    hook version stored them on the module and failed this)."""
    torch.manual_seed(0)
    net = MultiStageHRNet(extra=copy.deepcopy(EXTRA)).eval()
    inputs = [torch.randn(2, 3, 64, 64) for _ in range(2)]
    with torch.no_grad():
        expected = [net(x) for x in inputs]
    results = [[None] * 20, [None] * 20]
    start = threading.Barrier(2)

    def run(i):
        start.wait()
        with torch.no_grad():
            for r in range(20):
                results[i][r] = net(inputs[i])

    threads = [threading.Thread(target=run, args=(i, )) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(2):
        for out in results[i]:
            assert len(out) == 4
            assert all(torch.equal(a, b) for a, b in zip(out, expected[i]))


def test_channels_last_gives_the_same_features_and_checkpoints():
    """channels_last: the same stage features (float rounding), returned
    contiguous; a contiguous checkpoint loads into it and what it saves
    loads into a contiguous model with the same values."""
    torch.manual_seed(0)
    plain = MultiStageHRNet(extra=copy.deepcopy(EXTRA)).eval()
    fast = MultiStageHRNet(
        extra=copy.deepcopy(EXTRA), channels_last=True).eval()
    fast.load_state_dict(plain.state_dict())
    weight = fast.conv1.weight
    assert weight.is_contiguous(memory_format=torch.channels_last)
    assert not weight.is_contiguous()
    x = torch.randn(3, 3, 96, 64)
    with torch.no_grad():
        expected, got = plain(x), fast(x)
    for e, g in zip(expected, got):
        assert g.is_contiguous()
        torch.testing.assert_close(g, e, rtol=1e-4, atol=1e-5)
    back = MultiStageHRNet(extra=copy.deepcopy(EXTRA))
    back.load_state_dict(fast.state_dict())
    for k, v in back.state_dict().items():
        assert torch.equal(v, plain.state_dict()[k]), k
