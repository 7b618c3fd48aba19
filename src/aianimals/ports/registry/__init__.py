"""The model registry port: experiment runs, registered model versions and their aliases."""
