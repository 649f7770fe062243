"""
Any torch module: a small CNN that counts dots
==============================================

The estimator trains whatever :class:`torch.nn.Module` maps a float32 batch to ``K``
logits; the ordinal loss, the label handling and the decision rules do not care what
is inside. Here the task is to *count* the dots in a noisy 12 × 12 image (1 to 7 dots:
7 ordered classes, where answering 5 for 4 dots is a smaller mistake than answering 1).

The images are passed as they are, a 4-D array ``(n_samples, 1, 12, 12)`` (channels
first, as torch's convolutions expect): the estimator checks them like any array (finite
values, one label per image) and hands batches of them to the module unchanged. A torch
``Dataset`` of ``(image, label)`` pairs would work too (``fit(dataset)``).
"""

# %%
# A synthetic image ordinal task
# ------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split
from torch import nn

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.metrics import mae_class_index, mse_class_index

SIDE = 12
MAX_DOTS = 7


def make_dot_images(n_samples, random_state=0):
    """Images with 1..MAX_DOTS bright pixels on Gaussian noise, and their dot counts."""
    rng = np.random.default_rng(random_state)
    counts = rng.integers(1, MAX_DOTS + 1, size=n_samples)
    images = rng.normal(0.0, 0.2, size=(n_samples, 1, SIDE, SIDE))
    for image, count in zip(images, counts, strict=True):
        pixels = rng.choice(SIDE * SIDE, size=count, replace=False)
        image[0].flat[pixels] += 1.0
    return images.astype(np.float32), counts


X, y = make_dot_images(1500)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
print(X.shape, "labels:", np.unique(y))

# %%
# The module
# ----------
# A 3 × 3 convolution (a dot is a pixel brighter than its neighbours), a 1 × 1
# convolution, then a *sum* over the image — a count is a sum of local evidence —
# scaled down to keep the logits small, and a linear head. The constructor takes
# ``num_classes``, so the estimator fills it in from the data; other constructor
# arguments are set with ``module__<name>`` (here ``module__channels``).


class DotCounter(nn.Module):
    def __init__(self, num_classes, channels=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 1),
            nn.ReLU(),
        )
        self.head = nn.Linear(channels, num_classes)

    def forward(self, images):  # (batch, 1, SIDE, SIDE)
        evidence = 0.1 * self.features(images).sum(dim=(2, 3))  # (batch, channels)
        return self.head(evidence)


# %%
# Fit CE and CE + KL
# ------------------
# Same module, same data and seed; only ``alpha`` differs. ``lr`` is raised for the
# short training (40 epochs, a few seconds each).
models = {}
for alpha in [0.0, 2.0]:
    clf = OrdinalKLClassifier(
        DotCounter,
        alpha=alpha,
        sigma=1.0,
        module__channels=16,
        lr=1e-2,
        max_epochs=40,
        batch_size=64,
        random_state=0,
    )
    models["CE" if alpha == 0 else "CE + KL"] = clf.fit(X_train, y_train)

for name, clf in models.items():
    y_pred = clf.predict(X_test)
    print(
        f"{name:8s} accuracy {np.mean(y_pred == y_test):.3f}  "
        f"MAE {mae_class_index(y_test, y_pred, classes=clf.ordinal_classes_):.3f}  "
        f"MSE {mse_class_index(y_test, y_pred, classes=clf.ordinal_classes_):.3f}"
    )
print(models["CE + KL"].module_)

# %%
# Test images and the CE + KL predictions
# ---------------------------------------
# The title of each image gives the true count and the predicted count (the argmax of
# ``predict_proba``), green when right.
clf = models["CE + KL"]
y_pred = clf.predict(X_test[:12])
fig, axes = plt.subplots(2, 6, figsize=(11, 4.8))
for ax, image, truth, pred in zip(axes.ravel(), X_test[:12], y_test[:12], y_pred, strict=True):
    ax.imshow(image[0], cmap="gray", vmin=0.0, vmax=1.1)
    ax.set_title(
        f"true {truth} / pred {pred}", fontsize=9, color="green" if truth == pred else "red"
    )
    ax.set_axis_off()
fig.suptitle("Counting dots with a custom CNN inside OrdinalKLClassifier")
fig.tight_layout()

# %%
# Error distance on the test set
# ------------------------------
# How far the predicted count is from the truth, for each loss. Nearly all errors are
# off by one or two dots: both models learned the order of the counts.
fig, ax = plt.subplots(figsize=(7, 3.5))
distances = np.arange(-3, 4)
width = 0.4
for offset, (name, model) in zip([-width / 2, width / 2], models.items(), strict=True):
    error = model.predict(X_test) - y_test
    share = [np.mean(error == d) for d in distances]
    ax.bar(distances + offset, share, width, label=name)
ax.set_xticks(distances)
ax.set_xlabel("predicted count − true count")
ax.set_ylabel("share of test images")
ax.set_title("Error distance of the dot counter (0 = correct)")
ax.legend()
fig.tight_layout()

# sphinx_gallery_start_ignore
import sys  # noqa: E402

if "sphinx_gallery" not in sys.modules:  # plain script: tests/test_examples.py reads PNGs
    from _figure_files import save_figures

    save_figures()
# sphinx_gallery_end_ignore
