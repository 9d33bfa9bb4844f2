"""Export a PyTorch mixture of experts as a Polyroute bundle.

``export_bundle`` writes every ``torch.nn.Module`` of the model (gate, experts, optional encoder and
shared expert) to its own ONNX file with a dynamic batch axis, and the bundle's ``bundle.yaml``
without checksums. ``polyroute bundle pack DIR --reference`` then checks every file against the
manifest, writes the checksums and composes ``reference.onnx`` from these graphs, so that
``polyroute score --check-reference`` checks the engine against the exported model.

Example::

    from polyroute_export import export_bundle
    export_bundle(model.gate, list(model.experts), "models/my-moe", input_dim=8, top_k=2,
                  encoder=model.encoder, shared=model.shared, name="my-moe", version="1")

See docs/bring-your-own-model.md for the whole workflow and the routing math the engine applies.
"""

from .export import COMBINES, ExportError, export_bundle

__all__ = ["COMBINES", "ExportError", "export_bundle"]
