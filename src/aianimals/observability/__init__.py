"""Operations: Prometheus metrics, request ids and structured logs.

* `metrics`: every metric of the platform, in one dedicated `CollectorRegistry` (`REGISTRY`),
  and the small helpers that observe them from the code paths;
* `models`, `queues`: collectors evaluated when scraped (model versions in service, queue
  depth and the age of the oldest message);
* `http`: the ASGI middleware (request id, request metrics) and the `/metrics` route;
* `multiprocess`: `/metrics` summed over several API processes (prometheus_client's
  multiprocess mode, files under `<var_dir>/metrics-<pid>`);
* `requestid`, `jsonlogs`: the request id of the code running now, and JSON log lines;
* `server`: the stand-alone `/metrics` server of the worker role.

`/metrics` has no authentication: it must not be exposed publicly (keep it on the cluster
network, or block it at the ingress).
"""
