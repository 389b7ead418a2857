# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Tools refuse unusable output locations before the work starts, naming
them: eval_posetrack.py's --out, train.py / test.py's --work-dir, and the
synthetic generator's non-empty folder."""
import subprocess
import sys

from conftest import ROOT

VECTORS = ROOT / 'tests' / 'data' / 'poseval_vectors' / '06_synth_basic'


def _run(args, cwd):
    return subprocess.run([sys.executable, *map(str, args)],
                          cwd=cwd,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=300)


def test_eval_out_is_checked_before_evaluating(tmp_path):
    tool = ROOT / 'tools' / 'misc' / 'eval_posetrack.py'
    # the ground truth does not exist either: the --out error comes first
    for out, message in ((tmp_path / 'no' / 'dir' / 'r.json',
                          'cannot be written: No such file or directory'),
                         (tmp_path, 'is a folder; give a file name')):
        result = _run([
            tool, '--gt', tmp_path / 'missing', '--pred', tmp_path, '--out',
            out
        ], tmp_path)
        assert result.returncode == 1
        assert f'error: --out {out} ' in result.stdout
        assert message in result.stdout
    good = tmp_path / 'result.json'
    result = _run([
        tool, '--gt', VECTORS / 'gt', '--pred', VECTORS / 'pred', '--out', good
    ], tmp_path)
    assert result.returncode == 0 and good.is_file()


def test_unwritable_work_dir_fails_at_once(tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    config = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
    result = _run(
        [ROOT / 'tools' / 'train.py', config, '--work-dir', blocker / 'work'],
        tmp_path)
    assert result.returncode != 0
    assert f'--work-dir {blocker / "work"} is not a writable folder' in \
        result.stdout


def test_synthetic_generator_refuses_a_used_folder(tmp_path):
    (tmp_path / 'set').mkdir()
    (tmp_path / 'set' / 'keep.txt').write_text('mine')
    result = _run([
        ROOT / 'tools' / 'misc' / 'generate_synthetic_posetrack.py',
        tmp_path / 'set', '--train', '1', '--val', '1', '--frames', '3'
    ], tmp_path)
    assert result.returncode == 1 and 'is not empty' in result.stdout
    assert (tmp_path / 'set' / 'keep.txt').read_text() == 'mine'


def test_result_and_export_files_never_land_on_inputs(tmp_path):
    """The shared output check in the evaluator (a result file inside the
    ground-truth folder would be read as a sequence next time) and in the
    ONNX export (the checkpoint overwritten)."""
    import shutil
    gt = tmp_path / 'gt'
    shutil.copytree(VECTORS / 'gt', gt)
    result = _run([
        ROOT / 'tools' / 'misc' / 'eval_posetrack.py', '--gt', gt, '--pred',
        VECTORS / 'pred', '--out', gt / 'result.json'
    ], tmp_path)
    assert result.returncode == 1
    assert 'inside the input folder' in result.stdout
    assert not (gt / 'result.json').exists()
    config = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
    checkpoint = tmp_path / 'model.pth'
    checkpoint.write_bytes(b'not touched')
    result = _run([
        ROOT / 'tools' / 'deployment' / 'export_onnx.py', config, checkpoint,
        '--out', checkpoint
    ], tmp_path)
    assert result.returncode == 2
    assert 'would overwrite the input' in result.stdout
    assert checkpoint.read_bytes() == b'not touched'
