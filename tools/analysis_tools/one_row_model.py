# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The one-row model of the two heatmap MI terms against the heatmap loss.

    python tools/analysis_tools/one_row_model.py [--weight 1.0]

One (instance, keypoint) row: the predicted heatmap is ``a * g``, where g is
the training target (a Gaussian of peak 1 around the keypoint, cut at 3
sigma, as MMPose's plain MSRA target and the authors' code encode it). Per row,
the heatmap MSE is ``(a - 1)^2 sum(g^2) / hw`` and each of the two minimised
authors' terms ``mi_y(., H)`` is ``(-H(q) - <q, p>) / hw`` with
``q = softmax(a g / 0.05)``; the model keeps the entropy part (the term the
measured diagnostics show dominating) and drops ``<q, p>``:

    f(a) = (a - 1)^2 sum(g^2) - 2 w H(softmax(a g / 0.05))

(the common 1/hw dropped, w the MI weight). It prints, for the demo's sizes,
each size changed alone and the W48 recipe's sizes, every local minimum of
f over a in [0, 1.5] (grid of 1e-4), its normalised entropy H / log(hw) and
the barrier between two minima. C does not enter: these two terms read K
heatmaps, whatever the width of the features.
"""
import argparse

import numpy as np

TEMPERATURE = 0.05
# name -> (heatmap (w, h), sigma)
SIZES = {
    'demo (32 x 24, sigma 2)': ((24, 32), 2.0),
    'sigma 3 only': ((24, 32), 3.0),
    'heatmap 96 x 72 only': ((72, 96), 2.0),
    'W48 recipe (96 x 72, sigma 3)': ((72, 96), 3.0),
}


def target(size, sigma: float) -> np.ndarray:
    """The plain MSRA target at the map's centre: exp(-d^2 / 2 sigma^2)
    within 3 sigma of the rounded centre, 0 beyond (flattened)."""
    w, h = size
    radius = int(3 * sigma)
    cx, cy = w // 2, h // 2
    x, y = np.meshgrid(np.arange(w), np.arange(h))
    g = np.exp(-((x - cx)**2 + (y - cy)**2) / (2 * sigma**2))
    g[(np.abs(x - cx) > radius) | (np.abs(y - cy) > radius)] = 0
    return g.ravel()


def entropy(logits: np.ndarray) -> np.ndarray:
    """Entropy of softmax over the last axis."""
    z = logits - logits.max(-1, keepdims=True)
    log_q = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return -(np.exp(log_q) * log_q).sum(-1)


def objective(a: np.ndarray, g: np.ndarray, weight: float) -> tuple:
    """f(a) for every a, and the entropy of q at each a."""
    h_q = np.concatenate([
        entropy(np.outer(chunk, g) / TEMPERATURE)
        for chunk in np.array_split(a, max(1,
                                           len(a) // 500))
    ])
    return (a - 1)**2 * (g**2).sum() - 2 * weight * h_q, h_q


def minima(a: np.ndarray, f: np.ndarray) -> list:
    """Indices of the local minima of a sampled curve (ends included)."""
    inner = np.where((f[1:-1] < f[:-2]) & (f[1:-1] <= f[2:]))[0] + 1
    ends = [
        i for i in (0, len(f) - 1)
        if f[i] < f[min(max(i + (1 if i == 0 else -1), 0),
                        len(f) - 1)]
    ]
    return sorted(set(inner.tolist()) | set(ends))


def analyse(size, sigma: float, weight: float) -> dict:
    g = target(size, sigma)
    a = np.arange(0, 1.5 + 1e-9, 1e-4)
    f, h_q = objective(a, g, weight)
    found = minima(a, f)
    best = min(found, key=lambda i: f[i])
    out = dict(
        sum_g2=float((g**2).sum()),
        log_hw=float(np.log(g.size)),
        minima=[(float(a[i]), float(h_q[i] / np.log(g.size)), float(f[i]))
                for i in found],
        best=float(a[best]))
    if len(found) > 1:
        lo, hi = found[0], found[-1]
        out['barrier'] = float(a[lo + int(np.argmax(f[lo:hi + 1]))])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--weight',
        type=float,
        nargs='+',
        default=[1.0, 0.1],
        help='MI weights w to evaluate (default: 1.0 0.1)')
    args = parser.parse_args()
    print('| sizes | w | sum(g^2) | log(hw) | local minima a (normalised '
          'entropy) | global a | barrier a |')
    print('|---|---|---|---|---|---|---|')
    for name, (size, sigma) in SIZES.items():
        for weight in args.weight:
            r = analyse(size, sigma, weight)
            cells = ', '.join(f'{a:.2f} ({e:.2f})' for a, e, _ in r['minima'])
            barrier = f'{r["barrier"]:.2f}' if 'barrier' in r else '-'
            print(f'| {name} | {weight:g} | {r["sum_g2"]:.1f} | '
                  f'{r["log_hw"]:.1f} | {cells} | {r["best"]:.2f} | '
                  f'{barrier} |')


if __name__ == '__main__':
    main()
