"""Networks that map the nine physical parameters to a box-normalised 2p XAS spectrum (501 channels).

Every model takes `params` (B, 9) in physical units (DESIGN.md §1 order) and returns (B, 501); the input
scaling and the polynomial feature expansion are layers, so they travel inside the exported ONNX graph.

Architectures (`ARCHITECTURES`):
  dnn        dense layers on the monomials (the paper's DNN)
  cnn        dense stem, then 1D convolutions ("characteristic layers") over the energy axis
  tcnn       dense stem, then transposed convolutions that upsample to 501 channels
  lcnn       dense stem, then locally-connected layers (own weights per energy channel)
  slcnn      the paper's split sLCNN: one locally-connected branch for L3, one for L2, concatenated
  voigt-lines dense layers on the six Hamiltonian/thermal inputs predict K lines (positions, weights); the exact
             Voigt spectrum of those lines with the pixel's widths is computed in the graph, then box-normalised
  voigt-mlp  dense layers on the six Hamiltonian/thermal inputs predict a base spectrum at the narrowest widths
             of the domain; the three widths are then applied exactly by in-graph Voigt broadening (a fixed
             real DFT as matrix products), followed by box normalisation
"""
import itertools
import math

import torch
from torch import nn

WIDTH_COLUMNS = (6, 7, 8)          # sigma_g_ev, gamma1_ev, gamma2_ev
HAMILTONIAN_COLUMNS = (0, 1, 2, 3, 4, 5)  # dq, ds, dt, s1, s2, temperature_k
FWHM_TO_SIGMA = 1.0 / (2.0 * math.sqrt(2.0 * math.log(2.0)))


class InputScaling(nn.Module):
    """Box normalisation of the inputs onto [0, 1] with the trained domain's bounds."""

    def __init__(self, lo, hi, columns):
        super().__init__()
        lo = torch.as_tensor([lo[c] for c in columns], dtype=torch.float32)
        hi = torch.as_tensor([hi[c] for c in columns], dtype=torch.float32)
        span = torch.where(hi > lo, hi - lo, torch.ones_like(hi))  # fixed parameters (Oh: Ds = Dt = 0) stay finite
        self.register_buffer("columns", torch.as_tensor(columns, dtype=torch.long))
        self.register_buffer("lo", lo)
        self.register_buffer("span", span)

    def forward(self, params):  # (B, 9) -> (B, len(columns))
        return (params.index_select(1, self.columns) - self.lo) / self.span


class Monomials(nn.Module):
    """All monomials of degree 1..degree of the inputs (the paper's feature step): 219 for 9 inputs at degree 3."""

    def __init__(self, inputs, degree=3):
        super().__init__()
        triples = [t for t in itertools.combinations_with_replacement(range(inputs + 1), degree) if any(t)]
        index = torch.as_tensor(triples, dtype=torch.long)  # factor 0 is the constant 1
        self.register_buffer("index", index)
        self.features = len(triples)

    def forward(self, x):  # (B, d) -> (B, features)
        ext = torch.cat([torch.ones_like(x[:, :1]), x], dim=1)
        out = ext.index_select(1, self.index[:, 0])
        for k in range(1, self.index.shape[1]):
            out = out * ext.index_select(1, self.index[:, k])
        return out


def activation(name):
    return {"relu": nn.ReLU, "silu": nn.SiLU, "gelu": nn.GELU}[name]()


def dense_stack(inputs, widths, act):
    layers, width = [], inputs
    for w in widths:
        layers += [nn.Linear(width, w), activation(act)]
        width = w
    return nn.Sequential(*layers), width


class LocallyConnected1d(nn.Module):
    """A 1D convolution whose kernel differs at every position (own weights per energy channel).

    Patches are gathered with a fixed index instead of `unfold`, which exports to ONNX as Gather + MatMul.
    """

    def __init__(self, in_channels, out_channels, length, kernel):
        super().__init__()
        pad = kernel // 2
        index = torch.arange(length).unsqueeze(1) + torch.arange(kernel).unsqueeze(0)  # (L, k) into padded input
        self.register_buffer("index", index.reshape(-1))
        self.pad, self.length, self.kernel = pad, length, kernel
        fan_in = in_channels * kernel
        self.weight = nn.Parameter(torch.randn(length, fan_in, out_channels) * math.sqrt(2.0 / fan_in))
        self.bias = nn.Parameter(torch.zeros(out_channels, length))

    def forward(self, x):  # (B, C, L) -> (B, C_out, L)
        b, c, _ = x.shape
        padded = nn.functional.pad(x, (self.pad, self.pad))
        patches = padded.index_select(2, self.index).reshape(b, c, self.length, self.kernel)
        patches = patches.permute(2, 0, 1, 3).reshape(self.length, b, c * self.kernel)  # (L, B, C·k)
        out = torch.bmm(patches, self.weight)  # (L, B, C_out)
        return out.permute(1, 2, 0) + self.bias


class ThermalInputs(nn.Module):
    """The inputs on the scales the Boltzmann populations see. Near Dq = Ds = Dt = 0 at low temperature the ground
    multiplet's crystal-field splitting is comparable to k_BT, so the spectrum changes within a sliver of the linearly
    scaled inputs (every Oh outlier of V2+, Cr3+ and Fe4+ has |Dq| < 0.004 eV and T < 130 K; docs/training.md). These
    features spread that sliver out: ln T over the trained range, and x / (|x| + k_BT) for x = Dq, Ds, Dt and 10 x."""

    SCALES = (1.0, 10.0)
    BOLTZMANN_EV_PER_K = 8.6173303e-5
    MIN_KELVIN = 1e-3  # T = 0 is a valid input: keeps ln T and the ratios finite

    def __init__(self, lo, hi):
        super().__init__()
        t_lo, t_hi = max(lo[5], self.MIN_KELVIN), max(hi[5], 2 * self.MIN_KELVIN)
        self.log_lo = math.log(t_lo)
        self.log_span = max(math.log(t_hi) - self.log_lo, 1e-6)
        self.features = 1 + 3 * len(self.SCALES)

    def forward(self, params):  # (B, 9) -> (B, 7)
        t = params[:, 5:6].clamp(min=self.MIN_KELVIN)
        kt = self.BOLTZMANN_EV_PER_K * t
        field = params[:, 0:3]
        ratios = [scale * field / ((scale * field).abs() + kt) for scale in self.SCALES]
        return torch.cat([(torch.log(t) - self.log_lo) / self.log_span] + ratios, dim=1)


class FeatureStem(nn.Module):
    """Input scaling + monomials of the chosen columns (+ the thermal inputs, appended as they are)."""

    def __init__(self, lo, hi, columns, degree, thermal=False):
        super().__init__()
        self.scaling = InputScaling(lo, hi, columns)
        self.monomials = Monomials(len(columns), degree)
        self.thermal = ThermalInputs(lo, hi) if thermal else None
        self.features = self.monomials.features + (self.thermal.features if thermal else 0)

    def forward(self, params):
        features = self.monomials(self.scaling(params))
        if self.thermal is None:
            return features
        return torch.cat([features, self.thermal(params)], dim=1)


class DNN(nn.Module):
    def __init__(self, cfg, lo, hi, channels=501):
        super().__init__()
        self.stem = FeatureStem(lo, hi, range(9), cfg.degree)
        self.body, width = dense_stack(self.stem.features, cfg.hidden, cfg.activation)
        self.head = nn.Linear(width, channels)

    def forward(self, params):
        return self.head(self.body(self.stem(params)))


def characteristic_layers(kind, channels, length, kernel, depth, act):
    """`depth` layers over the energy axis; the last maps to one channel."""
    layers = []
    for i in range(depth):
        out = 1 if i == depth - 1 else channels
        if kind == "conv":
            layers.append(nn.Conv1d(channels, out, kernel, padding=kernel // 2))
        else:
            layers.append(LocallyConnected1d(channels, out, length, kernel))
        if i < depth - 1:
            layers.append(activation(act))
    return nn.Sequential(*layers)


class CharacteristicNet(nn.Module):
    """Dense stem (the paper: 260, 160 units), a projection onto (channels, 501), then `depth` layers along energy."""

    def __init__(self, cfg, lo, hi, kind, channels=501):
        super().__init__()
        self.stem = FeatureStem(lo, hi, range(9), cfg.degree)
        self.body, width = dense_stack(self.stem.features, cfg.hidden, cfg.activation)
        self.filters, self.length, self.kind = cfg.filters, channels, kind
        if kind == "tcnn":  # upsample 63 -> 126 -> 252 -> 504, crop to 501
            self.project = nn.Linear(width, cfg.filters * 63)
            ups = []
            for _ in range(3):
                ups += [nn.ConvTranspose1d(cfg.filters, cfg.filters, 4, stride=2, padding=1), activation(cfg.activation)]
            self.upsample = nn.Sequential(*ups)
            self.layers = characteristic_layers("conv", cfg.filters, channels, cfg.kernel, cfg.depth, cfg.activation)
        else:
            self.project = nn.Linear(width, cfg.filters * channels)
            layer_kind = "conv" if kind == "cnn" else "local"
            self.layers = characteristic_layers(layer_kind, cfg.filters, channels, cfg.kernel, cfg.depth, cfg.activation)
        self.act = activation(cfg.activation)

    def forward(self, params):
        h = self.body(self.stem(params))
        if self.kind == "tcnn":
            x = self.upsample(self.act(self.project(h)).reshape(-1, self.filters, 63))[:, :, : self.length]
        else:
            x = self.act(self.project(h)).reshape(-1, self.filters, self.length)
        return self.layers(x).reshape(-1, self.length)


class SplitLCNN(nn.Module):
    """sLCNN: a shared dense stem, then an L3 branch and an L2 branch of locally-connected layers.

    The split channel is where the lifetime width steps (E_L3 + 0.75·ζ2p, half-way between the L3 and L2 lines).
    """

    def __init__(self, cfg, lo, hi, split, channels=501):
        super().__init__()
        self.stem = FeatureStem(lo, hi, range(9), cfg.degree)
        self.body, width = dense_stack(self.stem.features, cfg.hidden, cfg.activation)
        self.lengths = (split, channels - split)
        self.filters = cfg.filters
        self.projects = nn.ModuleList(nn.Linear(width, cfg.filters * n) for n in self.lengths)
        self.branches = nn.ModuleList(
            characteristic_layers("local", cfg.filters, n, cfg.kernel, cfg.depth, cfg.activation) for n in self.lengths)
        self.act = activation(cfg.activation)

    def forward(self, params):
        h = self.body(self.stem(params))
        parts = []
        for project, branch, n in zip(self.projects, self.branches, self.lengths):
            parts.append(branch(self.act(project(h)).reshape(-1, self.filters, n)).reshape(-1, n))
        return torch.cat(parts, dim=1)


def stepwise_inverse_dft(spectrum, k1, k2, inverse_dft, step_channel):
    """(B, 2K) cosine and sine parts, the Γ1 and Γ2 transfer functions (B, K) -> (B, 501) with the stepwise Γ(ω).

    Γ(ω) depends on the channel, not on the line: each width is transformed back only onto its own channels, which
    halves the largest matrix product of the graph (and gives the same numbers as masking two full products)."""
    low = (spectrum * torch.cat([k1, k1], 1)) @ inverse_dft[:, :step_channel]       # channels below the step, Γ1
    high = (spectrum * torch.cat([k2, k2], 1)) @ inverse_dft[:, step_channel:]      # the rest, Γ2
    return torch.cat([low, high], 1)


class VoigtBroadening(nn.Module):
    """Exact Voigt broadening of a base spectrum on the energy grid, with the stepwise lifetime width Γ(ω).

    The base spectrum is taken to be sticks already broadened by (σG0, Γ0), the narrowest widths of the domain.
    A Voigt profile of Gaussian FWHM σG and Lorentzian FWHM Γ is the base convolved with the Voigt of Gaussian
    variance s² − s0² and Lorentzian FWHM Γ − Γ0, whose Fourier transform is exp(−π(Γ−Γ0)|t| − 2π²(s²−s0²)t²).
    The convolution runs as a real DFT written as two fixed matrix products (ONNX opset 17 has no rfft export in
    torch 1.13), zero-padded to `fft_length` so that the circular wrap-around stays > 20 eV away.
    Below E_L3 + 0.75·ζ2p the output uses Γ1, above it Γ2 (DESIGN.md §1).
    """

    def __init__(self, start_ev, step_ev, channels, pad, lifetime_step_ev, sigma0_ev, gamma0_ev, fft_length=1024):
        super().__init__()
        base = channels + 2 * pad
        if fft_length - base < 300:  # zero padding of < 18 eV would let Lorentzian tails wrap around
            raise ValueError(f"fft_length {fft_length} too short for {base} base channels")
        k = torch.arange(fft_length // 2 + 1, dtype=torch.float64)
        j = torch.arange(base, dtype=torch.float64)
        q = torch.arange(pad, pad + channels, dtype=torch.float64)
        angle_in = 2 * math.pi * j.unsqueeze(1) * k.unsqueeze(0) / fft_length         # (base, K)
        angle_out = 2 * math.pi * k.unsqueeze(1) * q.unsqueeze(0) / fft_length        # (K, 501)
        weight = torch.full_like(k, 2.0)
        weight[0] = 1.0
        weight[-1] = 1.0
        weight = (weight / fft_length).unsqueeze(1)
        self.register_buffer("forward_dft", torch.cat([angle_in.cos(), angle_in.sin()], 1).float())
        self.register_buffer("inverse_dft", torch.cat([weight * angle_out.cos(), weight * angle_out.sin()], 0).float())
        self.register_buffer("frequency", (k / (fft_length * step_ev)).float())     # t in 1/eV
        energies = start_ev + step_ev * torch.arange(channels, dtype=torch.float64)
        # unused by forward since the stepwise DFT; kept so that older checkpoints load with the same keys
        self.register_buffer("below_step", (energies < lifetime_step_ev).float())
        self.step_channel = int(self.below_step.sum())  # channels below it use Γ1, the rest Γ2
        self.sigma0_sq = (sigma0_ev * FWHM_TO_SIGMA) ** 2
        self.gamma0 = gamma0_ev
        self.base_channels = base

    def kernel(self, sigma_g, gamma):  # (B,), (B,) -> (B, K): transfer function of the extra broadening
        extra_var = torch.clamp((sigma_g * FWHM_TO_SIGMA) ** 2 - self.sigma0_sq, min=0.0).unsqueeze(1)
        extra_gamma = torch.clamp(gamma - self.gamma0, min=0.0).unsqueeze(1)
        t = self.frequency.unsqueeze(0)
        return torch.exp(-math.pi * extra_gamma * t - 2 * math.pi ** 2 * extra_var * t * t)

    def forward(self, base, params):  # (B, base), (B, 9) -> (B, 501)
        spectrum = base @ self.forward_dft                                  # (B, 2K): cosine and sine parts
        k1 = self.kernel(params[:, 6], params[:, 7])
        k2 = self.kernel(params[:, 6], params[:, 8])
        return stepwise_inverse_dft(spectrum, k1, k2, self.inverse_dft, self.step_channel)


def box_normalise(x):  # (B, 501) -> (B, 501) in [0, 1]
    lo = x.min(dim=1, keepdim=True).values
    hi = x.max(dim=1, keepdim=True).values
    return (x - lo) / torch.clamp(hi - lo, min=1e-12)


class VoigtMLP(nn.Module):
    """Dense layers on the Hamiltonian/thermal inputs -> base spectrum (softmax: positive, fixed total like the
    sum rule) -> exact in-graph Voigt broadening with the pixel's widths -> box normalisation."""

    def __init__(self, cfg, lo, hi, meta):
        super().__init__()
        axis = meta["energy_axis"]
        self.stem = FeatureStem(lo, hi, HAMILTONIAN_COLUMNS, cfg.degree)
        self.body, width = dense_stack(self.stem.features, cfg.hidden, cfg.activation)
        self.broadening = VoigtBroadening(axis["start_ev"], axis["step_ev"], int(axis["channels"]), cfg.base_pad,
                                          meta["lifetime_step_ev"], lo[6], min(lo[7], lo[8]))
        self.head = nn.Linear(width, self.broadening.base_channels)
        with torch.no_grad():  # start near a flat log-spectrum; box normalisation of a flat line amplifies noise
            self.head.weight.mul_(0.1)

    def init_from_mean(self, mean_spectrum):
        """Start from the data's mean spectrum as the base, so the first box normalisations are well conditioned."""
        pad = (self.broadening.base_channels - len(mean_spectrum)) // 2
        base = torch.full((self.broadening.base_channels,), 1e-3)
        base[pad:pad + len(mean_spectrum)] += torch.as_tensor(mean_spectrum).clamp(min=0)
        with torch.no_grad():
            self.head.bias.copy_(torch.log(base / base.sum()))

    def forward(self, params):
        base = torch.softmax(self.head(self.body(self.stem(params))), dim=1)
        return box_normalise(self.broadening(base, params))


class VoigtLines(nn.Module):
    """Exact Voigt spectrum of K weighted lines at free positions: I(ω) = Σ_j a_j V(ω − e_j; σG, Γ(ω)).

    Evaluated as a Fourier series of period fft_length·step (the transform of a Voigt profile is
    exp(−πΓ|t| − 2π²s²t²)): per line, cosines and sines of 2π t e_j, then one fixed matrix product back onto the
    energy channels — the Voigt function itself never has to be evaluated in the graph.
    """

    def __init__(self, start_ev, step_ev, channels, lifetime_step_ev, fft_length=1024):
        super().__init__()
        k = torch.arange(fft_length // 2 + 1, dtype=torch.float64)
        q = torch.arange(channels, dtype=torch.float64)
        angle_out = 2 * math.pi * k.unsqueeze(1) * q.unsqueeze(0) / fft_length          # (K, 501)
        weight = torch.full_like(k, 2.0)
        weight[0] = 1.0
        weight[-1] = 1.0
        weight = (weight / (fft_length * step_ev)).unsqueeze(1)
        self.register_buffer("inverse_dft", torch.cat([weight * angle_out.cos(), weight * angle_out.sin()], 0).float())
        self.register_buffer("angular_frequency", (2 * math.pi * k / (fft_length * step_ev)).float())  # 2πt, 1/eV
        energies = start_ev + step_ev * torch.arange(channels, dtype=torch.float64)
        # unused by forward since the stepwise DFT; kept so that older checkpoints load with the same keys
        self.register_buffer("below_step", (energies < lifetime_step_ev).float())
        self.step_channel = int(self.below_step.sum())  # channels below it use Γ1, the rest Γ2
        self.harmonics = fft_length // 2 + 1
        self.register_buffer("fine_harmonics", torch.arange(32, dtype=torch.float32))
        self.register_buffer("coarse_harmonics", 32 * torch.arange((self.harmonics + 31) // 32, dtype=torch.float32))

    def kernel(self, sigma_g, gamma):  # (B,), (B,) -> (B, K): Fourier transform of the Voigt profile
        var = ((sigma_g * FWHM_TO_SIGMA) ** 2).unsqueeze(1)
        t = self.angular_frequency.unsqueeze(0) / (2 * math.pi)
        return torch.exp(-math.pi * gamma.unsqueeze(1) * t - 2 * math.pi ** 2 * var * t * t)

    def line_sums(self, positions, weights):  # (B, L), (B, L) -> (B, 2K): Σ_j a_j cos(k θ_j), Σ_j a_j sin(k θ_j)
        # k = 32 m + r: e^{ikθ} = e^{i32mθ} e^{irθ}, so the K = 513 harmonics of every line cost 17 + 32 cosines and
        # sines and four small batched matrix products instead of 513 of each (torch's CPU trig is the bottleneck)
        theta = (positions * self.angular_frequency[1]).unsqueeze(2)                 # (B, L, 1)
        fine = theta * self.fine_harmonics                                           # (B, L, 32)
        coarse = theta * self.coarse_harmonics                                       # (B, L, 17)
        ec, es = fine.cos(), fine.sin()
        w = weights.unsqueeze(2)
        ac, as_ = (w * coarse.cos()).transpose(1, 2), (w * coarse.sin()).transpose(1, 2)  # (B, 17, L)
        cos_sum = (torch.bmm(ac, ec) - torch.bmm(as_, es)).flatten(1)[:, : self.harmonics]
        sin_sum = (torch.bmm(as_, ec) + torch.bmm(ac, es)).flatten(1)[:, : self.harmonics]
        return torch.cat([cos_sum, sin_sum], 1)

    def forward(self, positions, weights, params):  # (B, L) eV above start, (B, L), (B, 9) -> (B, 501)
        spectrum = self.line_sums(positions, weights)                               # (B, 2K)
        k1 = self.kernel(params[:, 6], params[:, 7])
        k2 = self.kernel(params[:, 6], params[:, 8])
        return stepwise_inverse_dft(spectrum, k1, k2, self.inverse_dft, self.step_channel)


class VoigtLineNet(nn.Module):
    """Dense layers on the Hamiltonian/thermal inputs predict an effective stick spectrum — K lines with positions
    and weights (softmax: positive, fixed total like the sum rule) — broadened exactly with the pixel's widths and
    box-normalised. Lines move smoothly with the crystal field where a grid spectrum would have to shift peaks
    channel by channel, which is what makes this head easy to learn."""

    def __init__(self, cfg, lo, hi, meta):
        super().__init__()
        axis = meta["energy_axis"]
        channels = int(axis["channels"])
        self.stem = FeatureStem(lo, hi, HAMILTONIAN_COLUMNS, cfg.degree, thermal=bool(cfg.thermal_inputs))
        self.body, width = dense_stack(self.stem.features, cfg.hidden, cfg.activation)
        self.lines = VoigtLines(axis["start_ev"], axis["step_ev"], channels, meta["lifetime_step_ev"])
        self.count = cfg.lines
        self.span_lo, self.span = -cfg.line_margin_ev, axis["step_ev"] * (channels - 1) + 2 * cfg.line_margin_ev
        self.step_ev = axis["step_ev"]
        self.position_head = nn.Linear(width, cfg.lines)
        self.weight_head = nn.Linear(width, cfg.lines)
        with torch.no_grad():  # lines start evenly spread over the window
            u = (torch.arange(cfg.lines, dtype=torch.float32) + 0.5) / cfg.lines
            self.position_head.bias.copy_(torch.log(u / (1 - u)))
            self.position_head.weight.mul_(0.1)
            self.weight_head.weight.mul_(0.1)

    def init_from_mean(self, mean_spectrum):
        """Line weights start as the data's mean spectrum at the lines' starting positions."""
        with torch.no_grad():
            e = self.span_lo + self.span * torch.sigmoid(self.position_head.bias)
            channel = torch.clamp((e / self.step_ev).round().long(), 0, len(mean_spectrum) - 1)
            level = torch.as_tensor(mean_spectrum)[channel].clamp(min=0) + 1e-3
            self.weight_head.bias.copy_(torch.log(level / level.sum()))

    def forward(self, params):
        return self.from_hidden(self.body(self.stem(params)), params)

    def from_hidden(self, h, params):  # (B, width), (B, 9) -> (B, 501): lets a second head share the body's work
        positions = self.span_lo + self.span * torch.sigmoid(self.position_head(h))   # (B, L) eV above start
        weights = torch.softmax(self.weight_head(h), dim=1)                           # (B, L)
        return box_normalise(self.lines(positions, weights, params))


ARCHITECTURES = ("dnn", "cnn", "tcnn", "lcnn", "slcnn", "voigt-mlp", "voigt-lines")


def split_channel(meta):
    axis = meta["energy_axis"]
    return int(math.ceil((meta["lifetime_step_ev"] - axis["start_ev"]) / axis["step_ev"]))


def build(cfg, meta):
    """The network `cfg.arch` for the domain and ion described by a dataset's metadata."""
    lo, hi = [float(v) for v in meta["domain_min"]], [float(v) for v in meta["domain_max"]]
    thermal = getattr(cfg, "thermal_inputs", 0)  # every run is built here, from the CLI, the pipeline or a checkpoint
    if thermal not in (0, 1) or (thermal and cfg.arch != "voigt-lines"):
        raise ValueError(f"thermal_inputs={thermal} needs 0, or 1 with arch voigt-lines (arch is '{cfg.arch}')")
    if cfg.arch == "dnn":
        return DNN(cfg, lo, hi)
    if cfg.arch in ("cnn", "tcnn", "lcnn"):
        return CharacteristicNet(cfg, lo, hi, cfg.arch)
    if cfg.arch == "slcnn":
        return SplitLCNN(cfg, lo, hi, split_channel(meta))
    if cfg.arch == "voigt-mlp":
        return VoigtMLP(cfg, lo, hi, meta)
    if cfg.arch == "voigt-lines":
        return VoigtLineNet(cfg, lo, hi, meta)
    raise ValueError(f"unknown architecture '{cfg.arch}', expected one of {list(ARCHITECTURES)}")
