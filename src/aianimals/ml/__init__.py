"""Model training: corpora, trainers and their offline evaluation (`aianimals train …`)."""
