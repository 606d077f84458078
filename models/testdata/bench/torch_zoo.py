"""PyTorch side of the side-by-side zoo benchmark (models/BENCHMARKS.md).

Times a batch-1 forward pass of one zoo model in PyTorch on the CPU and prints
one JSON line: {"model", "threads", "median_ms", "runs"}. The models follow
the zoo's Caffe topologies: AlexNet and NIN from ../shared/bench/anchors/
cnn_bench.py (imported), SqueezeNet v1.0 / v1.1 as torchvision defines them
(written out here: Debian's python3-torch ships without torchvision), and
MobileNet v1 (models/zoo/mobilenet-v1.prototxt) with BatchNorm+Scale folded
into the convolutions' biases, as our executor folds them: PyTorch runs the
same arithmetic as ours and no BatchNorm layers (its fastest form).

Usage: /usr/bin/python3 torch_zoo.py MODEL [--threads 1] [--runs 20] [--warmup 5]
MODEL is a zoo name (alexnet, nin, squeezenet-v1.0, squeezenet-v1.1, mobilenet-v1).
"""
import argparse
import json
import os
import statistics
import sys
import time
import types

ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--runs", type=int, default=20)
ap.add_argument("--warmup", type=int, default=5)
a = ap.parse_args()
os.environ["OMP_NUM_THREADS"] = str(a.threads)
os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.modules.setdefault("torchvision", types.ModuleType("torchvision"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../../shared/bench/anchors"))
sys.path.insert(0, "/work/shared/bench/anchors")
import cnn_bench  # noqa: E402


class Fire(nn.Module):
    def __init__(self, cin, s, e1, e3):
        super().__init__()
        self.squeeze = nn.Conv2d(cin, s, 1)
        self.e1 = nn.Conv2d(s, e1, 1)
        self.e3 = nn.Conv2d(s, e3, 3, padding=1)
        self.r = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.r(self.squeeze(x))
        return torch.cat([self.r(self.e1(x)), self.r(self.e3(x))], 1)


def squeezenet(v):
    pool = lambda: nn.MaxPool2d(3, 2, ceil_mode=True)
    if v == "1.0":
        f = [nn.Conv2d(3, 96, 7, stride=2), nn.ReLU(inplace=True), pool(),
             Fire(96, 16, 64, 64), Fire(128, 16, 64, 64), Fire(128, 32, 128, 128), pool(),
             Fire(256, 32, 128, 128), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
             Fire(384, 64, 256, 256), pool(), Fire(512, 64, 256, 256)]
    else:
        f = [nn.Conv2d(3, 64, 3, stride=2), nn.ReLU(inplace=True), pool(),
             Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(),
             Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(),
             Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
             Fire(384, 64, 256, 256), Fire(512, 64, 256, 256)]
    return nn.Sequential(*f, nn.Dropout(0.5), nn.Conv2d(512, 1000, 1), nn.ReLU(inplace=True),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten())


def mobilenet_v1():
    R = lambda: nn.ReLU(inplace=True)
    layers = [nn.Conv2d(3, 32, 3, stride=2, padding=1), R()]
    for cin, cout, s in [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2),
                         (256, 256, 1), (256, 512, 2)] + [(512, 512, 1)] * 5 + \
                        [(512, 1024, 2), (1024, 1024, 1)]:
        layers += [nn.Conv2d(cin, cin, 3, stride=s, padding=1, groups=cin), R(),
                   nn.Conv2d(cin, cout, 1), R()]
    layers += [nn.AvgPool2d(7), nn.Conv2d(1024, 1000, 1), nn.Flatten(), nn.Softmax(1)]
    return nn.Sequential(*layers)


MODELS = {
    "alexnet": (cnn_bench.AlexNetBVLC, 227),
    "nin": (cnn_bench.NINImageNet, 224),
    "squeezenet-v1.0": (lambda: squeezenet("1.0"), 227),
    "squeezenet-v1.1": (lambda: squeezenet("1.1"), 227),
    "mobilenet-v1": (mobilenet_v1, 224),
}

torch.manual_seed(0)
torch.set_num_threads(a.threads)
ctor, hw = MODELS[a.model]
model = ctor().eval()
x = torch.randn(1, 3, hw, hw)
ts, cs = [], []
with torch.inference_mode():
    for _ in range(a.warmup):
        model(x)
    for _ in range(a.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        model(x)
        ts.append(time.perf_counter() - t0)
        cs.append(time.process_time() - c0)
# median_cpu_ms: the process's CPU time per call (at one thread the call's
# own, not inflated by a shared machine's descheduling; the Go side's
# cpu-ms/op is the same measure).
print(json.dumps(dict(model=a.model, threads=a.threads, runs=a.runs,
                      median_ms=round(1e3 * statistics.median(ts), 3),
                      median_cpu_ms=round(1e3 * statistics.median(cs), 3))))
