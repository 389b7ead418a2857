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
from setuptools.command.build_py import build_py

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


def link_mim_extension() -> None:
    """Editable / develop installs: link ``tools/`` and ``configs/`` as
    ``tdmi_mmpose/.mim/`` in the checkout (git-ignored), so that mim finds
    them and edits take effect at once (OpenMMLab's ``setup.py`` habit,
    extended to setuptools' PEP 660 ``editable_wheel`` command)."""
    if not {'develop', 'editable_wheel'} & set(sys.argv):
        return
    mim_root = osp.join(ROOT, 'tdmi_mmpose', '.mim')
    os.makedirs(mim_root, exist_ok=True)
    for name in MIM_FILES:
        dst = osp.join(mim_root, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        os.symlink(osp.relpath(osp.join(ROOT, name), mim_root), dst)


class BuildPyWithMim(build_py):
    """Regular builds: copy ``tools/`` and ``configs/`` into the *build*
    folder's ``tdmi_mmpose/.mim/``, so a wheel carries them for mim. The
    checkout is not written to (OpenMMLab's ``setup.py`` files copy into
    the source tree, which replaced the editable install's links with
    stale copies)."""

    def run(self):
        super().run()
        mim_root = osp.join(self.build_lib, 'tdmi_mmpose', '.mim')
        if osp.islink(mim_root):
            os.remove(mim_root)
        elif osp.isdir(mim_root):
            shutil.rmtree(mim_root)
        os.makedirs(mim_root)
        for name in MIM_FILES:
            shutil.copytree(
                osp.join(ROOT, name),
                osp.join(mim_root, name),
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


if __name__ == '__main__':
    link_mim_extension()
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
        # the package only: the checkout's research code (tdmi_research)
        # and its tools, tests and configs are not installed
        packages=find_packages(include=('tdmi_mmpose', 'tdmi_mmpose.*')),
        cmdclass={'build_py': BuildPyWithMim},
        install_requires=read_requirements('runtime.txt'),
        extras_require={
            'mim': read_requirements('mminstall.txt'),
            'onnx': read_requirements('onnx.txt'),
            'tests': read_requirements('tests.txt'),
            'vit': read_requirements('vit.txt'),
        },
        classifiers=[
            'License :: OSI Approved :: Apache Software License',
            'Programming Language :: Python :: 3',
            'Topic :: Scientific/Engineering :: Artificial Intelligence',
        ],
        zip_safe=False,
    )
