"""What a process holds for its whole life: settings and the ports built from them."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

from aianimals.access_logs.impressions import ImpressionWriter
from aianimals.core.model_holder import FileSource, ModelHolder
from aianimals.core.passwords import PasswordHasher, PasswordPolicy
from aianimals.images.detector import Detector, ZeroShotNoAnimal
from aianimals.images.no_animal_serving import HeadNoAnimal, no_animal_champion
from aianimals.ml.images.model import ImageModel, load_model
from aianimals.ml.images.runtime import RuntimeOptions
from aianimals.ports.blobs.store import BlobStore, create_blob_store
from aianimals.ports.cache.base import Cache
from aianimals.ports.cache.factory import create_cache
from aianimals.ports.cache.json_cache import JsonCache
from aianimals.ports.closeable import Closeable
from aianimals.ports.features.base import FeatureStore
from aianimals.ports.features.factory import create_feature_store
from aianimals.ports.queue.base import Queue
from aianimals.ports.queue.factory import create_queue
from aianimals.ports.registry.factory import create_registry
from aianimals.ports.search.analyzer import Analyzer
from aianimals.ports.search.base import SearchIndex
from aianimals.ports.search.factory import create_search_index
from aianimals.ports.sql.database import Database
from aianimals.ports.vectors.base import VectorIndex
from aianimals.ports.vectors.factory import create_vector_index
from aianimals.ranking.learned import LearnedRanking, build_learned_ranking
from aianimals.schema import load_schema
from aianimals.search.engine import TextSearch
from aianimals.search.expansion import SIMILAR_WORDS_CHECK_SECONDS, Expand, SimilarWords, expander
from aianimals.search.lexicon import Lexicon
from aianimals.search.suggest import Suggester, popular_queries
from aianimals.search.understanding import QueryBuilder
from aianimals.search.vocabulary import load_vocabulary
from aianimals.settings import AuthSettings, Settings
from aianimals.users.token_cache import TokenCache


@dataclass
class Container:
    """The ports of one process; built by a composition root, closed by it.

    The SQL store, photo store and hasher are built at once; the cache, queue and search
    index on first use, so a process only connects to what it needs.
    """

    settings: Settings
    database: Database
    blobs: BlobStore
    hasher: PasswordHasher
    _closers: list[Closeable] = field(default_factory=list, repr=False)

    @cached_property
    def photo_decodes(self) -> threading.BoundedSemaphore:
        """Slots for decoding posted photos, shared by every request of the process."""
        return threading.BoundedSemaphore(self.settings.uploads.max_concurrent_decodes)

    @cached_property
    def tokens(self) -> TokenCache:
        """Access tokens this process verified in the last `auth.token_cache_seconds`."""
        return TokenCache(self.settings.auth.token_cache_seconds)

    @cached_property
    def raw_cache(self) -> Cache:
        """The cache port (memory or Redis)."""
        cache = create_cache(self.settings.cache)
        self._closers.append(cache)
        return cache

    @cached_property
    def cache(self) -> JsonCache:
        """Typed, namespaced values over the cache port."""
        return JsonCache(self.raw_cache, self.settings.cache.ttl_seconds)

    @cached_property
    def queue(self) -> Queue:
        """The queue port (embedded SQLite or RabbitMQ)."""
        queue = create_queue(self.settings.queue)
        self._closers.append(queue)
        return queue

    @cached_property
    def analyzer(self) -> Analyzer:
        """The Japanese-aware analyzer shared by indexing and querying."""
        return Analyzer()

    @cached_property
    def search_index(self) -> SearchIndex:
        """The search-index port (embedded or OpenSearch)."""
        index = create_search_index(self.settings.search, self.analyzer)
        self._closers.append(index)
        return index

    @cached_property
    def text_search(self) -> TextSearch:
        """Search as users type it: the pet vocabulary and the analyzer in front of the index."""
        lexicon = Lexicon(load_vocabulary(), self.analyzer)
        return TextSearch(self.search_index, QueryBuilder(self.analyzer, lexicon))

    @cached_property
    def suggester(self) -> Suggester:
        """Search-box completions: the vocabulary and popular past queries."""
        return Suggester(load_vocabulary(), popular_queries(self.database))

    @cached_property
    def vector_index(self) -> VectorIndex:
        """The similar-image ANN index (embedded FAISS files or OpenSearch k-NN)."""
        index = create_vector_index(self.settings.vectors)
        self._closers.append(index)
        return index

    @cached_property
    def image_model(self) -> ImageModel:
        """The image model (ONNX Runtime), loaded and checksum-verified on first use."""
        images = self.settings.images
        return load_model(
            images.model_path,
            options=RuntimeOptions(intra_op_threads=images.threads),
            batch_size=images.batch_size,
        )

    @cached_property
    def no_animal_champion(self) -> ModelHolder[HeadNoAnimal]:
        """The registry's champion no-animal head for this image model (polled)."""
        return no_animal_champion(
            lambda: create_registry(self.settings.registry, self.settings.var_dir),
            self.image_model.version,
        )

    def detectors(self) -> list[Detector]:
        """The violation detectors in service: the champion no-animal head once one has
        been promoted (`aianimals train no-animal`), else the zero-shot rule."""
        head = self.no_animal_champion.current()
        return [head or ZeroShotNoAnimal(self.image_model.version)]

    @cached_property
    def feature_store(self) -> FeatureStore:
        """The online feature store of learn-to-rank (SQL or Redis)."""
        store = create_feature_store(self.settings.features, self.database)
        self._closers.append(store)
        return store

    @cached_property
    def impressions(self) -> ImpressionWriter:
        """Stores search impressions in batches off the request path; drained on close."""
        writer = ImpressionWriter(self.database)
        self._closers.append(writer)
        return writer

    @cached_property
    def similar_words(self) -> ModelHolder[SimilarWords]:
        """The similar-word dictionary for query expansion (reloaded when retrained)."""
        source = FileSource(self.settings.search.similar_words_path, SimilarWords.load)
        return ModelHolder(source, poll_seconds=SIMILAR_WORDS_CHECK_SECONDS)

    def search_expander(self) -> Expand:
        """The search route's query expansion, with the dictionary as it is now."""
        search = self.settings.search
        return expander(
            self.similar_words.current(), search.expansion_weight, search.expansion_words
        )

    @cached_property
    def learned_ranking(self) -> LearnedRanking:
        """`sort_by=learn_to_rank`: the experiment's arms and their champions (polled)."""
        ranking = build_learned_ranking(self.settings, self.analyzer.analyze, self.feature_store)
        self._closers.append(ranking)
        return ranking

    def close_ports(self) -> None:
        """Release the lazily built ports (cache, queue, search index, impression writer:
        it stores what it holds first)."""
        for port in reversed(self._closers):
            port.close()
        self._closers.clear()

    def close(self) -> None:
        """Release every port, the SQL store's connections included."""
        self.close_ports()
        self.database.dispose()


def password_policy(settings: AuthSettings) -> PasswordPolicy:
    """The argon2id parameters the settings ask for."""
    return PasswordPolicy(
        memory_kib=settings.argon2_memory_kib,
        time_cost=settings.argon2_time_cost,
        parallelism=settings.argon2_parallelism,
    )


def build_container(settings: Settings) -> Container:
    """Build the always-needed ports from settings; nothing connects until first use."""
    return Container(
        settings=settings,
        database=Database(settings.database, load_schema()),
        blobs=create_blob_store(settings.blobs),
        hasher=PasswordHasher(password_policy(settings.auth)),
    )
