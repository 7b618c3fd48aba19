"""The image model (EfficientNet-Lite0, ImageNet) served with ONNX Runtime on the CPU.

`preprocess` turns photos into model input, `model` locates, verifies, loads and runs the
bundled ONNX graph, `evalset` and `evaluation` measure it on the labelled photos, and
`export` (PyTorch needed; not used when serving) re-creates the graph in `assets/`.
"""
