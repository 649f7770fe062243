"""Training epochs without skorch's per-batch overhead, when nothing needs it.

skorch runs every training batch through a chain of methods and callback hooks (see
``_compat.SKORCH_PER_BATCH_METHODS``). On small tabular data that chain costs a
noticeable share of a fit. When neither a subclass nor a callback changes any of it and
the net has one ``torch.optim`` optimizer that needs no closure, an epoch runs as a plain
loop instead: ``zero_grad``, forward, loss, backward, ``step``, with the same per-batch
history entries. The other per-batch cost, switching the network's training mode, is cut
by switching only the modules whose mode differs.
"""

from __future__ import annotations

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.dataset import get_len, unpack_data

from .. import _compat

__all__ = ["is_plain_training_step", "run_plain_epoch", "set_training_where_needed"]

_CALLBACK_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_grad_computed")


def is_plain_training_step(net: NeuralNet, step_fn, reference: type) -> bool:
    """Whether ``net``'s training step is skorch's default one, with no batch hooks.

    Parameters
    ----------
    net : skorch NeuralNet
        An initialised net.
    step_fn : callable
        The step skorch would run per batch.
    reference : type
        The class whose per-batch methods count as uncustomised (a subclass of it that
        overrides one of them gets skorch's loop).
    """
    cls = type(net)
    if getattr(step_fn, "__func__", None) is not NeuralNet.train_step or any(
        getattr(cls, name) is not getattr(reference, name)
        for name in _compat.SKORCH_PER_BATCH_METHODS
    ):
        return False
    for _, callback in net.callbacks_:
        if any(
            getattr(type(callback), hook, None) is not getattr(Callback, hook)
            for hook in _CALLBACK_BATCH_HOOKS
        ):
            return False
    if _compat.registered_names(net, "optimizers") != ["optimizer"]:
        return False
    optimizer = type(net.optimizer_)
    return optimizer.__module__.startswith("torch.optim.") and not issubclass(
        optimizer, torch.optim.LBFGS
    )


def run_plain_epoch(net: NeuralNet, iterator, prefix: str, **fit_params) -> None:
    """One training epoch as a plain loop, recording each batch's loss and size.

    The history gets the per-batch ``<prefix>_loss`` and ``<prefix>_batch_size``
    entries and the ``<prefix>_batch_count`` that skorch's loop records, written at
    the end of the epoch (one device synchronisation instead of one per batch).
    """
    net._set_training(True)
    optimizer = net.optimizer_
    losses, sizes = [], []
    for batch in iterator:
        Xi, yi = unpack_data(batch)
        optimizer.zero_grad(set_to_none=True)
        loss = net.get_loss(net.infer(Xi, **fit_params), yi, X=Xi, training=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
        sizes.append(get_len(batch[0]) if isinstance(batch, tuple | list) else get_len(batch))
    values = torch.stack(losses).tolist() if losses else []
    history = net.history
    for value, size in zip(values, sizes, strict=True):
        history.new_batch()
        history.record_batch(prefix + "_loss", value)
        history.record_batch(prefix + "_batch_size", size)
    history.record(prefix + "_batch_count", len(sizes))


def set_training_where_needed(net: NeuralNet, training: bool) -> None:
    """Put the net's modules and criteria in training or evaluation mode.

    ``nn.Module.train`` re-assigns the flag of every submodule each time, so a module
    whose submodules are all in the requested mode already is left alone; the flags end
    up as skorch's ``_set_training`` sets them. (A module overriding ``train()`` with
    side effects sees it called on a change of mode only.)
    """
    names = _compat.registered_names(net, "modules") + _compat.registered_names(net, "criteria")
    for module in (getattr(net, name + "_") for name in names):
        if isinstance(module, torch.nn.Module) and any(
            m.training != training for m in module.modules()
        ):
            module.train(training)
