"""
The Gaussian target mound for several σ
=======================================

``OrdinalKLClassifier`` pulls the predicted distribution ``q`` towards a discrete
Gaussian "mound" ``p_σ(y)`` centred on the true class index ``y``:

.. math::

    p_\\sigma(y)_k = \\frac{\\exp(-(k - y)^2 / 2\\sigma^2)}
                          {\\sum_j \\exp(-(j - y)^2 / 2\\sigma^2)},
    \\qquad k = 0, \\dots, K - 1.

This example draws the mound for several widths σ, and the soft target
``t = (onehot(y) + α p_σ(y)) / (1 + α)`` that the loss actually fits (see the
:doc:`user guide </user_guide>`). No model is trained.
"""

# %%
# The mound for several σ
# -----------------------
# :func:`~sk_ordinal_kl.targets.gaussian_targets` returns the whole ``K × K`` table;
# row ``y`` is the mound of true class ``y``. A small σ is almost one-hot, a large σ
# spreads the mass over distant classes too. Near the ends of the scale the mound is
# truncated and renormalised, so it is skewed towards the inside.
import matplotlib.pyplot as plt
import numpy as np

from sk_ordinal_kl.targets import gaussian_targets

K = 9
true_class = 3
sigmas = [0.25, 0.5, 1.0, 2.0, 4.0]
k = np.arange(K)

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
for sigma in sigmas:
    for ax, y in zip(axes, [true_class, 0], strict=True):
        row = gaussian_targets(K, sigma)[y].numpy()
        ax.plot(k, row, marker="o", label=f"σ = {sigma:g}")
for ax, y in zip(axes, [true_class, 0], strict=True):
    ax.axvline(y, color="0.6", ls=":", lw=1)
    ax.set_title(f"p_σ(y) for true class index y = {y} (K = {K})")
    ax.set_xlabel("class index k")
    ax.set_xticks(k)
axes[0].set_ylabel("target probability")
axes[0].legend()
fig.tight_layout()

# %%
# What the loss fits: the soft target for several α
# -------------------------------------------------
# ``CE(q, y) + α KL(p_σ ‖ q)`` equals ``(1 + α) CE(t, q)`` up to a constant, with the
# soft target ``t`` below. α sets how much of the mass leaves the true class:
# ``t_y = (1 + α p_y) / (1 + α)``; σ sets how far it goes.
sigma = 1.0
p = gaussian_targets(K, sigma)[true_class].numpy()
onehot = np.eye(K)[true_class]
alphas = [0.0, 0.5, 1.0, 2.0, 8.0]
width = 0.8 / len(alphas)

fig, ax = plt.subplots(figsize=(8, 3.8))
for i, alpha in enumerate(alphas):
    t = (onehot + alpha * p) / (1 + alpha)
    ax.bar(k + (i - len(alphas) / 2 + 0.5) * width, t, width, label=f"α = {alpha:g}")
ax.set_xticks(k)
ax.set_xlabel("class index k")
ax.set_ylabel("soft target t")
ax.set_title(f"t = (onehot + α p_σ) / (1 + α), σ = {sigma:g}, true class {true_class}")
ax.legend()
fig.tight_layout()

# sphinx_gallery_start_ignore
import sys  # noqa: E402

if "sphinx_gallery" not in sys.modules:  # plain script: tests/test_examples.py reads PNGs
    from _figure_files import save_figures

    save_figures()
# sphinx_gallery_end_ignore
