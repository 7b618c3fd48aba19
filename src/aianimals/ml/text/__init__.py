"""Text models: the word-vector corpus and the similar-word dictionary for query expansion."""
