"""The vector-index port: image embeddings in, approximate nearest neighbours out.

`base` holds the `VectorIndex` protocol; `embedded` the in-process FAISS index over local
files; `opensearch` the k-NN index on an OpenSearch / Elasticsearch server; `exact` the
brute-force search that measures their recall; `factory` picks one from settings.
"""
