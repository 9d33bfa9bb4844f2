"""The exporter behind :func:`polyroute_export.export_bundle`."""

import json
import os
import re

import torch

COMBINES = ("weighted_sum", "tensorpoly_rank", "tensorpoly_order")
FORMAT = "polyroute-bundle/1"
DEFAULT_OPSET = 17
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class ExportError(ValueError):
    """The modules or arguments cannot form a bundle; the message says which and why."""


def export_bundle(
    gate,
    experts,
    out_dir,
    input_dim,
    top_k,
    combine="weighted_sum",
    encoder=None,
    shared=None,
    name="torch-moe",
    version="1",
    expert_ids=None,
    order=None,
    leaf_dim=None,
    output_dim=None,
    description=None,
    opset_version=DEFAULT_OPSET,
    feature_names=None,
    output_names=None,
):
    """Export a one-stage mixture of experts as a bundle folder that ``polyroute bundle pack`` finishes.

    The engine computes, per record ``x`` of width ``input_dim``::

        u = encoder(x)                    (u = x without an encoder)
        z = gate(u)                       [G * E] logits, G = order for tensorpoly_order, else 1
        S = top_k(z) per group            ties go to the lower expert index
        w = softmax(z[S]) per group       zero for unselected experts
        y = combine(w, expert_e(u) for e in S) (+ shared(u))

    Args:
        gate: module mapping ``[N, width]`` to ``[N, G * E]`` logits.
        experts: list of E modules mapping ``[N, width]`` to ``[N, P]``.
        out_dir: bundle folder to write; ``bundle.yaml`` goes there and the models into
            ``out_dir/<version>/``, which must not hold files yet.
        input_dim: features per record (D).
        top_k: experts selected per routing group.
        combine: ``weighted_sum`` (y = sum of w_e * f_e), ``tensorpoly_rank`` or ``tensorpoly_order``.
        encoder: optional module ``[N, D] -> [N, width]`` that the gate, experts and shared expert read.
        shared: optional module ``[N, width] -> [N, output_dim]`` added to every output.
        name: bundle name.
        version: version folder name.
        expert_ids: names of the experts (default ``e00``, ``e01``, ...).
        order, leaf_dim: tensor order N and leaf width m (tensor combines only; P = N * m).
        output_dim: stage output width; P for ``weighted_sum`` (the default), at most m ** N for the
            tensor combines (default m ** N).
        description: free text for the manifest.
        opset_version: ONNX opset of every exported file (13 to 17 with PyTorch 1.13); all files of a
            bundle share it so that ``pack --reference`` can compose them.
        feature_names: optional names of the ``input_dim`` feature columns (``input.feature_names``).
        output_names: optional names of the ``output_dim`` components of the prediction
            (``output.names``); the job writes them into every prediction.

    Returns:
        The path of the written ``bundle.yaml``.

    Raises:
        ExportError: when the modules' widths do not fit together or an argument is out of range.
    """
    experts = list(experts)
    if not experts:
        raise ExportError("experts is empty; a mixture needs at least one expert")
    if combine not in COMBINES:
        raise ExportError("combine %r is unknown; expected one of %s" % (combine, ", ".join(COMBINES)))
    if not 1 <= top_k <= len(experts):
        raise ExportError("top_k must be between 1 and the number of experts (%d), but is %d" % (len(experts), top_k))
    if not 13 <= opset_version <= 17:
        raise ExportError("opset_version must be between 13 and 17, but is %d" % opset_version)
    ids = list(expert_ids) if expert_ids is not None else ["e%02d" % e for e in range(len(experts))]
    if len(ids) != len(experts) or len(set(ids)) != len(ids) or not all(_ID.match(i) for i in ids):
        raise ExportError("expert_ids must be %d unique names of letters, digits, '_', '.' or '-': %r" % (len(experts), ids))
    if not _ID.match(str(version)):
        raise ExportError("version %r is not a valid folder name" % (version,))

    bundle_dir = os.path.abspath(out_dir)
    version_dir = os.path.join(bundle_dir, str(version))
    if os.path.isdir(version_dir) and os.listdir(version_dir):
        raise ExportError("%s already holds files; export into a new or empty version folder" % version_dir)

    modules = [m for m in [gate, encoder, shared] + experts if m is not None]
    for m in modules:
        m.eval()
    probe = torch.zeros(2, int(input_dim), dtype=torch.float32)
    with torch.no_grad():
        u = encoder(probe) if encoder is not None else probe
        width = _width("encoder" if encoder is not None else "input", u)
        logits = _width("gate", gate(u))
        p = {_width("expert %s" % ids[e], experts[e](u)) for e in range(len(experts))}
        shared_width = _width("shared", shared(u)) if shared is not None else None
    if len(p) != 1:
        raise ExportError("experts have different output widths %s; every expert must output the same width" % sorted(p))
    p = p.pop()

    stage = {"name": "s0"}
    if combine == "weighted_sum":
        if order is not None or leaf_dim is not None:
            raise ExportError("order and leaf_dim are for the tensor combines only")
        groups = 1
        out = p if output_dim is None else output_dim
        if out != p:
            raise ExportError("weighted_sum outputs the experts' width %d, but output_dim is %d" % (p, out))
    else:
        if order is None or leaf_dim is None or order < 1 or leaf_dim < 1:
            raise ExportError("%s needs order >= 1 and leaf_dim >= 1" % combine)
        if p != order * leaf_dim:
            raise ExportError("experts output %d, but %s needs order * leaf_dim = %d" % (p, combine, order * leaf_dim))
        groups = order if combine == "tensorpoly_order" else 1
        out = leaf_dim ** order if output_dim is None else output_dim
        if not 1 <= out <= leaf_dim ** order:
            raise ExportError("output_dim must be between 1 and leaf_dim ** order = %d" % leaf_dim ** order)
        stage["order"] = order
        stage["leaf_dim"] = leaf_dim
    if logits != groups * len(experts):
        raise ExportError(
            "the gate outputs %d logits, but %d group(s) x %d experts = %d are needed"
            % (logits, groups, len(experts), groups * len(experts))
        )
    if shared_width is not None and shared_width != out:
        raise ExportError("the shared expert outputs %d, but the stage outputs %d" % (shared_width, out))
    feature_names = _names("feature_names", feature_names, int(input_dim), "input_dim")
    output_names = _names("output_names", output_names, out, "output_dim")

    os.makedirs(os.path.join(version_dir, "experts"), exist_ok=True)
    if encoder is not None:
        _export(encoder, int(input_dim), os.path.join(version_dir, "encoder.onnx"), "y", opset_version)
        stage["encoder"] = {"file": "encoder.onnx", "output_dim": width}
    _export(gate, width, os.path.join(version_dir, "gate.onnx"), "logits", opset_version)
    stage["gate"] = {"file": "gate.onnx"}
    stage["top_k"] = top_k
    stage["combine"] = combine
    stage["expert_output_dim"] = p
    stage["output_dim"] = out
    stage["experts"] = []
    for e, module in enumerate(experts):
        rel = "experts/%s.onnx" % ids[e]
        _export(module, width, os.path.join(version_dir, rel), "y", opset_version)
        stage["experts"].append({"id": ids[e], "file": rel})
    if shared is not None:
        _export(shared, width, os.path.join(version_dir, "shared.onnx"), "y", opset_version)
        stage["shared_expert"] = {"file": "shared.onnx"}

    manifest = {
        "format": FORMAT,
        "name": name,
        "version": str(version),
        "description": description
        or "exported from PyTorch %s: %d experts, top-%d, %s" % (torch.__version__, len(experts), top_k, combine),
        "input": {"dim": int(input_dim)},
        "output_dim": out,
        "stages": [stage],
    }
    if feature_names is not None:
        manifest["input"]["feature_names"] = feature_names
    if output_names is not None:
        manifest["output"] = {"names": output_names}
    path = os.path.join(bundle_dir, "bundle.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Written by polyroute_export; finish with: polyroute bundle pack %s --reference\n" % bundle_dir)
        _yaml(f, manifest, 0)
    return path


def _names(what, names, expected, dim_name):
    if names is None:
        return None
    names = [str(n) for n in names]
    if len(names) != expected:
        raise ExportError("%s has %d names, but %s is %d" % (what, len(names), dim_name, expected))
    if any(not n.strip() for n in names) or len(set(names)) != len(names):
        raise ExportError("%s must be distinct, non-blank names: %r" % (what, names))
    return names


def _width(what, t):
    if t.dim() != 2 or t.dtype != torch.float32:
        raise ExportError(
            "%s output has shape %s and type %s, but [batch, width] float32 is required"
            % (what, tuple(t.shape), t.dtype)
        )
    return int(t.shape[1])


def _export(module, in_width, path, output_name, opset_version):
    example = torch.zeros(2, in_width, dtype=torch.float32)
    with torch.no_grad():
        torch.onnx.export(
            module,
            (example,),
            path,
            input_names=["x"],
            output_names=[output_name],
            dynamic_axes={"x": {0: "batch"}, output_name: {0: "batch"}},
            opset_version=opset_version,
            do_constant_folding=True,
        )


def _yaml(f, value, indent):
    """Writes the manifest's small subset of YAML: maps, lists of maps, scalars."""
    pad = " " * indent
    for key, v in value.items():
        if isinstance(v, dict):
            f.write("%s%s:\n" % (pad, key))
            _yaml(f, v, indent + 2)
        elif isinstance(v, list):
            f.write("%s%s:\n" % (pad, key))
            for item in v:
                if not isinstance(item, dict):
                    f.write("%s- %s\n" % (pad, _scalar(item)))
                    continue
                lines = []
                _yaml(_Lines(lines), item, 0)
                f.write("%s- %s" % (pad, lines[0]))
                for line in lines[1:]:
                    f.write("%s  %s" % (pad, line))
        else:
            f.write("%s%s: %s\n" % (pad, key, _scalar(v)))


class _Lines:
    def __init__(self, lines):
        self.lines = lines

    def write(self, text):
        self.lines.append(text)


def _scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(str(v))
