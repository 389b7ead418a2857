# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""run.py's set-up logic: another torch, the mmcv cache key, the C++
standard patch."""
import importlib.util
from pathlib import Path
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


def _venv_on_the_dev_stack(tmp_path):
    """A fresh venv without pip that sees this environment's packages (pip,
    setuptools) through a .pth, so nothing is downloaded."""
    import subprocess
    import sys
    import sysconfig
    base = Path(sys.base_prefix) / 'bin' / 'python3'
    venv = tmp_path / 'venv'
    subprocess.run([str(base), '-m', 'venv', '--without-pip',
                    str(venv)],
                   check=True)
    python = venv / 'bin' / 'python'
    purelib = Path(
        subprocess.run([
            str(python), '-c', 'import sysconfig; '
            'print(sysconfig.get_paths()["purelib"])'
        ],
                       check=True,
                       stdout=subprocess.PIPE,
                       text=True).stdout.strip())
    (purelib / '_dev_stack.pth').write_text(sysconfig.get_paths()['purelib'] +
                                            '\n')
    return python, purelib


def _copy_of_the_checkout(tmp_path):
    import shutil
    copy = tmp_path / 'checkout'
    ignore = shutil.ignore_patterns('.venv', '.cache', '.git', 'data',
                                    'work_dirs', '__pycache__', 'tests',
                                    '*.egg-info', 'build')
    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    return copy


def _snapshot(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob('*'))
        if p.is_file() and '__pycache__' not in p.parts
        and '.egg-info' not in p.as_posix() and p.parts[len(root.parts)] !=
        'build'  # setuptools' build folder of a regular install
    }


@pytest.mark.slow
def test_pip_uninstall_and_reinstall_leave_the_checkout_intact(tmp_path):
    """run.py links site-packages/tdmi_mmpose to the checkout for mim; pip
    owns that link (RECORD), so neither ``pip uninstall`` nor a regular
    ``pip install .`` followed by an uninstall writes or deletes through
    it."""
    import subprocess
    python, purelib = _venv_on_the_dev_stack(tmp_path)
    copy = _copy_of_the_checkout(tmp_path)
    pip = [str(python), '-m', 'pip', '-q']
    flags = ['--no-deps', '--no-build-isolation', '--no-index']
    subprocess.run([*pip, 'install', *flags, '-e', str(copy)], check=True)
    link = run_py.link_package(purelib, copy / 'tdmi_mmpose')
    assert link.is_symlink()
    before = _snapshot(copy)
    assert 'tdmi_mmpose/__init__.py' in before

    subprocess.run([*pip, 'uninstall', '-y', 'tdmi_mmpose'], check=True)
    assert not link.exists() and not link.is_symlink()
    assert _snapshot(copy) == before

    # the editable install again, then a regular install over it and its
    # uninstall: the checkout never changes
    subprocess.run([*pip, 'install', *flags, '-e', str(copy)], check=True)
    run_py.link_package(purelib, copy / 'tdmi_mmpose')
    subprocess.run([*pip, 'install', *flags, str(copy)], check=True)
    assert (purelib / 'tdmi_mmpose').is_dir()
    assert not (purelib / 'tdmi_mmpose').is_symlink()
    subprocess.run([*pip, 'uninstall', '-y', 'tdmi_mmpose'], check=True)
    assert _snapshot(copy) == before
