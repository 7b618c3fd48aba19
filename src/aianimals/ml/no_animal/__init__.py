"""The trained no-animal detector: a logistic head on the image embedding, retrained daily
from administrators' verdicts (`aianimals train no-animal`) and served when it is champion.

`dataset` turns verdicts into labelled embeddings, `head` fits and stores the model,
`evaluation` compares it on the labelled real photos, `training` chains the steps and
`serving` loads the champion for the detector worker.
"""

MODEL_NAME = "no-animal-head"
"""The registered model every trained head is a version of."""
CHAMPION = "champion"
"""The alias of the version in service; moved only when a new head wins on the eval set."""
EXPERIMENT = "no-animal"
"""The MLflow experiment of the training runs."""
