# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Reading an annotation or detection JSON file with errors that name it."""
import json

__all__ = ['load_json']


def load_json(path: str, what: str = 'annotation file'):
    """The parsed content of ``path`` (``what`` names the kind of file in
    the errors).

    Raises:
        FileNotFoundError: naming the file, if it does not exist.
        ValueError: naming the file and the parser's message, if it is not
            valid JSON (or not UTF-8 text).
    """
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f'{what} {path} does not exist')
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f'{path}: not valid JSON, expected a {what} '
                         f'({e})') from None
