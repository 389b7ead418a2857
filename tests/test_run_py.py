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


def test_mmcv_cache_key_names_torch_python_and_ops():
    info = dict(
        version='2.14.1+cu130', cuda='13.0', cuda_available=False, py='cp311')
    assert run_py.mmcv_build_key(info, 'cpu') == \
        'torch2.14.1+cu130-cp311-cpuops'
    assert run_py.mmcv_build_key(info, 'cuda') == \
        'torch2.14.1+cu130-cp311-cuda13.0ops'
    assert run_py.mmcv_build_key(dict(info, version='2.5.1'), 'cpu') != \
        run_py.mmcv_build_key(info, 'cpu')


# ---------------------------------------------------------------------------
# The GPU decisions of set-up, simulated: fake ``nvcc`` / ``nvidia-smi``
# scripts on PATH, torch's CUDA build and GPU visibility as arguments.
# ---------------------------------------------------------------------------
CUDA_TORCH = dict(
    version='2.14.1+cu130', cuda='13.0', cuda_available=True, py='cp311')


def _tool(folder, name, output, code=0):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'#!/bin/sh\ncat <<"EOF"\n{output}\nEOF\nexit {code}\n')
    path.chmod(0o755)
    return path


def _nvcc(tmp_path, release):
    return _tool(
        tmp_path / f'cuda-{release}' / 'bin', 'nvcc',
        'nvcc: NVIDIA (R) Cuda compiler driver\n'
        f'Cuda compilation tools, release {release}, V{release}.99')


def _smi(tmp_path, cuda):
    return _tool(
        tmp_path / 'driver', 'nvidia-smi',
        f'| NVIDIA-SMI 550.54  Driver Version: 550.54  CUDA Version: {cuda} |')


@pytest.fixture
def no_default_cuda(monkeypatch, tmp_path):
    monkeypatch.setattr(run_py, 'DEFAULT_CUDA_HOME', tmp_path / 'absent')


def _plan(torch_info, capsys, **environ):
    environ.setdefault('PATH', '/bin:/usr/bin')
    ops, notes = run_py.plan_mmcv_ops(torch_info, environ)
    return ops, ' '.join(notes)


def _refused(torch_info, capsys, **environ):
    with pytest.raises(SystemExit):
        _plan(torch_info, capsys, **environ)
    return capsys.readouterr().err


def test_gpu_with_matching_nvcc_gets_cuda_ops(tmp_path, capsys,
                                              no_default_cuda):
    nvcc = _nvcc(tmp_path, '13.0')
    path = f'{nvcc.parent}:/bin:/usr/bin'
    assert _plan(CUDA_TORCH, capsys, PATH=path) == ('cuda', '')
    # CUDA_HOME wins over PATH, as in torch's extension builder
    other = _nvcc(tmp_path, '12.4')
    ops, notes = _plan(
        CUDA_TORCH, capsys, PATH=path, CUDA_HOME=str(other.parent.parent))
    assert ops == 'cpu' and 'nvcc 12.4' in notes
    # a newer minor of the same major is accepted (torch only warns)
    newer = _nvcc(tmp_path, '13.5')
    assert _plan(
        CUDA_TORCH, capsys, CUDA_HOME=str(newer.parent.parent))[0] == 'cuda'
    env = run_py.mmcv_build_environ(dict(PATH=path), 'cuda', '2')
    assert env['FORCE_CUDA'] == '1' and env['CUDA_HOME'] == str(
        nvcc.parent.parent)


def test_gpu_without_nvcc_falls_back_to_cpu_ops_and_says_what_it_costs(
        tmp_path, capsys, no_default_cuda):
    ops, notes = _plan(CUDA_TORCH, capsys)
    assert ops == 'cpu'
    assert 'no nvcc' in notes and 'detector runs on CPU' in notes
    assert 'TDMI_MMCV_OPS=cuda' in notes
    # the build then hides the GPU: mmcv's setup.py would compile CUDA ops
    # for any GPU torch sees
    env = run_py.mmcv_build_environ(
        dict(PATH='/bin', FORCE_CUDA='0'), 'cpu', '2')
    assert env['CUDA_VISIBLE_DEVICES'] == '' and 'FORCE_CUDA' not in env
    assert env['MMCV_WITH_OPS'] == '1' and env['MAX_JOBS'] == '2'


def test_gpu_with_mismatched_nvcc(tmp_path, capsys, no_default_cuda):
    nvcc = _nvcc(tmp_path, '12.4')
    path = f'{nvcc.parent}:/bin:/usr/bin'
    ops, notes = _plan(CUDA_TORCH, capsys, PATH=path)
    assert ops == 'cpu' and 'nvcc 12.4' in notes and 'CUDA 13.x' in notes
    # asked for explicitly, it stops before compiling, naming both versions
    err = _refused(CUDA_TORCH, capsys, PATH=path, TDMI_MMCV_OPS='cuda')
    assert 'nvcc 12.4' in err and 'CUDA 13.x' in err
    assert 'TDMI_MMCV_OPS=cpu' in err


def test_force_cuda(tmp_path, capsys, no_default_cuda):
    no_gpu = dict(CUDA_TORCH, cuda_available=False)
    # no nvcc: refused with what it needs
    err = _refused(no_gpu, capsys, FORCE_CUDA='1')
    assert 'FORCE_CUDA=1' in err and 'no nvcc' in err
    # with a matching nvcc: CUDA ops compiled on a machine without a GPU
    nvcc = _nvcc(tmp_path, '13.0')
    assert _plan(
        no_gpu, capsys, FORCE_CUDA='1',
        PATH=f'{nvcc.parent}:/bin')[0] == 'cuda'
    # a CPU torch cannot have CUDA ops
    cpu_torch = dict(CUDA_TORCH, cuda=None, cuda_available=False)
    err = _refused(cpu_torch, capsys, FORCE_CUDA='1')
    assert 'CPU build' in err
    assert 'contradict' in _refused(
        CUDA_TORCH, capsys, FORCE_CUDA='1', TDMI_MMCV_OPS='cpu')
    assert 'expected one of' in _refused(
        CUDA_TORCH, capsys, TDMI_MMCV_OPS='gpu')


def test_cuda_torch_that_sees_no_gpu(tmp_path, capsys, no_default_cuda):
    no_gpu = dict(CUDA_TORCH, cuda_available=False)
    # a CPU machine (no driver): CPU ops, nothing to warn about
    assert _plan(no_gpu, capsys) == ('cpu', '')
    # a GPU machine whose driver is too old for torch's CUDA
    smi = _smi(tmp_path, '12.2')
    ops, notes = _plan(no_gpu, capsys, PATH=f'{smi.parent}:/bin')
    assert ops == 'cpu'
    assert 'sees no GPU' in notes and 'older than torch' in notes
    assert 'everything will run on CPU' in notes and 'TDMI_TORCH' in notes
    # a driver new enough: the GPU is hidden or the driver not loaded
    smi = _smi(tmp_path / 'new', '13.1')
    notes = _plan(no_gpu, capsys, PATH=f'{smi.parent}:/bin')[1]
    assert 'CUDA_VISIBLE_DEVICES' in notes


def test_cpu_ops_asked_for_on_a_gpu_machine(tmp_path, capsys, no_default_cuda):
    nvcc = _nvcc(tmp_path, '13.0')
    ops, notes = _plan(
        CUDA_TORCH, capsys, PATH=f'{nvcc.parent}:/bin', TDMI_MMCV_OPS='cpu')
    assert ops == 'cpu' and 'detector runs on CPU' in notes


def test_the_ops_choice_is_part_of_the_fingerprint(monkeypatch):
    monkeypatch.delenv('TDMI_MMCV_OPS', raising=False)
    monkeypatch.delenv('FORCE_CUDA', raising=False)
    before = run_py.fingerprint('', '2.14.1')
    monkeypatch.setenv('TDMI_MMCV_OPS', 'cpu')
    assert run_py.fingerprint('', '2.14.1') != before


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
