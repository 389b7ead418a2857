# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The prepared GPU check: its batch search, and its tiny CPU mode (the
report a GPU run prints, on the tests' tiny configs) kept working here."""
import importlib.util
import json
import sys

import pytest
from conftest import ROOT, run_cmd

TOOL = ROOT / 'tools' / 'analysis_tools' / 'gpu_check.py'


@pytest.fixture(scope='module')
def gpu_check():
    spec = importlib.util.spec_from_file_location('gpu_check', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('limit, start, cap, expected', [
    (37, 30, 128, 37),
    (1000, 30, 128, 128),
    (0, 30, 128, 0),
    (12, 30, 128, 12),
    (30, 30, 30, 30),
])
def test_largest_batch_search(gpu_check, monkeypatch, limit, start, cap,
                              expected):
    tried = []

    def fits(model, cfg, batch, device, amp):
        tried.append(batch)
        return batch <= limit

    monkeypatch.setattr(gpu_check, '_fits', fits)
    assert gpu_check.largest_batch(None, None, start, cap, 'cuda',
                                   False) == expected
    assert max(tried) <= cap and len(tried) <= 12


def test_epoch_projection(gpu_check):
    rows = [
        dict(model='TDMI recipe', precision='float32', seconds=3.0, batch=30),
        dict(
            model='single-frame HRNet (MMPose)',
            precision='float32',
            seconds=1.0,
            batch=30)
    ]
    (epoch, ) = gpu_check.epoch_projection(rows, 60000)
    assert epoch['minutes'] == pytest.approx(3.0 / 30 * 60000 / 60)


def test_tiny_mode_prints_the_gpu_report(tmp_path):
    out_file = tmp_path / 'report.json'
    out = run_cmd([sys.executable, TOOL, '--tiny', '--out', out_file],
                  cwd=tmp_path,
                  env={
                      'OMP_NUM_THREADS': '2'
                  }).stdout
    for heading in ('== GPU check:', '1. CUDA tests', '2. training step',
                    '3. projected epoch', '4. inference per person-frame',
                    '5. synthetic two-stage benchmark'):
        assert heading in out
    report = json.loads(out_file.read_text())
    # without a GPU every CUDA test is skipped, with the reason
    cuda_tests = (ROOT / 'tests' /
                  'test_cuda.py').read_text().count('\ndef test_')
    assert report['cuda_tests']['counts'] == {'skipped': cuda_tests}
    assert any('needs a CUDA GPU' in r
               for r in report['cuda_tests']['skip_reasons'])
    rows = report['training']
    assert [(r['model'], r['precision']) for r in rows] == [
        ('single-frame HRNet (MMPose)', 'float32'), ('TDMI recipe', 'float32'),
        ('single-frame HRNet (MMPose)', 'bfloat16 (CPUAmpOptimWrapper)'),
        ('TDMI recipe', 'bfloat16 (CPUAmpOptimWrapper)')
    ]
    for base, tdmi in (rows[:2], rows[2:]):
        assert base['ratio'] == 1.0
        assert tdmi['ratio'] == pytest.approx(tdmi['seconds'] /
                                              base['seconds'])
    # tiny models on CPU fit the whole search range
    assert all(r['largest_batch'] == report['max_batch'] for r in rows)
    assert [e['minutes'] for e in report['epoch']] == pytest.approx(
        [r['seconds'] / r['batch'] * 10000 / 60 for r in rows[1::2]])
    inference = report['inference']
    assert inference[0]['ratio'] == 1.0 and len(inference) == 4
    assert inference[1]['backbone_crops'] is None
    assert all(r['backbone_crops'] >= 1.0 for r in inference[2:])
    assert report['synthetic'] == dict(run=False, why='tiny mode')
