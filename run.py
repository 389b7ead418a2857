#!/usr/bin/env python3
"""Set up tdmi_mmpose's environment and run the project's jobs.

    python3 run.py demo      set up, then run the main job on the embedded data
    python3 run.py test      set up, then run the tests (args go to pytest)
    python3 run.py setup     set up only

Set-up creates (or reuses) a project-local virtual environment ``.venv`` and
installs the pinned stack of ``requirements/constraints.txt`` into it; nothing
is installed into the Python that runs this script. mmcv has only a source
release on PyPI: it is compiled with its ops against the torch in the
environment (about 20 minutes on 2 cores) and the wheel is kept in
``.cache/mmcv/`` under a key made of the torch version, the Python version and
the ops flavour, so a later set-up against the same torch reuses it.

Environment variables (each also a command-line option):
    TDMI_TORCH   which torch to use. Unset: the pinned torch/torchvision.
                 A pip requirement list such as
                 "torch==2.5.1 torchvision==0.20.1 --index-url URL":
                 install that instead. ``inherit``: create the environment
                 with --system-site-packages and use the torch already
                 installed there. mmcv is then compiled against that torch.
    TDMI_VENV    where the environment lives (default: ./.venv).
    TDMI_CACHE   where built wheels are kept (default: ./.cache).
    MAX_JOBS     parallel compile jobs for mmcv (default: CPU count).
    TDMI_MMCV_OPS  auto (default) | cpu | cuda: mmcv's ops (plan_mmcv_ops).

Only the standard library is used here: this runs before anything exists.
"""
import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List, NoReturn, Optional, Tuple

ROOT = Path(__file__).resolve().parent
REQ = ROOT / 'requirements'
CONSTRAINTS = REQ / 'constraints.txt'
MMCV_VERSION = '2.1.0'
# Everything that, when changed, makes an existing environment out of date.
FINGERPRINT_FILES = ('build.txt', 'constraints.txt', 'mim.txt',
                     'mminstall.txt', 'runtime.txt', 'tests.txt')
# Bump when the set-up steps below change in a way the files above miss.
SETUP_REVISION = 1
# Lines of constraints.txt between these markers belong to torch (torch,
# torchvision and what torch itself pins); they are dropped when the user
# brings another torch.
TORCH_BEGIN = '# >>> torch'
TORCH_END = '# <<< torch'
# torch's extension builder's last place to look for the CUDA toolkit
DEFAULT_CUDA_HOME = Path('/usr/local/cuda')


def log(msg: str) -> None:
    print(f'[run.py] {msg}', flush=True)


def fail(msg: str) -> NoReturn:
    print(f'[run.py] error: {msg}', file=sys.stderr, flush=True)
    sys.exit(1)


def fmt_time(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f'{minutes}m{secs:02d}s' if minutes else f'{secs}s'


class Env:
    """The project's virtual environment and the commands run inside it."""

    def __init__(self, path: Path, inherit: bool):
        self.path = path
        self.inherit = inherit
        self.python = path / 'bin' / 'python'
        self.stamp = path / '.tdmi_setup.json'

    @property
    def environ(self) -> Dict[str, str]:
        env = dict(os.environ)
        env['PATH'] = f'{self.path / "bin"}{os.pathsep}{env.get("PATH", "")}'
        env['VIRTUAL_ENV'] = str(self.path)
        env.pop('PYTHONHOME', None)
        env.setdefault('PIP_DISABLE_PIP_VERSION_CHECK', '1')
        return env

    def run(self, *args: str, check: bool = True, **kwargs):
        return subprocess.run(
            list(args), env=self.environ, check=check, **kwargs)

    def py(self, code: str) -> str:
        """Run ``code`` in the environment's Python and return its stdout."""
        out = subprocess.run([str(self.python), '-c', code],
                             env=self.environ,
                             check=True,
                             stdout=subprocess.PIPE,
                             text=True)
        return out.stdout.strip()

    def pip(self, *args: str, constraints: Optional[Path] = None) -> None:
        cmd = [
            str(self.python), '-m', 'pip', 'install', '--progress-bar', 'off'
        ]
        if constraints is not None:
            cmd += ['-c', str(constraints)]
        cmd += list(args)
        log('pip install ' + ' '.join(args))
        result = subprocess.run(cmd, env=self.environ)
        if result.returncode != 0:
            fail(f'pip install {" ".join(args)} failed (exit '
                 f'{result.returncode}); see the messages above')

    def create(self) -> None:
        if self.python.exists():
            cfg = (self.path / 'pyvenv.cfg').read_text()
            has_system = re.search(r'include-system-site-packages\s*=\s*true',
                                   cfg) is not None
            if has_system != self.inherit:
                have = 'with' if has_system else 'without'
                want = 'with' if self.inherit else 'without'
                fail(f'{self.path} was created {have} system site-packages,'
                     f' but TDMI_TORCH asks for one {want}; delete '
                     f'{self.path} and run again')
            return
        log(f'creating the virtual environment {self.path}')
        args = [sys.executable, '-m', 'venv', str(self.path)]
        if self.inherit:
            args.append('--system-site-packages')
        if subprocess.run(args).returncode != 0:
            # Debian's python3 without python3-venv has no ensurepip: make
            # the environment without pip and install pip into it with the
            # pip that runs this script.
            log('venv could not install pip; retrying with --without-pip')
            shutil.rmtree(self.path, ignore_errors=True)
            subprocess.run(args + ['--without-pip'], check=True)
            result = subprocess.run([
                sys.executable, '-m', 'pip', '--python',
                str(self.python), 'install', 'pip'
            ])
            if result.returncode != 0:
                fail('could not create a virtual environment with pip; '
                     'install the venv module (Debian: apt install '
                     'python3-venv) and run again')


def read_requirements(name: str) -> List[str]:
    lines = (
        line.split('#', 1)[0].strip()
        for line in (REQ / name).read_text().splitlines())
    return [line for line in lines if line]


def torch_spec_from(args) -> str:
    spec = args.torch if args.torch is not None else os.environ.get(
        'TDMI_TORCH', '')
    return spec.strip()


def effective_constraints(torch_spec: str, workdir: Path) -> Path:
    """The constraints file, without the torch block when the user brings
    their own torch (its pins would contradict theirs)."""
    if not CONSTRAINTS.exists():
        fail(f'{CONSTRAINTS} is missing')
    if not torch_spec:
        return CONSTRAINTS
    kept, skipping = [], False
    for line in CONSTRAINTS.read_text().splitlines():
        if line.startswith(TORCH_BEGIN):
            skipping = True
        elif line.startswith(TORCH_END):
            skipping = False
        elif not skipping:
            kept.append(line)
    out = workdir / 'constraints-without-torch.txt'
    out.write_text('\n'.join(kept) + '\n')
    return out


def fingerprint(torch_spec: str, torch_id: str) -> str:
    digest = hashlib.sha256()
    for name in FINGERPRINT_FILES:
        digest.update(name.encode())
        digest.update((REQ / name).read_bytes())
    for name in ('setup.py', 'pyproject.toml'):
        digest.update((ROOT / name).read_bytes())
    ops = (os.environ.get('TDMI_MMCV_OPS',
                          'auto'), os.environ.get('FORCE_CUDA', ''))
    digest.update(f'{SETUP_REVISION}|{torch_spec}|{torch_id}|{ops}|'
                  f'{sys.version}'.encode())
    return digest.hexdigest()


def install_torch(env: Env, torch_spec: str, constraints: Path) -> dict:
    """Install the requested torch; return what the environment then has."""
    if torch_spec == 'inherit':
        log('TDMI_TORCH=inherit: using the torch of the base Python')
    elif torch_spec:
        env.pip(*shlex.split(torch_spec), constraints=constraints)
    else:
        env.pip('torch', 'torchvision', constraints=constraints)
    try:
        info = env.py(
            'import json, sys, torch; print(json.dumps(dict('
            'version=torch.__version__, cuda=torch.version.cuda, '
            'cuda_available=torch.cuda.is_available(), '
            'py="cp%d%d" % sys.version_info[:2], '
            'include=__import__("os").path.join('
            '__import__("os").path.dirname(torch.__file__), "include"))))')
    except subprocess.CalledProcessError:
        fail('torch cannot be imported in the environment; with '
             'TDMI_TORCH=inherit the base Python must have torch installed')
    return json.loads(info.splitlines()[-1])


def mmcv_build_key(torch_info: dict, ops: str) -> str:
    """Wheels are only reusable for the torch they were compiled against and
    the ops flavour (``plan_mmcv_ops``) they carry."""
    flavour = f'cuda{torch_info["cuda"]}' if ops == 'cuda' else 'cpu'
    return f'torch{torch_info["version"]}-{torch_info["py"]}-{flavour}ops'


def _major(version: str) -> int:
    return int(version.split('.')[0])


def _version_from(cmd: List[str], pattern: str,
                  environ: Dict[str, str]) -> Optional[str]:
    """The first ``pattern`` group in ``cmd``'s output; None where the
    command is missing or fails."""
    try:
        out = subprocess.run(
            cmd,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(pattern, out.stdout)
    return match.group(1) if out.returncode == 0 and match else None


def find_cuda_home(environ: Dict[str, str]) -> Optional[Path]:
    """The CUDA toolkit torch's extension builder (and so mmcv's build)
    uses: ``CUDA_HOME``, ``CUDA_PATH``, the folder above an ``nvcc`` on
    ``PATH``, or ``/usr/local/cuda``, in torch's order."""
    for key in ('CUDA_HOME', 'CUDA_PATH'):
        if environ.get(key):
            return Path(environ[key])
    nvcc = shutil.which('nvcc', path=environ.get('PATH', ''))
    if nvcc:
        return Path(nvcc).resolve().parent.parent
    return DEFAULT_CUDA_HOME if DEFAULT_CUDA_HOME.exists() else None


def nvcc_version(home: Optional[Path], environ: Dict[str,
                                                     str]) -> Optional[str]:
    """``major.minor`` of ``home/bin/nvcc`` (None: no usable nvcc)."""
    if home is None:
        return None
    return _version_from([str(home / 'bin' / 'nvcc'), '--version'],
                         r'release (\d+\.\d+)', environ)


def driver_cuda_version(environ: Dict[str, str]) -> Optional[str]:
    """The newest CUDA the NVIDIA driver runs (``nvidia-smi``'s "CUDA
    Version"); None on a machine without an NVIDIA driver."""
    return _version_from(['nvidia-smi'], r'CUDA Version:\s*(\d+\.\d+)',
                         environ)


OPS_CHOICES = ('auto', 'cpu', 'cuda')


def plan_mmcv_ops(torch_info: dict,
                  environ: Dict[str, str]) -> Tuple[str, List[str]]:
    """Which ops mmcv is compiled with, ``'cpu'`` or ``'cuda'``, and the
    warnings to print; ``fail`` where the request cannot be met.

    ``TDMI_MMCV_OPS`` (``auto`` by default): ``cuda`` (or ``FORCE_CUDA=1``)
    needs a CUDA torch and an ``nvcc`` of the CUDA major version torch was
    built with (torch's extension builder refuses another); ``cpu`` always
    works; ``auto`` takes CUDA ops where torch sees a GPU and such an
    ``nvcc`` exists, and otherwise CPU ops with a warning that says what
    that costs (MMDetection's NMS is an mmcv op, so the person detector
    runs on CPU; the TDMI model uses no mmcv op).
    """
    choice = environ.get('TDMI_MMCV_OPS', 'auto') or 'auto'
    if choice not in OPS_CHOICES:
        fail(f'TDMI_MMCV_OPS={choice!r}: expected one of {OPS_CHOICES}')
    force = environ.get('FORCE_CUDA') == '1'
    if force and choice == 'cpu':
        fail('FORCE_CUDA=1 and TDMI_MMCV_OPS=cpu contradict each other; '
             'unset one')
    asked = 'TDMI_MMCV_OPS=cuda' if choice == 'cuda' else 'FORCE_CUDA=1'
    want_cuda = force or choice == 'cuda'
    version, cuda = torch_info['version'], torch_info['cuda']
    if not cuda:
        if want_cuda:
            fail(f'{asked} asks for mmcv\'s CUDA ops, but torch {version} '
                 'is a CPU build; choose a CUDA torch with TDMI_TORCH '
                 '(docs/installation.md, "GPU machines") or unset it')
        return 'cpu', []
    notes = []
    driver = driver_cuda_version(environ)
    if not torch_info['cuda_available'] and driver is not None:
        why = (f'the driver runs CUDA up to {driver}, older than torch\'s'
               if _major(driver) < _major(cuda) else
               'check CUDA_VISIBLE_DEVICES and that the driver is loaded')
        notes.append(
            f'torch {version} was built for CUDA {cuda} but sees no GPU '
            f'({why}): everything will run on CPU. For this driver pick a '
            f'torch built for CUDA <= {driver} with TDMI_TORCH '
            '(docs/installation.md, "GPU machines")')
    if choice == 'cpu':
        return 'cpu', notes + [
            'TDMI_MMCV_OPS=cpu: mmcv gets CPU ops; the TDMI model still '
            'runs on a GPU, MMDetection\'s person detector runs on CPU '
            '(its NMS is an mmcv op)'
        ]
    if not (want_cuda or torch_info['cuda_available']):
        return 'cpu', notes
    home = find_cuda_home(environ)
    nvcc = nvcc_version(home, environ)
    if nvcc is not None and _major(nvcc) == _major(cuda):
        return 'cuda', notes
    found = (f'nvcc {nvcc} in {home}' if nvcc is not None else
             'no nvcc (CUDA_HOME and CUDA_PATH unset, none on PATH, no '
             '/usr/local/cuda)' if home is None else f'no nvcc in {home}')
    need = f'an nvcc of CUDA {_major(cuda)}.x (torch {version} is built ' \
           f'for CUDA {cuda})'
    if want_cuda:
        fail(f'{asked}: mmcv\'s CUDA ops need {need}; found {found}. '
             f'Point CUDA_HOME at a CUDA {_major(cuda)}.x toolkit, or '
             'set TDMI_MMCV_OPS=cpu (the person detector then runs on '
             'CPU), or choose a torch built for your toolkit\'s CUDA with '
             'TDMI_TORCH (docs/installation.md, "GPU machines")')
    return 'cpu', notes + [
        f'torch sees a GPU, but mmcv\'s CUDA ops need {need} and there '
        f'is {found}: mmcv gets CPU ops. The TDMI model runs on the GPU '
        '(it uses no mmcv op); MMDetection\'s person detector runs on CPU '
        '(its NMS is an mmcv op). For CUDA ops: CUDA_HOME=<a CUDA '
        f'{_major(cuda)}.x toolkit> TDMI_MMCV_OPS=cuda python3 run.py setup'
    ]


def _patch_mmcv_cxx_standard(src: Path, torch_include: Path) -> None:
    """mmcv 2.1.0's setup.py passes -std=c++17 after torch's own flags, but
    torch >= 2.10 headers require C++20 (ATen.h stops with '#error C++20 or
    later compatible compiler is required'). Raise the standard when the
    installed torch asks for it; the mmcv sources compile as C++20."""
    aten = torch_include / 'ATen' / 'ATen.h'
    if not aten.exists() or 'C++20' not in aten.read_text():
        return
    setup_py = src / 'setup.py'
    text = setup_py.read_text()
    patched = text.replace("'-std=c++17'", "'-std=c++20'")
    if patched == text:
        fail(f'expected -std=c++17 in {setup_py} to raise to C++20; '
             'the mmcv source is not the expected release')
    setup_py.write_text(patched)
    log('mmcv: raised its C++ standard to C++20 for this torch')


def _report_progress(log_path: Path, started: float,
                     done: threading.Event) -> None:
    """Print the compile progress (ninja's [i/n] lines) every 30 s."""
    while not done.wait(30):
        step = ''
        try:
            found = re.findall(rb'\[(\d+)/(\d+)\]', log_path.read_bytes())
            if found:
                step = (f', {int(found[-1][0])}/{int(found[-1][1])} '
                        f'files compiled')
        except OSError:
            pass
        log(f'mmcv: still compiling ({fmt_time(time.time() - started)} '
            f'elapsed{step}; about 20 minutes on 2 cores)')


def mmcv_build_environ(environ: Dict[str, str], ops: str,
                       jobs: str) -> Dict[str, str]:
    """The environment of mmcv's build: mmcv's setup.py compiles CUDA ops
    whenever torch sees a GPU or FORCE_CUDA=1, so CPU ops on a GPU machine
    hide the GPU from the build, and CUDA ops set FORCE_CUDA and the
    toolkit ``plan_mmcv_ops`` checked."""
    build = dict(environ, MMCV_WITH_OPS='1', MAX_JOBS=jobs)
    if ops == 'cuda':
        build['FORCE_CUDA'] = '1'
        build['CUDA_HOME'] = str(find_cuda_home(environ))
    else:
        build.pop('FORCE_CUDA', None)
        build['CUDA_VISIBLE_DEVICES'] = ''
    return build


def build_mmcv_wheel(env: Env, torch_info: dict, cache: Path,
                     ops: str) -> Path:
    """Return a cached mmcv wheel for this torch, compiling it if needed."""
    key = mmcv_build_key(torch_info, ops)
    wheel_dir = cache / 'mmcv' / key
    wheels = sorted(wheel_dir.glob(f'mmcv-{MMCV_VERSION}-*.whl'))
    if wheels:
        log(f'mmcv: reusing the cached wheel {wheels[0]}')
        return wheels[0]

    wheel_dir.mkdir(parents=True, exist_ok=True)
    log_path = cache / 'mmcv' / f'build-{key}.log'
    jobs = os.environ.get('MAX_JOBS', str(os.cpu_count() or 1))
    log(f'mmcv: no cached wheel for {key}; compiling mmcv {MMCV_VERSION} '
        f'with its {ops.upper()} ops ({jobs} jobs, about 20 minutes on 2 '
        f'cores; log: {log_path})')
    started = time.time()
    with tempfile.TemporaryDirectory(prefix='tdmi-mmcv-') as tmp:
        tmp = Path(tmp)
        subprocess.run([
            str(env.python), '-m', 'pip', 'download', '--no-deps',
            '--no-binary', ':all:', '--no-build-isolation', '-d',
            str(tmp), f'mmcv=={MMCV_VERSION}'
        ],
                       env=env.environ,
                       check=True,
                       stdout=subprocess.DEVNULL)
        sdist = next(tmp.glob(f'mmcv-{MMCV_VERSION}.tar.gz'))
        with tarfile.open(sdist) as tar:
            if hasattr(tarfile, 'data_filter'):  # Python >= 3.11.4
                tar.extractall(tmp, filter='data')
            else:
                tar.extractall(tmp)
        src = tmp / f'mmcv-{MMCV_VERSION}'
        _patch_mmcv_cxx_standard(src, Path(torch_info['include']))

        build_env = mmcv_build_environ(env.environ, ops, jobs)
        done = threading.Event()
        reporter = threading.Thread(
            target=_report_progress,
            args=(log_path, started, done),
            daemon=True)
        reporter.start()
        with open(log_path, 'wb') as out:
            result = subprocess.run([
                str(env.python), '-m', 'pip', 'wheel', '-v', '--no-deps',
                '--no-build-isolation', '--no-cache-dir', '-w',
                str(tmp / 'dist'),
                str(src)
            ],
                                    env=build_env,
                                    stdout=out,
                                    stderr=subprocess.STDOUT)
        done.set()
        if result.returncode != 0:
            tail = log_path.read_text(errors='replace').splitlines()[-40:]
            print('\n'.join(tail), file=sys.stderr)
            fail(f'compiling mmcv failed; the whole log is {log_path}')
        built = next((tmp / 'dist').glob('mmcv-*.whl'))
        # Move into place only when complete, so an interrupted build never
        # leaves a wheel that looks reusable.
        target = wheel_dir / built.name
        shutil.move(str(built), str(target.with_suffix('.partial')))
        os.replace(target.with_suffix('.partial'), target)
    log(f'mmcv: compiled in {fmt_time(time.time() - started)}; cached as '
        f'{target}')
    return target


def link_for_mim(env: Env) -> None:
    """Make ``mim train tdmi_mmpose`` work for the editable install."""
    purelib = Path(
        env.py('import sysconfig; '
               'print(sysconfig.get_paths()["purelib"])'))
    link_package(purelib, ROOT / 'tdmi_mmpose')


def link_package(purelib: Path, target: Path) -> Path:
    """Link ``purelib/tdmi_mmpose`` to the checkout's package ``target``.

    mim looks for the codebase at ``<distribution location>/tdmi_mmpose``;
    for a PEP 660 editable install the location is site-packages, where no
    such folder exists. A link to the source package puts it there (the
    package's ``.mim`` links, made by setup.py, lead on to tools/ and
    configs/).

    The link is written into the editable distribution's RECORD, so pip
    owns it: ``pip uninstall tdmi_mmpose`` removes the link itself (pip
    treats a link as a file and never follows it), and ``pip install .``
    first uninstalls the editable install, link included, then writes a
    real folder. Without that entry a regular install would write through
    the link into the checkout, and its uninstall would delete the
    checkout's files.
    """
    link = purelib / 'tdmi_mmpose'
    if link.is_symlink():
        if link.resolve() != target.resolve():
            link.unlink()
    elif link.exists():
        fail(f'{link} exists and is not a link to {target}: another '
             'tdmi_mmpose is installed there; pip uninstall it and run '
             'again')
    if not link.is_symlink():
        link.symlink_to(target, target_is_directory=True)
    records = sorted(purelib.glob('tdmi_mmpose-*.dist-info/RECORD'))
    if len(records) != 1:
        fail(f'expected one tdmi_mmpose dist-info in {purelib}, found '
             f'{len(records)}')
    lines = records[0].read_text().splitlines()
    if 'tdmi_mmpose,,' not in lines:
        records[0].write_text('\n'.join(lines + ['tdmi_mmpose,,']) + '\n')
    return link


def setup_env(args) -> Env:
    torch_spec = torch_spec_from(args)
    venv = Path(os.environ.get('TDMI_VENV', ROOT / '.venv')).resolve()
    cache = Path(os.environ.get('TDMI_CACHE', ROOT / '.cache')).resolve()
    env = Env(venv, inherit=(torch_spec == 'inherit'))
    started = time.time()
    env.create()

    if env.stamp.exists():
        stamp = json.loads(env.stamp.read_text())
        if stamp.get('fingerprint') == fingerprint(torch_spec,
                                                   stamp.get('torch', '')):
            log(f'environment {venv} is up to date '
                f'(torch {stamp["torch"]}, mmcv {MMCV_VERSION})')
            return env
        log('environment out of date (requirements or TDMI_TORCH '
            'changed): updating it')
    env.stamp.unlink(missing_ok=True)

    with tempfile.TemporaryDirectory(prefix='tdmi-setup-') as tmp:
        constraints = effective_constraints(torch_spec, Path(tmp))
        env.pip('-r', str(REQ / 'build.txt'), 'numpy', constraints=constraints)
        torch_info = install_torch(env, torch_spec, constraints)
        log(f'torch {torch_info["version"]} (CUDA {torch_info["cuda"]}, '
            f'available: {torch_info["cuda_available"]})')
        ops, notes = plan_mmcv_ops(torch_info, env.environ)
        for note in notes:
            log(f'warning: {note}')
        wheel = build_mmcv_wheel(env, torch_info, cache, ops)
        env.pip(str(wheel), constraints=constraints)
        # chumpy (an MMPose dependency) only builds without isolation.
        env.pip('--no-build-isolation', 'chumpy', constraints=constraints)
        env.pip(
            '-r',
            str(REQ / 'runtime.txt'),
            '-r',
            str(REQ / 'tests.txt'),
            constraints=constraints)
        mim_reqs = read_requirements('mim.txt')
        env.pip('--no-deps', 'openmim', constraints=constraints)
        env.pip(
            *[r for r in mim_reqs if r != 'openmim'], constraints=constraints)
        env.pip(
            '--no-deps',
            '--no-build-isolation',
            '-e',
            str(ROOT),
            constraints=constraints)
        link_for_mim(env)

    log('checking the installation')
    env.run(
        str(env.python), '-c', 'import mmcv.ops, mmdet, mmpose, tdmi_mmpose')
    env.stamp.write_text(
        json.dumps(
            dict(
                fingerprint=fingerprint(torch_spec, torch_info['version']),
                torch=torch_info['version'],
                mmcv_wheel=str(wheel)),
            indent=2))
    log(f'set-up finished in {fmt_time(time.time() - started)}')
    return env


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('job', choices=('setup', 'demo', 'test'))
    parser.add_argument(
        '--torch',
        default=None,
        help='same as TDMI_TORCH: a pip requirement list, or "inherit"')
    args, rest = parser.parse_known_args(argv)

    env = setup_env(args)
    if args.job == 'setup':
        return 0
    if args.job == 'demo':
        cmd = [
            str(env.python),
            str(ROOT / 'tools' / 'demos' / 'synthetic_demo.py')
        ] + rest
    else:
        cmd = [str(env.python), '-m', 'pytest', str(ROOT / 'tests')] + rest
    log(' '.join(cmd))
    return subprocess.run(cmd, env=env.environ, cwd=ROOT).returncode


if __name__ == '__main__':
    sys.exit(main())
