# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Reading an annotation or detection JSON file with errors that name it."""
import json

__all__ = ['load_json']


def load_json(path: str):
    """The parsed content of ``path``.

    Raises:
        FileNotFoundError: naming the file, if it does not exist.
        ValueError: naming the file and the parser's message, if it is not
            valid JSON.
    """
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f'annotation file {path} does not exist')
    except json.JSONDecodeError as e:
        raise ValueError(f'{path}: not valid JSON ({e})') from None
