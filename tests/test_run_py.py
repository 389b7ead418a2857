# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""run.py's set-up logic: another torch, the mmcv cache key, the C++
standard patch."""
import importlib.util
from types import SimpleNamespace

import pytest
from conftest import ROOT

spec = importlib.util.spec_from_file_location('run_py', ROOT / 'run.py')
run_py = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_py)


def test_pinned_torch_is_kept_by_default(tmp_path):
    assert run_py.effective_constraints('', tmp_path) == run_py.CONSTRAINTS
    text = run_py.CONSTRAINTS.read_text()
    assert 'torch==' in text and 'mmcv==2.1.0' in text


@pytest.mark.parametrize('spec', ['inherit', 'torch==2.5.1 torchvision'])
def test_another_torch_drops_the_torch_block(tmp_path, spec):
    kept = run_py.effective_constraints(spec, tmp_path).read_text()
    lines = {line.split('==')[0].lower() for line in kept.splitlines()}
    for owned in ('torch', 'torchvision', 'triton', 'sympy'):
        assert owned not in lines
    for pinned in ('mmcv', 'mmpose', 'mmengine', 'numpy', 'setuptools'):
        assert pinned in lines


def test_torch_spec_option_overrides_environment(monkeypatch):
    monkeypatch.setenv('TDMI_TORCH', 'inherit')
    assert run_py.torch_spec_from(SimpleNamespace(torch=None)) == 'inherit'
    assert run_py.torch_spec_from(
        SimpleNamespace(torch=' torch==2.4.0 ')) == 'torch==2.4.0'


def test_mmcv_cache_key_names_torch_python_and_ops(monkeypatch):
    monkeypatch.delenv('FORCE_CUDA', raising=False)
    info = dict(
        version='2.14.1+cu130', cuda='13.0', cuda_available=False, py='cp311')
    assert run_py.mmcv_build_key(info) == 'torch2.14.1+cu130-cp311-cpuops'
    assert run_py.mmcv_build_key(dict(info, cuda_available=True)) == \
        'torch2.14.1+cu130-cp311-cuda13.0ops'
    monkeypatch.setenv('FORCE_CUDA', '1')
    assert run_py.mmcv_build_key(info).endswith('cuda13.0ops')
    assert run_py.mmcv_build_key(dict(info, version='2.5.1')) != \
        run_py.mmcv_build_key(info)


def _fake_torch(tmp_path, needs_cxx20):
    include = tmp_path / 'include'
    (include / 'ATen').mkdir(parents=True)
    (include / 'ATen' / 'ATen.h'
     ).write_text('#error C++20 or later compatible compiler is required\n'
                  if needs_cxx20 else '#pragma once\n')
    src = tmp_path / 'mmcv'
    src.mkdir()
    (src / 'setup.py').write_text("args = ['-std=c++17']\n")
    return src, include


def test_cxx_standard_raised_only_when_torch_needs_it(tmp_path):
    src, include = _fake_torch(tmp_path / 'new', needs_cxx20=True)
    run_py._patch_mmcv_cxx_standard(src, include)
    assert "'-std=c++20'" in (src / 'setup.py').read_text()
    src, include = _fake_torch(tmp_path / 'old', needs_cxx20=False)
    run_py._patch_mmcv_cxx_standard(src, include)
    assert "'-std=c++17'" in (src / 'setup.py').read_text()
