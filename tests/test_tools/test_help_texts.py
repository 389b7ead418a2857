# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Every option of every user-facing tool says what it does, and those with
a default value say it. (tools/train.py and tools/test.py are MMPose's own
scripts; their options are MMPose's.)"""
import argparse
import runpy
import sys

import pytest
from conftest import ROOT

USER_TOOLS = [
    'demos/video_demo.py', 'deployment/export_onnx.py',
    'misc/eval_posetrack.py', 'misc/check_dataset.py',
    'misc/generate_synthetic_posetrack.py', 'demos/synthetic_demo.py'
]


class _Captured(Exception):

    def __init__(self, parser):
        self.parser = parser


def _parser(tool: str) -> argparse.ArgumentParser:
    """The tool's parser, captured at its first parse."""

    def capture(self, *args, **kwargs):
        raise _Captured(self)

    original = argparse.ArgumentParser.parse_known_args
    argparse.ArgumentParser.parse_known_args = capture
    argv = sys.argv
    sys.argv = [tool]
    try:
        runpy.run_path(str(ROOT / 'tools' / tool), run_name='__main__')
    except _Captured as found:
        return found.parser
    finally:
        argparse.ArgumentParser.parse_known_args = original
        sys.argv = argv
    raise AssertionError(f'{tool} parsed no arguments')


@pytest.mark.parametrize('tool', USER_TOOLS)
def test_every_option_has_help_and_its_default(tool):
    parser = _parser(tool)
    missing, no_default = [], []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = '/'.join(action.option_strings) or action.dest
        if not action.help or action.help == argparse.SUPPRESS:
            missing.append(name)
            continue
        has_default = action.default not in (None, False, argparse.SUPPRESS)
        if action.option_strings and has_default and \
                'default' not in action.help.lower():
            no_default.append(f'{name} (default {action.default!r})')
    assert not missing, f'{tool}: options without help: {missing}'
    assert not no_default, f'{tool}: help does not say the default: ' \
        f'{no_default}'
