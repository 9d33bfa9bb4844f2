"""Train a small mixture of experts in PyTorch on data it makes, and export it as a Polyroute bundle.

Usage (Debian's python3, which sees the python3-torch and python3-onnx packages):

    PYTHONPATH=python /usr/bin/python3 python/examples/train_moe.py --out build/torch-moe \
        --records build/torch-moe-records.jsonl
    ./polyroute bundle pack build/torch-moe --reference
    ./polyroute score --bundle build/torch-moe --input build/torch-moe-records.jsonl --check-reference

The data: 8 features; four regimes, told apart by the signs of the first two features, each with its
own smooth function of the features (2 outputs, around 3 and -2). The model: a tanh encoder, a linear gate over 4
experts (two-layer ReLU networks), top-2 routing with a softmax over the selected logits, a
weighted sum, and a linear shared expert. The records file holds held-out inputs with the outputs
the trained torch model computes for them (``{"event_id", "features", "output"}`` per line), so that
what the engine predicts can be compared with PyTorch itself.
"""

import argparse
import json
import sys
import time

import torch
from torch import nn

from polyroute_export import export_bundle

INPUT_DIM = 8
OUTPUT_DIM = 2
EXPERTS = 4
TOP_K = 2


class TorchMoe(nn.Module):
    """Top-k mixture of experts with the routing math Polyroute serves (weighted_sum)."""

    def __init__(self, hidden=16, encoded=6):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(INPUT_DIM, encoded), nn.Tanh())
        self.gate = nn.Linear(encoded, EXPERTS)
        self.experts = nn.ModuleList(
            [nn.Sequential(nn.Linear(encoded, hidden), nn.ReLU(), nn.Linear(hidden, OUTPUT_DIM)) for _ in range(EXPERTS)]
        )
        self.shared = nn.Linear(encoded, OUTPUT_DIM)

    def forward(self, x):
        u = self.encoder(x)
        top = torch.topk(self.gate(u), TOP_K, dim=-1)
        w = torch.softmax(top.values, dim=-1)  # softmax over the selected logits only
        f = torch.stack([e(u) for e in self.experts], dim=1)  # [N, E, P]
        chosen = torch.gather(f, 1, top.indices.unsqueeze(-1).expand(-1, -1, OUTPUT_DIM))
        return (w.unsqueeze(-1) * chosen).sum(dim=1) + self.shared(u)


def make_data(n, generator):
    x = torch.randn(n, INPUT_DIM, generator=generator)
    regime = (x[:, 0] > 0).long() * 2 + (x[:, 1] > 0).long()
    targets = torch.stack(
        [
            torch.stack([torch.sin(x[:, 2]) + 0.5 * x[:, 3], x[:, 4] * x[:, 5]], dim=1),
            torch.stack([x[:, 2] ** 2 - 1, torch.tanh(x[:, 6])], dim=1),
            torch.stack([-x[:, 3], torch.cos(x[:, 4]) + 0.3 * x[:, 7]], dim=1),
            torch.stack([0.5 * x[:, 5] * x[:, 6], -torch.abs(x[:, 2])], dim=1),
        ],
        dim=1,
    )
    # Offsets keep outputs away from 0: the engine is checked to 1e-5 relative to each record's
    # largest output, and an output that cancels to near 0 from terms near 1 carries float32
    # rounding of about 1e-7 in absolute terms whichever way it is computed.
    y = targets[torch.arange(n), regime] + torch.tensor([3.0, -2.0])
    return x, y


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="bundle folder to write (new)")
    p.add_argument("--records", required=True, help="JSON lines of held-out inputs and the torch model's outputs")
    p.add_argument("--steps", type=int, default=400, help="training steps (default 400)")
    p.add_argument("--eval-records", type=int, default=2000, help="held-out records to write (default 2000)")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    g = torch.Generator().manual_seed(args.seed)
    x_train, y_train = make_data(8192, g)
    x_test, y_test = make_data(args.eval_records, g)

    model = TorchMoe()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    t0 = time.time()
    for step in range(args.steps):
        idx = torch.randint(0, x_train.shape[0], (256,), generator=g)
        loss = nn.functional.mse_loss(model(x_train[idx]), y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        baseline = nn.functional.mse_loss(y_train.mean(dim=0).expand_as(y_test), y_test).item()
        test_mse = nn.functional.mse_loss(model(x_test), y_test).item()
        out = model(x_test)
    print(
        "trained %d steps in %.1f s: held-out MSE %.4f (predicting the mean: %.4f)"
        % (args.steps, time.time() - t0, test_mse, baseline)
    )

    manifest = export_bundle(
        model.gate,
        list(model.experts),
        args.out,
        input_dim=INPUT_DIM,
        top_k=TOP_K,
        encoder=model.encoder,
        shared=model.shared,
        name="torch-moe",
        version="1",
        feature_names=["f%d" % i for i in range(INPUT_DIM)],
        output_names=["target_a", "target_b"],
    )
    print("wrote %s" % manifest)

    with open(args.records, "w", encoding="utf-8") as f:
        for r in range(x_test.shape[0]):
            f.write(
                json.dumps(
                    {
                        "event_id": "torch-%d" % r,
                        # float32 values widened to double: their shortest decimal reads back exactly
                        "features": [float(v) for v in x_test[r].tolist()],
                        "output": [float(v) for v in out[r].tolist()],
                    }
                )
                + "\n"
            )
    print("wrote %d records with the torch model's outputs to %s" % (x_test.shape[0], args.records))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
