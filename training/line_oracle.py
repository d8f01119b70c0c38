"""Is a voigt-lines model limited by its K lines or by the network that places them?

For test spectra, fit the K line positions and weights of each spectrum directly (Adam on the SE metric, through the
same exact in-graph broadening, starting from the network's own lines) and compare the SE of these per-spectrum
"oracle" lines with the network's. Oracle SE far below the network's means the line representation is sufficient
and the mapping parameters → lines is what is missing (capacity, training time); oracle SE near the network's means
more lines are needed.

    /usr/bin/python3 training/line_oracle.py --run data/runs/fe3-slices --test data/Fe3+/test-d4h --count 16 \
        --max-gamma1 0.45
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import evaluate  # noqa: E402
import metrics  # noqa: E402
import model as models  # noqa: E402


def fit_lines(net, x, y, position_logits, weight_logits, steps, lr=0.02):
    """Per-spectrum line positions/weights minimising SE; returns the final SE of each spectrum."""
    pl = position_logits.clone().requires_grad_(True)
    wl = weight_logits.clone().requires_grad_(True)
    opt = torch.optim.Adam([pl, wl], lr=lr)
    for _ in range(steps):
        positions = net.span_lo + net.span * torch.sigmoid(pl)
        p = models.box_normalise(net.lines(positions, torch.softmax(wl, 1), x))
        se = (p - y).abs().sum(1) / (p + y).abs().sum(1)
        opt.zero_grad()
        se.mean().backward()
        opt.step()
    return se.detach().numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--count", type=int, default=16)
    parser.add_argument("--max-gamma1", type=float, default=10.0, help="only spectra with Γ1 below this (eV)")
    parser.add_argument("--steps", type=int, default=1500)
    args = parser.parse_args()
    torch.set_num_threads(1)
    net, cfg, _ = evaluate.load_run(args.run)
    test = data.load(args.test)
    rows = np.where(test.params[:, 7] < args.max_gamma1)[0][: args.count]
    x, y = torch.from_numpy(test.params[rows]), torch.from_numpy(test.spectra[rows])
    with torch.no_grad():
        h = net.body(net.stem(x))
        network_se = metrics.spectral_error(net(x).numpy(), y.numpy())
        position_logits, weight_logits = net.position_head(h), net.weight_head(h)
    oracle_se = fit_lines(net, x, y, position_logits, weight_logits, args.steps)
    doubled_se = fit_lines(net, x, y, torch.cat([position_logits, position_logits + 0.01], 1),
                           torch.cat([weight_logits, weight_logits], 1), args.steps)
    print(f"{len(rows)} spectra of {args.test} (Γ1 < {args.max_gamma1} eV), {cfg.lines} lines per spectrum")
    print("| lines from | median SE | max SE |\n|---|---|---|")
    for label, se in ((f"the network ({cfg.name})", network_se), (f"per-spectrum fit, {cfg.lines} lines", oracle_se),
                      (f"per-spectrum fit, {2 * cfg.lines} lines", doubled_se)):
        print(f"| {label} | {100 * np.median(se):.2f} % | {100 * se.max():.2f} % |")


if __name__ == "__main__":
    main()
