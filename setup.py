"""Packaging for tdmi_mmpose, an MMPose 1.x plugin.

Dependencies are declared as compatible ranges here; the known-good pinned set
lives in ``requirements/constraints.txt`` and is applied by ``run.py``.
mmcv is not an install requirement (as in MMPose itself): PyPI only has its
source, which must be compiled against the installed torch; ``run.py`` does
that and caches the wheel.
"""
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

ROOT = osp.dirname(osp.abspath(__file__))
# Folders that mim looks for in ``<package>/.mim/`` (mim train tdmi_mmpose).
MIM_FILES = ('tools', 'configs')


def get_version() -> str:
    """Read ``__version__`` without importing the package (it imports
    torch and MMPose)."""
    scope: dict = {}
    with open(osp.join(ROOT, 'tdmi_mmpose', 'version.py')) as f:
        exec(compile(f.read(), 'version.py', 'exec'), scope)
    return scope['__version__']


def read_requirements(name: str) -> list:
    """Requirement lines of ``requirements/<name>``, comments dropped."""
    with open(osp.join(ROOT, 'requirements', name)) as f:
        lines = (line.split('#', 1)[0].strip() for line in f)
        return [line for line in lines if line]


def add_mim_extension() -> None:
    """Expose ``tools/`` and ``configs/`` to mim as ``tdmi_mmpose/.mim/``.

    mim finds a codebase's training script and configs in
    ``<installed package>/.mim/``. A wheel build copies the folders there so
    that a regular ``pip install .`` carries them; an editable or develop
    build links them, so edits to configs and tools take effect at once.
    This follows OpenMMLab's own ``setup.py`` files, extended to setuptools'
    PEP 660 ``editable_wheel`` command.
    """
    if {'develop', 'editable_wheel'} & set(sys.argv):
        mode = 'symlink'
    elif {'sdist', 'bdist_wheel', 'build', 'install'} & set(sys.argv):
        mode = 'copy'
    else:
        return

    mim_root = osp.join(ROOT, 'tdmi_mmpose', '.mim')
    os.makedirs(mim_root, exist_ok=True)
    for name in MIM_FILES:
        src = osp.join(ROOT, name)
        dst = osp.join(mim_root, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim_root), dst)
        else:
            shutil.copytree(
                src,
                dst,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='tdmi_mmpose',
        version=get_version(),
        description=('TDMI (CVPR 2023): temporal-difference learning with '
                     'mutual-information disentanglement for video human '
                     'pose estimation, as an MMPose 1.x plugin'),
        long_description=open(osp.join(ROOT, 'README.md')).read(),
        long_description_content_type='text/markdown',
        license='Apache License 2.0',
        python_requires='>=3.10',
        packages=find_packages(
            exclude=('tests', 'tests.*', 'tools', 'configs')),
        include_package_data=True,
        package_data={'tdmi_mmpose': ['.mim/**/*']},
        install_requires=read_requirements('runtime.txt'),
        extras_require={
            'mim': read_requirements('mminstall.txt'),
            'tests': read_requirements('tests.txt'),
        },
        classifiers=[
            'License :: OSI Approved :: Apache Software License',
            'Programming Language :: Python :: 3',
            'Topic :: Scientific/Engineering :: Artificial Intelligence',
        ],
        zip_safe=False,
    )
