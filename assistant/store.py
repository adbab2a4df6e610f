"""The store: the only module that talks to Chroma (``chromadb`` and ``langchain_chroma``).

Swapping the vector store means rewriting this module alone: the rest of the assistant sees
:class:`IndexStore` (build and switch generations) and :class:`ServedIndex` (read the served one: passages,
dense search, stored passage and sentence vectors).

Layout inside Chroma (embedded ``PersistentClient`` by default, or a ``chroma run`` server):

- ``<name>__meta``: one record, ``active``, naming the generation being served and the model
  (name, checksum, dimension) it was built with;
- ``<name>__g<N>``: passages of generation N (documents, metadata with a content hash, vectors);
- ``<name>__g<N>__sentences``: every passage's sentences with their vectors, so an answer can
  pick sentences without embedding them per query.

``sync`` compares the corpus with the active generation by passage id and content hash. Nothing
changed: nothing is written and nothing embedded. Otherwise it builds generation N+1, copying the
vectors of unchanged passages and embedding only new or edited ones, then switches the ``active``
record in one write and drops the old generation. A sync killed half-way leaves the previous
generation serving; its partial leftovers are removed by the next sync.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .embeddings import Embedder
from .errors import IndexMissingError, IndexUnavailableError, IndexUnusableError
from .ingest.passages import Passage
from .settings import Settings

SentenceVectors = dict[str, list[tuple[int, str, np.ndarray]]]  # passage id -> [(k, sentence, vector)] in order

BATCH = 256
PAGE = 5000  # Chroma 1.5.9's get() fails above 32,766 rows ("too many SQL variables"): read in pages


def get_all(collection, include: list[str], where: dict | None = None) -> dict:
    """collection.get() for any size, page by page; same shape as Chroma's answer."""
    out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
    offset = 0
    while True:
        got = collection.get(include=include, where=where, limit=PAGE, offset=offset)
        out["ids"] += list(got["ids"])
        for key in include:
            values = got[key]
            out[key] += list(values) if values is not None else []
        if len(got["ids"]) < PAGE:
            return out
        offset += PAGE


@dataclass
class SyncStats:
    passages: int = 0
    embedded_passages: int = 0
    embedded_sentences: int = 0
    copied_passages: int = 0
    deleted_passages: int = 0
    generation: str = ""
    switched: bool = False
    seconds: float = 0.0
    changed_ids: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what the corpus loader left out (edited sidecar items)

    def summary(self) -> str:
        if not self.switched:
            head = f"index up to date: {self.passages} passages, 0 embedded ({self.seconds:.2f} s)"
        else:
            head = (
                f"indexed {self.passages} passages into {self.generation}: embedded {self.embedded_passages} passages "
                f"and {self.embedded_sentences} sentences, reused {self.copied_passages}, removed "
                f"{self.deleted_passages} ({self.seconds:.2f} s)"
            )
        return "\n".join([head, *(f"note: {n}" for n in self.notices)])


@dataclass
class IndexCheck:
    """The index against the corpus: built at all, with this model, and which passages differ."""

    built: bool
    same_model: bool
    to_embed: list[str]  # new or edited passage ids
    deleted: list[str]

    @property
    def up_to_date(self) -> bool:
        return self.built and self.same_model and not self.to_embed and not self.deleted

    def summary(self, total: int) -> str:
        if not self.built:
            return f"no index yet: {total} passages to embed; run 'sciatica-assistant index'"
        if not self.same_model:
            return "the index was built with another model; run 'sciatica-assistant index --rebuild'"
        if self.up_to_date:
            return f"index up to date: {total} passages"
        return (
            f"index out of date: {len(self.to_embed)} new or edited passages, {len(self.deleted)} removed; "
            "run 'sciatica-assistant index'"
        )


def open_client(settings: Settings, *, create: bool):
    """A Chroma client: HTTP when ``chroma_url`` is set, else embedded under data_dir."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        match = re.match(r"^(https?)://([^:/]+)(?::(\d+))?/?$", settings.chroma_url.strip())
        if not match:
            raise IndexUnusableError(f"ASSISTANT_CHROMA_URL {settings.chroma_url!r} is not like http://host:port")
        scheme, host, port = match.groups()
        # the HTTP client logs every request at INFO (422 of 429 log lines in a load test): requests are not news
        logging.getLogger("httpx").setLevel(logging.WARNING)
        try:
            return chromadb.HttpClient(
                host=host,
                port=int(port or (443 if scheme == "https" else 8000)),
                ssl=scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # connection refused, wrong server...
            raise IndexUnavailableError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from None
    path = settings.chroma_path
    if not create and not (path / "chroma.sqlite3").is_file():
        raise IndexMissingError(f"no index at {path}; build it with 'sciatica-assistant index'")
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise IndexUnusableError(
            f"the index at {path} cannot be opened ({type(exc).__name__}); it was left as it is. "
            "Move it aside and run 'sciatica-assistant index' to build a new one"
        ) from None


class IndexStore:
    """All reads and writes of the index go through here."""

    def __init__(self, client, name: str, ef_search: int = 200, remote: str = ""):
        self.client = client
        self.name = name
        self.ef_search = ef_search
        self.remote = remote  # the Chroma server's URL, "" for the embedded store

    def reachable(self) -> bool:
        """Whether the store answers right now (a Chroma server's heartbeat; the embedded store always does)."""
        if not self.remote:
            return True
        try:
            self.client.heartbeat()
            return True
        except Exception:  # connection refused, reset, timeout: the server is not there
            return False

    # ----------------------------------------------------------------- pointer

    @property
    def meta_name(self) -> str:
        return f"{self.name}__meta"

    def _meta(self):
        return self.client.get_or_create_collection(self.meta_name, embedding_function=None)

    def active(self) -> dict | None:
        try:
            names = {c.name for c in self.client.list_collections()}
        except Exception as exc:
            if self.remote:  # a server that does not answer is down, not broken: worth retrying
                raise IndexUnavailableError(f"the Chroma server at {self.remote} does not answer ({exc})") from None
            raise IndexUnusableError(f"the index cannot be read ({type(exc).__name__}: {exc})") from None
        if self.meta_name not in names:
            return None
        got = self._meta().get(ids=["active"], include=["metadatas"])
        if not got["ids"]:
            return None
        info = dict(got["metadatas"][0])
        if info.get("generation") not in names:
            raise IndexUnusableError(
                f"the index names generation {info.get('generation')!r}, which is missing; "
                "run 'sciatica-assistant index --rebuild'"
            )
        return info

    def _generations(self) -> list[str]:
        pattern = re.compile(rf"^{re.escape(self.name)}__g(\d+)$")
        return sorted(
            (c.name for c in self.client.list_collections() if pattern.match(c.name)),
            key=lambda n: int(n.rsplit("g", 1)[1]),
        )

    def _create(self, name: str, model_id: str, dim: int):
        return self.client.create_collection(
            name,
            configuration={"hnsw": {"space": "cosine", "ef_search": self.ef_search, "ef_construction": 200}},
            metadata={"model": model_id, "dim": dim},
            embedding_function=None,
        )

    def check_model(self, info: dict, embedder: Embedder) -> None:
        if info.get("model") != embedder.model_id or int(info.get("dim", -1)) != embedder.dim:
            raise IndexUnusableError(
                f"the index was built with model {info.get('model')} (dimension {info.get('dim')}) but the assistant "
                f"uses {embedder.model_id} (dimension {embedder.dim}); run 'sciatica-assistant index --rebuild'"
            )

    # ----------------------------------------------------------------- reading

    def open_served(self, embedder: Embedder) -> "ServedIndex":
        """The served generation, checked against the model that will query it."""
        info = self.active()
        if info is None:
            raise IndexMissingError("the index is empty; build it with 'sciatica-assistant index'")
        self.check_model(info, embedder)
        gen = info["generation"]
        return ServedIndex(
            self.client, self.client.get_collection(gen), self.client.get_collection(f"{gen}__sentences")
        )

    # ----------------------------------------------------------------- writing

    def sync(
        self, passages: list[Passage], embedder: Embedder, *, rebuild: bool = False, on_progress=None
    ) -> SyncStats:
        """Make the served generation hold exactly ``passages``: nothing written when nothing changed, else a
        new generation (unchanged vectors copied, the rest embedded) switched to in one write."""
        started = time.perf_counter()
        stats = SyncStats(passages=len(passages))
        info = None if rebuild else self._active_or_none()
        if info is not None and (info.get("model") != embedder.model_id or int(info.get("dim", -1)) != embedder.dim):
            info = None  # another model: nothing can be reused
        old_gen = info["generation"] if info else None
        unchanged, to_embed, deleted = self._plan(passages, old_gen)
        stats.deleted_passages = len(deleted)
        stats.changed_ids = sorted(p.id for p in to_embed)
        if old_gen is not None and not to_embed and not deleted:
            stats.generation = old_gen
            stats.seconds = time.perf_counter() - started
            return stats

        # leftovers of an interrupted sync are not served by anyone: remove them first
        for name in self._generations():
            if name != old_gen:
                self._drop(name)
        number = int(old_gen.rsplit("g", 1)[1]) + 1 if old_gen else self._next_number()
        gen = f"{self.name}__g{number}"
        new = self._create(gen, embedder.model_id, embedder.dim)
        new_sent = self._create(f"{gen}__sentences", embedder.model_id, embedder.dim)
        if old_gen is not None and unchanged:
            self._copy(old_gen, unchanged, new, new_sent)
            stats.copied_passages = len(unchanged)
        self._embed(to_embed, embedder, new, new_sent, stats, on_progress)
        if new.count() != len(passages):
            raise IndexUnusableError(
                f"the new index generation has {new.count()} passages, expected {len(passages)}; nothing was switched"
            )
        self._switch(gen, embedder, len(passages))
        if old_gen:
            self._drop(old_gen)
        stats.generation = gen
        stats.switched = True
        stats.seconds = time.perf_counter() - started
        return stats

    def check(self, passages: list[Passage], model_id: str, dim: int) -> "IndexCheck":
        """What a sync would do, without embedding or writing anything (and without loading the model)."""
        info = self._active_or_none()
        if info is None:
            return IndexCheck(built=False, same_model=True, to_embed=[p.id for p in passages], deleted=[])
        if info.get("model") != model_id or int(info.get("dim", -1)) != dim:
            return IndexCheck(built=True, same_model=False, to_embed=[p.id for p in passages], deleted=[])
        _, to_embed, deleted = self._plan(passages, info["generation"])
        return IndexCheck(built=True, same_model=True, to_embed=sorted(p.id for p in to_embed), deleted=sorted(deleted))

    def _plan(self, passages: list[Passage], old_gen: str | None) -> tuple[list[str], list[Passage], list[str]]:
        """(ids whose content is unchanged, passages to embed, ids to delete) against the served generation."""
        existing: dict[str, str] = {}
        if old_gen is not None:
            got = get_all(self.client.get_collection(old_gen), ["metadatas"])
            existing = {i: m.get("hash", "") for i, m in zip(got["ids"], got["metadatas"])}
        wanted = {p.id: p for p in passages}
        if len(wanted) != len(passages):
            dupes = sorted(pid for pid, n in Counter(p.id for p in passages).items() if n > 1)
            raise IndexUnusableError(f"two passages share the id {dupes[0]!r}; rename a section")
        unchanged = [pid for pid, p in wanted.items() if existing.get(pid) == p.content_hash]
        to_embed = [p for pid, p in wanted.items() if existing.get(pid) != p.content_hash]
        deleted = [pid for pid in existing if pid not in wanted]
        return unchanged, to_embed, deleted

    def _copy(self, old_gen: str, unchanged: list[str], new, new_sent) -> None:
        """Copy the unchanged passages and their sentences, vectors included, into the new generation."""
        old, old_sent = self.client.get_collection(old_gen), self.client.get_collection(f"{old_gen}__sentences")
        include = ["embeddings", "documents", "metadatas"]
        for i in range(0, len(unchanged), BATCH):
            got = old.get(ids=unchanged[i : i + BATCH], include=include)
            new.add(
                ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"], metadatas=got["metadatas"]
            )
            sent = sentences_of(old_sent, got["ids"], got["metadatas"], questions=True)
            if sent["ids"]:
                new_sent.add(
                    ids=sent["ids"],
                    embeddings=sent["embeddings"],
                    documents=sent["documents"],
                    metadatas=sent["metadatas"],
                )

    def _embed(self, to_embed: list[Passage], embedder: Embedder, new, new_sent, stats: SyncStats, on_progress) -> None:
        """Embed the new or edited passages and their sentences into the new generation."""
        for i in range(0, len(to_embed), BATCH):
            batch = to_embed[i : i + BATCH]
            new.add(
                ids=[p.id for p in batch],
                embeddings=embedder.embed_documents([p.embed_text for p in batch]),
                documents=[p.text for p in batch],
                metadatas=[p.metadata() for p in batch],
            )
            s_ids, s_docs, s_texts, s_meta = [], [], [], []
            for p in batch:
                for k, (sentence, text) in enumerate(zip(p.sentence_texts(), p.sentence_embed_texts())):
                    s_ids.append(f"{p.id}::s{k}")
                    s_docs.append(sentence)
                    s_texts.append(text)
                    s_meta.append({"passage_id": p.id, "k": k})
                for j, (k, question) in enumerate(p.questions):  # the questions a sentence answers (sidecar)
                    s_ids.append(f"{p.id}::q{j}")
                    s_docs.append(question)
                    s_texts.append(question)
                    s_meta.append({"passage_id": p.id, "k": k, "kind": "question"})
            if s_ids:
                new_sent.add(
                    ids=s_ids, embeddings=embedder.embed_documents(s_texts), documents=s_docs, metadatas=s_meta
                )
            stats.embedded_passages += len(batch)
            stats.embedded_sentences += len(s_ids)
            if on_progress:
                on_progress(stats.embedded_passages, len(to_embed))

    def _switch(self, gen: str, embedder: Embedder, passages: int) -> None:
        """Point ``active`` at the new generation: one write, so readers see the old or the new, never a mix."""
        self._meta().upsert(
            ids=["active"],
            embeddings=[[0.0]],
            metadatas=[
                {
                    "generation": gen,
                    "model": embedder.model_id,
                    "dim": embedder.dim,
                    "passages": passages,
                    "built_at": time.time(),
                }
            ],
        )

    def _active_or_none(self) -> dict | None:
        try:
            return self.active()
        except IndexUnusableError:
            return None  # a dangling pointer: rebuild from scratch

    def _next_number(self) -> int:
        gens = self._generations()
        return int(gens[-1].rsplit("g", 1)[1]) + 1 if gens else 1

    def _drop(self, generation: str) -> None:
        for name in (generation, f"{generation}__sentences"):
            try:
                self.client.delete_collection(name)
            except Exception:
                pass


def sentences_of(sentences, passage_ids: Sequence[str], metas: Sequence[dict], questions: bool = False) -> dict:
    """The stored sentences (ids, documents, metadatas, embeddings) of these passages, and with ``questions``
    also the sidecar questions their sentences answer.

    Looked up by id (``<passage id>::s<k>``, ``::q<j>``; each passage records its counts): a metadata filter
    slows down as the sentence collection grows (22 ms against 1.4 ms at 174k sentences). An index built
    before sentence counts were recorded falls back to the filter (it has no questions)."""
    include = ["embeddings", "documents", "metadatas"]
    if all("n_sentences" in m for m in metas):
        ids = [f"{pid}::s{k}" for pid, m in zip(passage_ids, metas) for k in range(int(m["n_sentences"]))]
        if questions:
            ids += [f"{pid}::q{j}" for pid, m in zip(passage_ids, metas) for j in range(int(m.get("n_questions", 0)))]
        return sentences.get(ids=ids, include=include)
    return sentences.get(where={"passage_id": {"$in": list(passage_ids)}}, include=include)


@dataclass(frozen=True)
class SidecarQuestions:
    """The questions the sidecars say sentences answer: for question j, the passage row ``rows[j]``, the
    sentence number ``ks[j]``, its text and its vector (row j of ``vectors``)."""

    rows: list[int]
    ks: list[int]
    texts: list[str]
    vectors: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


class StoreReadError(RuntimeError):
    """Chroma did not answer a read of the served generation: a re-index dropped it a moment ago, or the
    Chroma server is gone. The caller may reload the served generation and try once more."""


@contextmanager
def _reading(what: str):
    try:
        yield
    except Exception as exc:  # chromadb raises several unrelated types (NotFoundError, ValueError, httpx errors)
        raise StoreReadError(f"{what} failed ({type(exc).__name__})") from exc


class ServedIndex:
    """One served generation, read-only: every passage's id, text and metadata (sorted by id; the vectors stay
    in Chroma), dense search through langchain_chroma, and the stored vectors."""

    def __init__(self, client: Any, passages: Any, sentences: Any) -> None:
        from langchain_chroma import Chroma

        self.generation: str = passages.name
        self._passages, self._sentences = passages, sentences
        # only searched by vector: no embedding function (queries are embedded once, upstream, for every stage)
        self._search = Chroma(client=client, collection_name=passages.name)
        got = get_all(passages, ["documents", "metadatas"])
        order = sorted(range(len(got["ids"])), key=got["ids"].__getitem__)
        self.ids: list[str] = [got["ids"][i] for i in order]
        self.docs: list[str] = [got["documents"][i] for i in order]
        self.metas: list[dict[str, Any]] = [got["metadatas"][i] for i in order]
        self.row: dict[str, int] = {pid: i for i, pid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def dense_search(self, query_vec: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(row, cosine similarity) of the k nearest passages (approximate, HNSW)."""
        with _reading("dense search"):
            found = self._search.similarity_search_by_vector_with_relevance_scores(
                np.asarray(query_vec).tolist(), k=min(k, len(self.ids))
            )
        # the collection's space is cosine, so similarity = 1 - distance
        return [(self.row[doc.id], 1.0 - float(distance)) for doc, distance in found if doc.id in self.row]

    def passage_vectors(self, rows: Sequence[int]) -> np.ndarray:
        """Stored vectors of these passage rows, in order."""
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        with _reading("reading passage vectors"):
            got = self._passages.get(ids=[self.ids[i] for i in rows], include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"]))
        return np.asarray([by_id[self.ids[i]] for i in rows], dtype=np.float32)

    def question_vectors(self) -> "SidecarQuestions":
        """Every sidecar question of the generation, with the passage row and sentence number it points at."""
        ids = [f"{pid}::q{j}" for pid, m in zip(self.ids, self.metas) for j in range(int(m.get("n_questions", 0)))]
        metas: list = []
        texts: list[str] = []
        vectors: list = []
        with _reading("reading question vectors"):
            for i in range(0, len(ids), PAGE):
                got = self._sentences.get(ids=ids[i : i + PAGE], include=["metadatas", "documents", "embeddings"])
                metas += got["metadatas"]
                texts += got["documents"]
                vectors += list(got["embeddings"])
        return SidecarQuestions(
            rows=[self.row[m["passage_id"]] for m in metas],
            ks=[int(m["k"]) for m in metas],
            texts=texts,
            vectors=np.asarray(vectors, dtype=np.float32).reshape(len(metas), -1),
        )

    def sentence_vectors(self, passage_ids: Sequence[str]) -> SentenceVectors:
        """Stored sentences of these passages with their vectors: pid -> [(k, sentence, vector)] in order."""
        if not passage_ids:
            return {}
        with _reading("reading sentence vectors"):
            got = sentences_of(self._sentences, passage_ids, [self.metas[self.row[pid]] for pid in passage_ids])
        out: SentenceVectors = {}
        for doc, meta, vec in zip(got["documents"], got["metadatas"], got["embeddings"]):
            out.setdefault(meta["passage_id"], []).append((int(meta["k"]), doc, np.asarray(vec, dtype=np.float32)))
        for items in out.values():
            items.sort(key=lambda t: t[0])
        return out


def store_for(settings: Settings, *, create: bool) -> IndexStore:
    return IndexStore(open_client(settings, create=create), settings.collection, remote=settings.chroma_url.strip())


__all__ = [
    "IndexStore",
    "ServedIndex",
    "SidecarQuestions",
    "StoreReadError",
    "SentenceVectors",
    "SyncStats",
    "open_client",
    "store_for",
]
