# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Every shell command of README.md and docs/*.md that runs a project tool
works as written.

Each ``sh`` code block is read as a shell user would (backslash
continuations joined, comments dropped, shlex quoting). For every command:

- ``python tools/...``: the script exists and every ``--flag`` it uses is
  in the script's own ``--help``;
- ``mim train|test tdmi_mmpose ...``: the same against mim's ``--help``
  and the package's ``tools/train.py`` / ``tools/test.py`` (mim passes on
  the options it does not know);
- ``python3 run.py JOB``: the job exists;
- ``pip install``: the requirement and constraint files it names exist;
- any ``configs/...`` or ``requirements/...`` path exists.

Then (``slow``) the commands that need no GPU, download or PoseTrack data
once the placeholders are replaced run for real, by this mapping
(docs/development.md, "Tests" documents it):

    CONFIG, the config of TDMI_CHECKPOINT -> configs/demo/tdmi_hrnet_tiny.py
    CHECKPOINT, TDMI_CHECKPOINT -> that model's random weights, saved
    my_video.mp4, FRAME_DIR -> tests/data/posetrack18_clip(.mp4)
    boxes.json -> boxes of the clip's person
    vis_results, RESULT.json, tdmi.onnx -> files in a temporary folder
    GT_DIR, PRED_DIR -> tests/data/poseval_vectors/06_synth_basic/{gt,pred}
    occluded.json -> a list of two of its image ids
    --det-checkpoint URL -> dropped (random detector weights)
"""
import functools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, write_clip_boxes

DOCS = [ROOT / 'README.md', ROOT / 'configs' / 'README.md'] + sorted(
    (ROOT / 'docs').glob('*.md'))
TINY = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
CLIP = ROOT / 'tests' / 'data' / 'posetrack18_clip'
VECTORS = ROOT / 'tests' / 'data' / 'poseval_vectors' / '06_synth_basic'
VECTORS21 = ROOT / 'tests' / 'data' / 'posetrack21_vectors' / 'fragmented'


def shell_commands(path):
    """(line number, argv) of every command in the file's sh blocks."""
    commands, block, start = [], None, 0
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if block is None:
            if stripped in ('```sh', '```bash', '```shell'):
                block, pending = [], ''
            continue
        if stripped.startswith('```'):
            block = None
            continue
        if not pending:
            start = number
        if stripped.endswith('\\') and not stripped.endswith('\\\\'):
            pending += stripped[:-1] + ' '
            continue
        text, pending = pending + stripped, ''
        argv = shlex.split(text, comments=True)
        if argv:
            commands.append((f'{path.name}:{start}', argv))
    return commands


ALL = [c for doc in DOCS for c in shell_commands(doc)]


def _strip(token: str) -> str:
    """'[--work-dir' -> '--work-dir'; '--batch=N' -> '--batch'."""
    return token.strip('[]|').split('=')[0]


@functools.lru_cache(maxsize=None)
def _help(*argv) -> str:
    result = subprocess.run(
        list(argv) + ['--help'],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300)
    assert result.returncode == 0, f'{argv} --help failed:\n' + \
        result.stdout[-2000:]
    return result.stdout


def _flags(argv):
    return sorted({
        _strip(t)
        for t in argv if _strip(t).startswith('--') and len(_strip(t)) > 2
    })


def _check(where, argv):
    env = 0
    while env < len(argv) and re.match(r'^\w+=', argv[env]):
        env += 1  # VAR=value prefixes
    argv = argv[env:]
    for token in argv:
        for path in re.findall(r'(?:configs|requirements|tests)/[\w./-]+',
                               token):
            assert (ROOT / path).exists(), f'{where}: {path} does not exist'
    head = argv[0]
    if head in ('python', 'python3') and argv[1] == 'run.py':
        assert argv[2] in ('setup', 'demo', 'test'), f'{where}: {argv[2]}'
        return
    if head in ('python', 'python3') and argv[1].startswith('tools/'):
        script = ROOT / argv[1]
        assert script.is_file(), f'{where}: {argv[1]} does not exist'
        text = _help(sys.executable, str(script))
    elif head == 'mim' and argv[1] in ('train', 'test'):
        assert argv[2] == 'tdmi_mmpose', f'{where}: package {argv[2]}'
        mim = ROOT / '.venv' / 'bin' / 'mim'
        # mim passes the options it does not know to the package's script
        text = _help(str(mim) if mim.exists() else 'mim', argv[1]) + _help(
            sys.executable, str(ROOT / 'tools' / f'{argv[1]}.py'))
    else:
        return  # pip, .venv/bin/python -m pytest ...: paths checked above
    for flag in _flags(argv[2:]):
        assert re.search(rf'(?<![\w-]){re.escape(flag)}(?![\w-])', text), \
            f'{where}: {flag} is not an option of {" ".join(argv[:3])}'


def test_docs_have_tool_commands():
    tools = [c for c in ALL if len(c[1]) > 1 and c[1][1].startswith('tools/')]
    assert len(tools) >= 10, ALL


@pytest.mark.parametrize(
    'where, argv', ALL, ids=[f'{w} {" ".join(a[:2])}' for w, a in ALL])
def test_command_names_existing_tools_flags_and_paths(where, argv):
    _check(where, argv)


def test_a_renamed_flag_fails_the_check():
    argv = shlex.split(
        'python tools/demos/video_demo.py CONFIG CKPT --input x '
        '--output-dir out')
    with pytest.raises(AssertionError, match='--output-dir is not an option'):
        _check('example', argv)
    with pytest.raises(AssertionError, match='does not exist'):
        _check('example', shlex.split('python tools/nothing.py --help'))


# --------------------------------------------------------------- real runs
@pytest.fixture(scope='module')
def placeholders(tmp_path_factory):
    """The documented mapping of placeholders to local files."""
    import json

    import torch
    from mmengine.runner import save_checkpoint
    from mmpose.apis import init_model

    import tdmi_mmpose  # noqa: F401
    tmp = tmp_path_factory.mktemp('docs_commands')
    torch.manual_seed(0)
    model = init_model(str(TINY), None, device='cpu')
    checkpoint = tmp / 'tiny.pth'
    save_checkpoint(dict(state_dict=model.state_dict()), str(checkpoint))
    boxes = write_clip_boxes(tmp / 'boxes.json')
    gt = sorted((VECTORS / 'gt').glob('*.json'))[0]
    ids = [im['id'] for im in json.loads(gt.read_text())['images'][:2]]
    frames = tmp / 'occluded.json'
    frames.write_text(json.dumps(ids))
    return {
        'configs/tdmi_hrnet_w48_posetrack18.py': str(TINY),
        'CONFIG': str(TINY),
        'TDMI_CHECKPOINT': str(checkpoint),
        'CHECKPOINT': str(checkpoint),
        'my_video.mp4': str(CLIP / 'posetrack18_clip.mp4'),
        'FRAME_DIR': str(CLIP),
        'boxes.json': str(boxes),
        'vis_results': str(tmp / 'vis_results'),
        'RESULT.json': str(tmp / 'result.json'),
        'tdmi.onnx': str(tmp / 'tdmi.onnx'),
        'GT_DIR': str(VECTORS / 'gt'),
        'PT21_GT_DIR': str(VECTORS21 / 'gt'),
        'PT21_PRED_DIR': str(VECTORS21 / 'pred' / 'sequences'),
        'PRED_DIR': str(VECTORS / 'pred'),
        'occluded.json': str(frames),
    }


def _runnable(argv):
    """The commands that run on CPU with local data once substituted."""
    if len(argv) < 2 or argv[0] not in ('python', 'python3'):
        return False
    if argv[1] == 'tools/misc/eval_posetrack.py':
        return True
    if argv[1] == 'tools/demos/video_demo.py':
        # a PoseTrack sequence needs the dataset; ONNX needs an export
        return not any('annotations/val' in t or t == 'onnxruntime'
                       for t in argv)
    return False


RUNNABLE = [c for c in ALL if _runnable(c[1])]


def _substituted(argv, mapping):
    """Placeholders replaced, optional ``[...]`` parts and the detector's
    download dropped."""
    out, skip, optional = [], False, False
    for token in argv:
        if token.startswith('['):
            optional = True
        if optional:
            optional = not token.endswith(']')
            continue
        if skip:
            skip = False
            continue
        if token == '--det-checkpoint':
            skip = True  # no download: random detector weights
            continue
        out.append(mapping.get(token, token))
    return [sys.executable if out[0] in ('python', 'python3') else out[0]
            ] + out[1:]


@pytest.mark.slow
@pytest.mark.parametrize(
    'where, argv', RUNNABLE, ids=[f'{w}' for w, _ in RUNNABLE])
def test_command_runs_with_local_data(where, argv, placeholders):
    cmd = _substituted(argv, placeholders)
    if '--where' in cmd:
        pytest.skip('the official vectors carry no per-image field to select')
    result = subprocess.run(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900)
    assert result.returncode == 0, f'{where}: {cmd}\n' + \
        result.stdout[-3000:]


@pytest.mark.parametrize('doc', DOCS, ids=lambda p: p.name)
def test_relative_links_lead_to_files(doc):
    """A moved page or renamed file breaks no link of README or docs/."""
    broken = []
    for target in re.findall(r'\]\(([^)\s]+)\)', doc.read_text()):
        if re.match(r'[a-z]+://', target) or target.startswith('#'):
            continue
        path = (doc.parent / target.split('#')[0]).resolve()
        if not path.exists():
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize('doc', DOCS, ids=lambda p: p.name)
def test_named_tests_exist(doc):
    """A test named in the docs (``test_x.py`` or ``test_x.py::test_y``,
    ``*`` as a prefix wildcard) exists, so the tables of evidence stay true
    when tests move."""
    missing = []
    for path, name in re.findall(r'(test_[\w/]+\.py)(?:::([\w*]+))?',
                                 doc.read_text()):
        found = [
            p for p in (ROOT / 'tests').rglob(Path(path).name)
            if str(p).endswith(path)
        ]
        if not found:
            missing.append(path)
            continue
        pattern = rf'def {name.rstrip("*")}' + ('' if name.endswith('*') else
                                                r'\b')
        if name and not re.search(pattern, found[0].read_text()):
            missing.append(f'{path}::{name}')
    assert missing == []


# a section named in the code or the docs: README / docs/x.md / x.md, then
# "the section's heading" (quoted; a line break and comment marks between)
SECTION_REF = re.compile(
    r'(README(?:\.md)?|(?:docs/)?[a-z_]+\.md)[,:]?\s*\(?\s*(?:section\s+)?'
    r'"([^"]{3,100})"')
REF_SOURCES = sorted(
    p for folder in ('tdmi_mmpose', 'tools', 'tests', 'configs', 'docs')
    for p in (ROOT / folder).rglob('*')
    if p.suffix in ('.py', '.md')) + [ROOT / 'README.md']


def _section_refs(text: str):
    text = re.sub(r'\n\s*#*\s*', ' ', text)
    for name, section in SECTION_REF.findall(text):
        if name.startswith('README'):
            target = ROOT / 'README.md'
        elif name.startswith('docs/'):
            target = ROOT / name
        else:
            target = ROOT / 'docs' / name
        yield name, target, ' '.join(section.split())


def test_named_sections_exist():
    """``README, "X"``, ``docs/y.md ("X")``: a page of that name has a
    heading starting with X, so a moved section breaks no reference in the
    code, the tests or the docs."""
    missing = []
    for source in REF_SOURCES:
        if source.name == 'test_docs_commands.py':
            continue
        for name, target, section in _section_refs(source.read_text()):
            headings = [
                ' '.join(h.split())
                for h in re.findall(r'^#+\s+(.+)$', target.read_text(), re.M)
            ] if target.is_file() else []
            if not any(h.startswith(section) for h in headings):
                missing.append(f'{source.relative_to(ROOT)}: {name}, '
                               f'"{section}"')
    assert missing == []


def test_section_reference_check_finds_a_moved_section():
    """The check itself: a reference to a heading README does not have is
    found, across a comment's line break."""
    text = '# see README, "Two\n# commands" and docs/evidence.md, "No such"'
    refs = list(_section_refs(text))
    assert [(n, s) for n, _, s in refs] == [('README', 'Two commands'),
                                            ('docs/evidence.md', 'No such')]
