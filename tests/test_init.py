# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The package imports, checks versions, and lists what it registered."""
import json
from importlib import metadata

import pytest
from conftest import ROOT, run_cmd
from mmpose.registry import MODELS

import tdmi_mmpose


def test_version_check_names_package_and_range():
    tdmi_mmpose.check_version('mmpose', '1.3.2', '1.3.0', '1.4.0')
    with pytest.raises(
            ImportError,
            match=r'mmpose>=1\.3\.0,<1\.4\.0.*'
            r'mmpose==1\.4\.0 is installed'):
        tdmi_mmpose.check_version('mmpose', '1.4.0', '1.3.0', '1.4.0')
    with pytest.raises(ImportError, match=r'mmcv>=2\.0\.0,<2\.2\.0'):
        tdmi_mmpose.check_version('mmcv', '1.7.2', '2.0.0', '2.2.0')


def test_import_fails_on_unsupported_installed_version(monkeypatch):
    real = metadata.version
    monkeypatch.setattr(
        metadata, 'version', lambda name: '0.9.0'
        if name == 'mmengine' else real(name))
    with pytest.raises(ImportError, match='mmengine>=0.10.0,<1.0.0'):
        tdmi_mmpose.supported.check_installed_versions()


def test_no_module_of_the_package_imports_mmdet_at_import_time():
    """mmdet is imported only where a detector is built (inside functions);
    MMPose 1.3.2 imports it anyway (mmpose.models -> rtmo_head), which is
    why its version is still checked at import."""
    import ast
    offenders = []
    for path in (ROOT / 'tdmi_mmpose').rglob('*.py'):
        for node in ast.parse(path.read_text()).body:  # module level only
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or '']
            if any(n == 'mmdet' or n.startswith('mmdet.') for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def _modules_after(python, statement: str) -> list:
    out = run_cmd([
        python, '-c', f'import sys; {statement}; print(" ".join(sorted('
        f'm for m in sys.modules if m.split(".")[0] in '
        f'("tdmi_mmpose", "tdmi_research", "mmdet"))))'
    ], ROOT).stdout
    return out.strip().splitlines()[-1].split()


def test_mmpose_itself_imports_mmdet(python):
    """Why mmdet's version is checked at import although no module of the
    package imports it: importing mmpose.models does."""
    assert 'mmdet' in _modules_after(python, 'import mmpose.models')


def test_import_registers_without_video_onnx_or_research_code(python):
    """``import tdmi_mmpose`` (every config's custom_imports) loads the
    registered modules only: not the video tool's parts, the fast and ONNX
    backends, or the research helpers."""
    loaded = _modules_after(python, 'import tdmi_mmpose')
    assert 'tdmi_mmpose.models.heads.tdmi_head' in loaded  # positive control
    assert 'tdmi_mmpose.apis.inference' in loaded
    bad = [
        m for m in loaded
        if m.startswith(('tdmi_research', 'tdmi_mmpose.apis.video',
                         'tdmi_mmpose.apis.onnx_backend'))
    ]
    assert bad == []
    # the same probe sees them once they are imported
    assert 'tdmi_mmpose.apis.video.resample_mode' in _modules_after(
        python, 'import tdmi_mmpose.apis.video')


def test_require_mmdet_imports_the_supported_mmdet():
    assert tdmi_mmpose.require_mmdet().__version__ == metadata.version('mmdet')


def test_list_registered_finds_only_this_package():
    # A module of this package registered into MMPose's MODELS is listed;
    # MMPose's own modules never are.
    class _Probe:
        pass

    _Probe.__module__ = 'tdmi_mmpose.models.probe'
    MODELS.register_module(name='TdmiRegistryProbe', module=_Probe)
    try:
        listed = tdmi_mmpose.list_registered()
        assert listed['MODELS']['TdmiRegistryProbe'] == (
            'tdmi_mmpose.models.probe.'
            'test_list_registered_finds_only_this_package.<locals>._Probe')
        assert 'HRNet' not in listed['MODELS']
        assert all(
            where.startswith('tdmi_mmpose.') for entries in listed.values()
            for where in entries.values())
    finally:
        MODELS._module_dict.pop('TdmiRegistryProbe')


def test_cli_reports_versions_and_self_check(python):
    out = run_cmd([python, '-m', 'tdmi_mmpose', '--json'], cwd=ROOT).stdout
    report = json.loads(out[out.index('{'):])
    assert report['versions']['tdmi_mmpose'] == tdmi_mmpose.__version__
    assert report['versions']['mmcv'] == metadata.version('mmcv')
    assert report['self_check']['mmcv.ops'] == 'ok'
    assert report['self_check']['weights_only checkpoint loading'] == 'ok'
    assert isinstance(report['registered'], dict)
