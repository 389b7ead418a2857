# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The benchmark scripts run end to end at toy size and print their tables
(their figures are measured by running them, not by tests)."""
import json
import re

import numpy as np
import pytest
import torch
from conftest import ROOT, run_cmd

from tdmi_research import generate_synthetic_posetrack

DEMO_CONFIGS = ROOT / 'configs' / 'demo'


def test_speed_benchmark_prints_every_ratio(python, tmp_path):
    out = run_cmd([
        python, ROOT / 'tools' / 'analysis_tools' / 'benchmark_speed.py',
        '--steps', '1', '--tdmi-config',
        DEMO_CONFIGS / 'tdmi_demo_synthetic.py', '--single-config',
        DEMO_CONFIGS / 'single_frame_demo_synthetic.py', '--threads', '1', '2'
    ],
                  cwd=tmp_path).stdout
    for row in ('training step, single-frame HRNet', 'training step, TDMI',
                'training step, TDMI without MI losses',
                "torchvision's deformable conv", 'bfloat16 autocast',
                'of which the frozen backbone passes',
                'frozen backbone under bfloat16 autocast',
                'model alone per person-frame, TDMI',
                'model alone per person-frame, TDMI on onnxruntime',
                'inference per person-frame, single-frame',
                'inference per person-frame, TDMI exact mode',
                'inference per person-frame, TDMI fast mode, resample',
                'inference per person-frame, TDMI fast mode, window'):
        assert re.search(re.escape(row) + r'.*\| [\d.]+ \| [\d.]+x \|',
                         out), out[-2000:]
    assert 'process peak RSS' in out
    for threads in ('1 thread', '2 threads'):  # each thread count timed
        assert re.search(
            r"training step, TDMI \(the recipe: frozen backbone, authors' "
            rf'MI\) \({threads}\) \| [\d.]+ \|', out), out[-2000:]
        assert re.search(
            r'training step, TDMI without MI losses '
            rf'\({threads}\) \| [\d.]+ \|', out), out[-2000:]
    # the resample mode passes each frame through the backbone once; the
    # window mode at least once, fewer than T times
    crops = re.search(
        r'resample fast mode backbone crops per person-frame: ([\d.]+)', out)
    assert crops and float(crops.group(1)) == pytest.approx(1.0), out[-2000:]
    crops = re.search(
        r'window fast mode backbone crops per person-frame: ([\d.]+)', out)
    assert crops and 1.0 <= float(crops.group(1)) < 3, out[-2000:]


@pytest.mark.slow
def test_synthetic_benchmark_runs_resumes_and_reports(python, tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=8, seed=0)
    work = tmp_path / 'work'
    cmd = [
        python, ROOT / 'tools' / 'analysis_tools' / 'benchmark_synthetic.py',
        '--iters', '2', '--seeds', '0', '--data-root', data, '--work-dir', work
    ]
    out = run_cmd(cmd, cwd=tmp_path).stdout
    results = sorted(p.parent.name for p in work.glob('seed0/*/result.json'))
    # stage 1 and the ladder's four TDMI rungs
    assert results == [
        'TDE_alone', 'TDMI__MI_x0_1', 'TDMI__no_MI_losses',
        'TDMI__recipe__authors__MI', 'single_frame_HRNet__stage_1'
    ], results
    tdmi = json.loads((work / 'seed0' / 'TDMI__recipe__authors__MI' /
                       'result.json').read_text())
    assert set(tdmi['losses']) >= {'loss_kpt', 'loss_mi_reg'}
    assert 'y_useful_heatmaps' in tdmi['diagnostics']['terms']
    assert tdmi['threads'] == 1 and tdmi['iters'] == 2
    assert re.search(r'\| TDMI, no MI losses \| 1 \| 2 \|', out), out[-3000:]
    # each rung against the recipe, seed by seed
    assert re.search(r"paired difference to TDMI \(recipe: authors' MI\)", out)
    assert re.search(r'\| TDE alone \| 1 \| [+-][\d.]+ \|', out), out[-3000:]
    # the diagnostics tool on the recipe's checkpoint
    diag = run_cmd([
        python, ROOT / 'tools' / 'analysis_tools' / 'analyze_mi_terms.py',
        DEMO_CONFIGS / 'tdmi_demo_synthetic.py', work / 'seed0' /
        'TDMI__recipe__authors__MI' / 'iter_2.pth', '--batches', '1',
        '--cfg-options', f'train_dataloader.dataset.data_root={data}/'
    ],
                   cwd=tmp_path).stdout
    assert re.search(r'\| y_useful_heatmaps \| 1 \| .* \| [+-][\d.]+ \|',
                     diag), diag[-2000:]
    assert re.search(r'\| heatmaps \| [\d.]+ \|', diag)
    # a second run finds every result and only reports
    again = run_cmd(cmd, cwd=tmp_path).stdout
    assert '== ' not in again.split('wall time')[0]
    assert 'per-joint AP' in again
    # a run whose result is lost resumes from its last checkpoint
    (work / 'seed0' / 'TDMI__no_MI_losses' / 'result.json').unlink()
    resumed = run_cmd(cmd + ['--only', 'no MI losses'], cwd=tmp_path).stdout
    assert 'resumed from' in resumed, resumed[-2000:]
    result = json.loads(
        (work / 'seed0' / 'TDMI__no_MI_losses' / 'result.json').read_text())
    assert result['resumed_from'] == 'iter_2.pth'
    # the same seed at two threads, beside the one-thread results: the
    # noise floor row names both
    threads = run_cmd(
        cmd + ['--threads', '2', '--only', 'recipe'], cwd=tmp_path).stdout
    assert sorted(
        p.parent.name for p in work.glob('threads2/seed0/*/result.json')) == [
            'TDMI__recipe__authors__MI', 'single_frame_HRNet__stage_1'
        ]
    report = run_cmd(cmd + ['--report-only'], cwd=tmp_path).stdout
    assert re.search(
        r"\| TDMI \(recipe: authors' MI\) \| 1 \| n/a \| seed 0: "
        r'[\d.]+ at 1 -> [\d.]+ at 2 threads \|', report), report[-3000:]
    assert 'threads' in threads


@pytest.mark.slow
def test_synthetic_benchmark_trains_to_a_plateau(python, tmp_path):
    """Without --iters every model validates every --eval-every iterations
    (MMEngine's ReduceOnPlateauLR and EarlyStoppingHook watch Total AP) and
    keeps its validation curve; stage 2 starts from stage 1's last
    checkpoint."""
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=6, seed=0)
    work = tmp_path / 'work'
    out = run_cmd([
        python, ROOT / 'tools' / 'analysis_tools' / 'benchmark_synthetic.py',
        '--eval-every', '1', '--max-iters', '2', '--seeds', '0', '--data-root',
        data, '--work-dir', work, '--only', 'no MI losses'
    ],
                  cwd=tmp_path).stdout
    for run in ('single_frame_HRNet__stage_1', 'TDMI__no_MI_losses'):
        result = json.loads((work / 'seed0' / run / 'result.json').read_text())
        assert result['plateau'] is True
        assert [p['iter'] for p in result['curve']] == [1, 2], result['curve']
        assert all(p['all'] is not None and p['lr'] > 0
                   for p in result['curve'])
        assert result['checkpoint'].endswith('iter_2.pth')
    assert 'validation curves' in out and 'to a plateau' in out


def _one_iteration_study(python, tmp_path, *options) -> str:
    """benchmark_synthetic.py with ``options``: stage 1 and the no-MI TDMI,
    one iteration each, on a one-video set, into tmp_path/work."""
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=6, seed=0)
    return run_cmd([
        python, ROOT / 'tools' / 'analysis_tools' / 'benchmark_synthetic.py',
        '--iters', '1', '--seeds', '0', '--data-root', data, '--work-dir',
        tmp_path / 'work', *options, '--only', 'no MI losses'
    ],
                   cwd=tmp_path).stdout


@pytest.mark.slow
def test_synthetic_benchmark_at_the_recipe_sizes(python, tmp_path):
    """--sizes recipe: both stages at C = 48 and 96 x 72 heatmaps (one
    iteration each), results under WORK_DIR/recipe."""
    work = tmp_path / 'work'
    out = _one_iteration_study(python, tmp_path, '--sizes', 'recipe')
    results = sorted(
        p.parent.name for p in work.glob('recipe/seed0/*/result.json'))
    assert results == ['TDMI__no_MI_losses', 'single_frame_HRNet__stage_1']
    result = json.loads((work / 'recipe' / 'seed0' / 'TDMI__no_MI_losses' /
                         'result.json').read_text())
    assert result['losses']['heatmap_peak'], result['losses']
    assert re.search(r'\| TDMI, no MI losses \| 1 \| 1 \|', out)


@pytest.mark.slow
def test_synthetic_benchmark_on_another_backbone(python, tmp_path):
    """--backbone resnet18: stage 1 is MMPose's SimpleBaseline on ResNet-18,
    stage 2 TDMI on its frozen ResNet-18 behind MultiLevelBackbone (one
    iteration each), results under WORK_DIR/backbone_resnet18."""
    work = tmp_path / 'work'
    out = _one_iteration_study(python, tmp_path, '--backbone', 'resnet18')
    seed = work / 'backbone_resnet18' / 'seed0'
    assert sorted(p.parent.name for p in seed.glob('*/result.json')) == [
        'TDMI__no_MI_losses', 'single_frame_HRNet__stage_1'
    ]
    stage1 = torch.load(
        seed / 'single_frame_HRNet__stage_1' / 'iter_1.pth',
        map_location='cpu',
        weights_only=False)['state_dict']
    stage2 = torch.load(
        seed / 'TDMI__no_MI_losses' / 'iter_1.pth',
        map_location='cpu',
        weights_only=False)['state_dict']
    assert 'backbone.layer4.0.conv1.weight' in stage1  # a ResNet stage 1
    # stage 2 wraps stage 1's ResNet, frozen: the same weights
    assert torch.equal(stage1['backbone.layer4.0.conv1.weight'],
                       stage2['backbone.backbone.layer4.0.conv1.weight'])
    assert re.search(r'\| TDMI, no MI losses \| 1 \| 1 \|', out)


def test_video_modes_benchmark_prints_speed_and_ap(python, tmp_path):
    """Both video modes on a synthetic sequence: the timing table, the
    fast mode's counters and the AP table with the generator's subsets."""
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=8, seed=0)
    out = run_cmd([
        python, ROOT / 'tools' / 'analysis_tools' / 'benchmark_video_modes.py',
        ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py', '--sequences',
        data / 'annotations' / 'val', '--bboxes',
        data / 'detections' / 'posetrack18_val_detections.json', '--out',
        tmp_path / 'out', '--feature-error'
    ],
                  cwd=tmp_path).stdout
    for mode in ('window', 'resample'):
        assert re.search(rf'{mode} mode speed-up: [\d.]+x', out), out[-2000:]
        assert re.search(
            rf'{mode} mode: [\d.]+ backbone crops per person-frame', out)
    assert re.search(r'\| all \(\d+\)( \| [\d.]+){3}( \| [+-][\d.]+){2} \|',
                     out), out[-2000:]
    assert '| clean (' in out
    assert re.search(
        r'\| consecutive frames, own boxes \(\d+ pairs\)( \| [\d.]+){4} \|',
        out), out[-2000:]
    assert '| same frame, crop moved 32 input px |' in out
    written = sorted(p.name for p in (tmp_path / 'out' / 'window').iterdir())
    assert written == sorted(
        p.name for p in (data / 'annotations' / 'val').iterdir())


def _benchmark_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'benchmark_synthetic',
        ROOT / 'tools' / 'analysis_tools' / 'benchmark_synthetic.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_paired_interval_and_seeds_needed_compute_what_they_say():
    """The report's statistics on numbers worked by hand: the mean of the
    paired differences with its 95 % t interval (Student's t with n - 1
    degrees of freedom, sample standard deviation), and the seeds for a
    2-AP difference at 5 % / 80 % power."""
    bench = _benchmark_module()
    # differences 1, 2, 3, 4, 5: mean 3, sd sqrt(2.5), t(4) = 2.776
    half = 2.776 * np.sqrt(2.5) / np.sqrt(5)
    assert bench._interval([1, 2, 3, 4, 5]) == (f'+3.0 [{3 - half:+.1f}, '
                                                f'{3 + half:+.1f}]')
    assert bench._interval([-2.0]) == '-2.0'  # one seed: no interval
    assert bench._interval([]) == 'n/a'
    # sd 2.5 AP: (2.8 * 2.5 / 2)^2 = 12.25 -> 13 seeds
    assert bench.seeds_needed(2.5) == 13
    assert bench.seeds_needed(2.5, delta=5.0) == 2  # (1.4)^2 = 1.96
    assert bench.seeds_needed(0.0) == 0
