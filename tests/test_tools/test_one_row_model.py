# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The one-row model of the heatmap MI terms reproduces the figures the
method notes quote (its minima depend on sum(g^2), log(hw) and the weight;
a wrong target, entropy or temperature moves them)."""
import importlib.util

import numpy as np
import pytest
from conftest import ROOT, run_cmd

SCRIPT = ROOT / 'tools' / 'analysis_tools' / 'one_row_model.py'


@pytest.fixture(scope='module')
def one_row():
    spec = importlib.util.spec_from_file_location('one_row_model', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_target_matches_the_plain_msra_target(one_row):
    from mmpose.codecs.utils.gaussian_heatmap import generate_gaussian_heatmaps
    for size, sigma in (((24, 32), 2.0), ((72, 96), 3.0)):
        heatmaps, _ = generate_gaussian_heatmaps(
            size, np.array([[[size[0] // 2, size[1] // 2]]], np.float32),
            np.ones((1, 1), np.float32), sigma)
        np.testing.assert_allclose(
            one_row.target(size, sigma), heatmaps[0].ravel(), atol=1e-6)


def test_demo_and_recipe_minima(one_row):
    demo = one_row.analyse((24, 32), 2.0, 1.0)
    assert demo['best'] == pytest.approx(0.19, abs=0.01)
    assert demo['minima'][0][1] == pytest.approx(0.91, abs=0.01)
    assert one_row.analyse((24, 32), 2.0, 0.1)['best'] == pytest.approx(
        0.99, abs=0.01)
    recipe = one_row.analyse((72, 96), 3.0, 1.0)
    assert [round(a, 2) for a, _, _ in recipe['minima']] == [0.30, 0.96]
    assert recipe['best'] == pytest.approx(0.96, abs=0.01)
    assert recipe['barrier'] == pytest.approx(0.45, abs=0.01)


def test_script_prints_every_size(python, tmp_path):
    out = run_cmd([python, SCRIPT, '--weight', '1'], cwd=tmp_path).stdout
    for name in ('demo (32 x 24, sigma 2)', 'sigma 3 only',
                 'heatmap 96 x 72 only', 'W48 recipe (96 x 72, sigma 3)'):
        assert f'| {name} | 1 |' in out
