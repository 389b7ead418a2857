# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""torch's default weights_only loading reads MMEngine checkpoints, and
nothing more than it needs to."""
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import _load_checkpoint

import tdmi_mmpose  # noqa: F401  (registers the safe globals)
from tdmi_mmpose.utils import history_buffer_getattr


def _runner_like_checkpoint(path):
    hub = MessageHub.get_instance('test_checkpoint')
    hub.update_scalar('train/loss', 0.5)
    hub.update_info('iter', 3)
    torch.save(
        dict(
            meta=dict(
                seed=np.int64(7),
                epoch=1,
                iter=3,
                mean=np.array([1.5, 2.5]),
                dtype=np.dtype('float32')),
            state_dict={'w': torch.arange(3.)},
            message_hub=hub.state_dict()), path)


def test_weights_only_load_of_runner_checkpoint(tmp_path):
    path = tmp_path / 'ckpt.pth'
    _runner_like_checkpoint(path)
    ckpt = _load_checkpoint(str(path), map_location='cpu')
    assert ckpt['meta']['seed'] == 7
    np.testing.assert_array_equal(ckpt['meta']['mean'], [1.5, 2.5])
    buffer = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.current() == 0.5
    # The default weights_only path is what ran: without the allow-list the
    # same file is refused.
    saved = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:
        with pytest.raises(pickle.UnpicklingError):
            torch.load(path)
    finally:
        torch.serialization.add_safe_globals(saved)


def test_restricted_getattr_refuses_other_attributes():
    assert history_buffer_getattr(HistoryBuffer, 'mean') is HistoryBuffer.mean
    for obj, name in [(HistoryBuffer, '__init_subclass__'),
                      (HistoryBuffer, '_set_default_statistics'), (np, 'load'),
                      (torch, 'load')]:
        with pytest.raises(ValueError, match='refused getattr'):
            history_buffer_getattr(obj, name)


def test_hostile_getattr_in_checkpoint_is_refused(tmp_path):

    class Hostile:

        def __reduce__(self):
            return getattr, (HistoryBuffer, '__init_subclass__')

    path = tmp_path / 'hostile.pth'
    torch.save({'x': Hostile()}, path)
    with pytest.raises(Exception, match='refused getattr'):
        torch.load(path)


def test_empty_or_truncated_checkpoints_are_named(tmp_path):
    """Through MMEngine's loader (Runner, load_from, init_model,
    Pretrained): not an EOFError or a zip-archive message, but the file and
    what is wrong with it."""
    from mmengine.runner.checkpoint import _load_checkpoint
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match='empty.pth is an empty file'):
        _load_checkpoint(str(empty))
    whole = tmp_path / 'whole.pth'
    torch.save(dict(state_dict=dict(w=torch.ones(1000))), whole)
    cut = tmp_path / 'cut.pth'
    cut.write_bytes(whole.read_bytes()[:1500])
    with pytest.raises(
            ValueError,
            match=r'cut.pth \(1500 bytes\) cannot be '
            'read: truncated'):
        _load_checkpoint(str(cut))
    assert torch.equal(
        _load_checkpoint(str(whole))['state_dict']['w'], torch.ones(1000))


def test_a_directory_or_another_file_is_not_a_checkpoint(tmp_path):
    """A folder, a text file or a pickle of something else: the file and
    what it is, not an unpickling traceback suggesting weights_only=False.
    A weights_only refusal keeps its own message."""
    import pickle

    from mmengine.runner.checkpoint import _load_checkpoint
    with pytest.raises(ValueError, match='is a directory; expected a'):
        _load_checkpoint(str(tmp_path))
    text = tmp_path / 'notes.pth'
    text.write_text('these are my notes, not weights')
    with pytest.raises(
            ValueError,
            match=r'notes.pth \(\d+ bytes\) .*not a '
            'torch checkpoint'):
        _load_checkpoint(str(text))
    legacy = tmp_path / 'legacy.pth'
    with open(legacy, 'wb') as f:
        pickle.dump({'w': [1, 2]}, f)
    with pytest.raises(ValueError, match='legacy.pth .*not a torch'):
        _load_checkpoint(str(legacy))
