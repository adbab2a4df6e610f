"""The store: the only module that talks to Chroma (``chromadb`` and ``langchain_chroma``).

Swapping the vector store means rewriting this module alone: the rest of the assistant sees
:class:`IndexStore` (build and switch generations) and :class:`ServedIndex` (read the served one: passages,
dense search, stored passage and sentence vectors).

Layout inside Chroma (embedded ``PersistentClient`` by default, or a ``chroma run`` server):

- ``<name>__meta``: one record, ``active``: the collection set being served, the generation number
  within it, and the model (name, checksum, dimension) it was built with;
- ``<name>__c<N>``: passages (documents, metadata with a content hash, vectors). A record's id is
  ``<passage id>@<content hash>``, and its metadata says in which generation it was added (``born``) and
  from which one it is no longer served (``died``);
- ``<name>__c<N>__sentences``: every passage's sentences (and sidecar questions) with their vectors, by id
  ``<record id>::s<k>`` (``::q<j>``), so an answer can pick sentences without embedding them per query.

``sync`` compares the corpus with the records served at generation g. Nothing changed: nothing is written
and nothing embedded. Otherwise, in place: new and edited passages are added as records born at g+1, the
records they replace (and those of deleted passages) are marked to die at g+1, the ``active`` record is
switched to g+1 in one write, and only then are the dead records deleted. Readers only see records live at
the generation they serve (``born <= g < died``), so a sync killed half-way leaves generation g serving
exactly as before; the next sync removes its leftovers first. An edit costs the edited passages, not a
copy of the whole index. A first build, ``--rebuild``, or another model fills a new collection set and
switches to it the same way.
"""

from __future__ import annotations

import logging
import re
import time
import threading
from collections import Counter, OrderedDict
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
LIVE = 2**31 - 1  # "died" of a record still served
UNFILTERED_SLACK = 32  # up to this many unserved records, dense search over-fetches instead of filtering


def live_at(generation: int) -> dict:
    """The Chroma filter for the records served at ``generation``."""
    return {"$and": [{"born": {"$lte": generation}}, {"died": {"$gt": generation}}]}


def record_id(passage: Passage) -> str:
    return f"{passage.id}@{passage.content_hash[:16]}"


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


def import_client(settings: Settings) -> None:
    """Import the vector store's client libraries ahead of use (``serve`` does it while gradio imports). LangChain's
    vector-store layer only where searches will go through Chroma: a server, or in-memory search turned off (a large
    embedded index imports it when it is opened)."""
    import chromadb  # noqa: F401

    if settings.chroma_url or settings.exact_search_max <= 0:
        import langchain_chroma  # noqa: F401


def index_may_exist(settings: Settings) -> bool:
    """Whether there can be an index to open: a Chroma server is configured, or the embedded database file is
    there (a cheap check, without importing chromadb)."""
    return bool(settings.chroma_url) or (settings.chroma_path / "chroma.sqlite3").is_file()


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
    if not create and not index_may_exist(settings):
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

    def __init__(
        self,
        client,
        name: str,
        ef_search: int = 200,
        remote: str = "",
        passage_vectors: str = "encode",
        exact_search_max: int = 0,
    ):
        self.client = client
        self.name = name
        self.ef_search = ef_search
        self.remote = remote  # the Chroma server's URL, "" for the embedded store
        # "encode": a passage's vector is the model's encoding of its text; "sentence_mean": the normalised mean of
        # its sentences' vectors (computed anyway), which skips encoding the passages (README, "Speed")
        self.passage_vectors = passage_vectors
        # the embedded store's served passages, up to this many, are searched exactly in memory (Settings)
        self.exact_search_max = exact_search_max

    def vectors_id(self, model_id: str) -> str:
        """What the index records as its model: vectors made another way are another model to it."""
        return model_id if self.passage_vectors == "encode" else f"{model_id}+{self.passage_vectors}"

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
        # an index written before collection sets (one collection per generation) names the collection itself
        info.setdefault("collection", info.get("generation"))
        if info["collection"] not in names:
            raise IndexUnusableError(
                f"the index names {info['collection']!r}, which is missing; run 'sciatica-assistant index --rebuild'"
            )
        return info

    def _sets(self) -> list[str]:
        """Collection sets in the store, oldest first (``__c<N>``; ``__g<N>`` from before sets existed)."""
        pattern = re.compile(rf"^{re.escape(self.name)}__[cg](\d+)$")
        return sorted(
            (c.name for c in self.client.list_collections() if pattern.match(c.name)),
            key=lambda n: int(pattern.match(n).group(1)),  # type: ignore[union-attr]
        )

    def _create(self, name: str, model_id: str, dim: int):
        return self.client.create_collection(
            name,
            configuration={"hnsw": {"space": "cosine", "ef_search": self.ef_search, "ef_construction": 200}},
            metadata={"model": model_id, "dim": dim},
            embedding_function=None,
        )

    def check_model(self, info: dict, embedder: Embedder) -> None:
        if info.get("model") != self.vectors_id(embedder.model_id) or int(info.get("dim", -1)) != embedder.dim:
            raise IndexUnusableError(
                f"the index was built with model {info.get('model')} (dimension {info.get('dim')}) but the assistant "
                f"uses {self.vectors_id(embedder.model_id)} (dimension {embedder.dim}); run 'sciatica-assistant index"
                " --rebuild'"
            )

    # ----------------------------------------------------------------- reading

    def open_served(self, embedder: Embedder) -> "ServedIndex":
        """The served generation, checked against the model that will query it."""
        info = self.active()
        if info is None:
            raise IndexMissingError("the index is empty; build it with 'sciatica-assistant index'")
        self.check_model(info, embedder)
        name = info["collection"]
        return ServedIndex(
            self.client,
            self.client.get_collection(name),
            self.client.get_collection(f"{name}__sentences"),
            int(info["number"]) if "number" in info else None,
            # a Chroma server is asked every time: replicas share it, and an outage is reported, not hidden
            exact_max=0 if self.remote else self.exact_search_max,
        )

    # ----------------------------------------------------------------- writing

    def sync(
        self, passages: list[Passage], embedder: Embedder, *, rebuild: bool = False, on_progress=None
    ) -> SyncStats:
        """Make the served index hold exactly ``passages``: nothing written when nothing changed, else the edited
        passages embedded in place as generation g+1, switched to in one write (module docstring)."""
        started = time.perf_counter()
        stats = SyncStats(passages=len(passages))
        wanted = _by_id(passages)
        info = None if rebuild else self._active_or_none()
        model = self.vectors_id(embedder.model_id)
        if info is not None and (info.get("model") != model or int(info.get("dim", -1)) != embedder.dim):
            info = None  # another model: nothing can be reused
        if info is None or "number" not in info:  # nothing to build on, or an index from before collection sets
            self._build(wanted, embedder, stats, on_progress)
        else:
            self._update(info, wanted, embedder, stats, on_progress)
        stats.seconds = time.perf_counter() - started
        return stats

    def _build(self, wanted: dict[str, Passage], embedder: Embedder, stats: SyncStats, on_progress) -> None:
        """Fill a new collection set with every passage, switch to it, drop the others."""
        info = self._active_or_none()
        for name in self._sets():  # leftovers of an interrupted build are served by no one
            if info is None or name != info["collection"]:
                self._drop(name)
        sets = self._sets()
        number = int(re.split(r"__[cg]", sets[-1])[-1]) + 1 if sets else 1
        name = f"{self.name}__c{number}"
        col = self._create(name, self.vectors_id(embedder.model_id), embedder.dim)
        sent = self._create(f"{name}__sentences", self.vectors_id(embedder.model_id), embedder.dim)
        stats.changed_ids = sorted(wanted)
        self._embed(list(wanted.values()), embedder, col, sent, 1, stats, on_progress)
        self._check_count(col, 1, len(wanted))
        self._switch(name, 1, embedder, len(wanted))
        for old in self._sets():
            if old != name:
                self._drop(old)
        stats.generation, stats.switched = f"{name}@1", True

    def _update(self, info: dict, wanted: dict[str, Passage], embedder: Embedder, stats: SyncStats, on_progress):
        """Generation g+1 in place: embed what is new or edited, mark what it replaces, switch, then delete."""
        name, g = info["collection"], int(info["number"])
        col, sent = self.client.get_collection(name), self.client.get_collection(f"{name}__sentences")
        self._tidy(col, sent, g)
        existing = self._live(col, g)
        unchanged, to_embed, deleted = _plan(wanted, existing)
        stats.deleted_passages = len(deleted)
        stats.changed_ids = sorted(p.id for p in to_embed)
        stats.copied_passages = len(unchanged)
        if not to_embed and not deleted:
            stats.generation = info["generation"]
            return
        self._embed(to_embed, embedder, col, sent, g + 1, stats, on_progress)
        replaced = [pid for pid in [*(p.id for p in to_embed), *deleted] if pid in existing]
        for i in range(0, len(replaced), BATCH):
            batch = replaced[i : i + BATCH]
            col.update(
                ids=[existing[pid][0] for pid in batch],
                metadatas=[{**existing[pid][1], "died": g + 1} for pid in batch],
            )
        self._check_count(col, g + 1, len(wanted))
        self._switch(name, g + 1, embedder, len(wanted))
        self._delete(col, sent, {"died": {"$lte": g + 1}})
        stats.generation, stats.switched = f"{name}@{g + 1}", True

    def check(self, passages: list[Passage], model_id: str, dim: int) -> "IndexCheck":
        """What a sync would do, without embedding or writing anything (and without loading the model)."""
        info = self._active_or_none()
        everything = [p.id for p in passages]
        if info is None:
            return IndexCheck(built=False, same_model=True, to_embed=everything, deleted=[])
        if info.get("model") != self.vectors_id(model_id) or int(info.get("dim", -1)) != dim:
            return IndexCheck(built=True, same_model=False, to_embed=everything, deleted=[])
        if "number" not in info:  # an index from before collection sets: the next sync rebuilds it
            return IndexCheck(built=True, same_model=True, to_embed=everything, deleted=[])
        col = self.client.get_collection(info["collection"])
        g = int(info["number"])
        # records of an interrupted sync are not served: plan against what generation g serves
        _, to_embed, deleted = _plan(_by_id(passages), self._live(col, g))
        return IndexCheck(built=True, same_model=True, to_embed=sorted(p.id for p in to_embed), deleted=sorted(deleted))

    @staticmethod
    def _live(col, g: int) -> dict[str, tuple[str, dict]]:
        """passage id -> (record id, metadata) of the records served at generation g."""
        got = get_all(col, ["metadatas"], where=live_at(g))
        return {m.get("pid", rid): (rid, m) for rid, m in zip(got["ids"], got["metadatas"])}

    def _tidy(self, col, sent, g: int) -> None:
        """Undo what an interrupted sync left: records it added (born after g) go, records it marked to die
        after g are served again, and records already dead at g (a deletion cut short) go."""
        self._delete(col, sent, {"born": {"$gt": g}})
        self._delete(col, sent, {"died": {"$lte": g}})
        marked = get_all(col, ["metadatas"], where={"$and": [{"died": {"$gt": g}}, {"died": {"$lt": LIVE}}]})
        for i in range(0, len(marked["ids"]), BATCH):
            col.update(
                ids=marked["ids"][i : i + BATCH],
                metadatas=[{**m, "died": LIVE} for m in marked["metadatas"][i : i + BATCH]],
            )

    @staticmethod
    def _delete(col, sent, where: dict) -> None:
        """Delete the passage records matching ``where`` and their sentences (ids from their counts)."""
        got = get_all(col, ["metadatas"], where=where)
        for i in range(0, len(got["ids"]), BATCH):
            rids, metas = got["ids"][i : i + BATCH], got["metadatas"][i : i + BATCH]
            sentence_ids = [
                *(f"{rid}::s{k}" for rid, m in zip(rids, metas) for k in range(int(m.get("n_sentences", 0)))),
                *(f"{rid}::q{j}" for rid, m in zip(rids, metas) for j in range(int(m.get("n_questions", 0)))),
            ]
            if sentence_ids:
                sent.delete(ids=sentence_ids)
            col.delete(ids=rids)

    @staticmethod
    def _check_count(col, g: int, expected: int) -> None:
        served = len(get_all(col, [], where=live_at(g))["ids"])
        if served != expected:
            raise IndexUnusableError(
                f"generation {g} of the index would serve {served} passages, expected {expected}; nothing was switched"
            )

    def _embed(
        self, to_embed: list[Passage], embedder: Embedder, new, new_sent, born: int, stats: SyncStats, on_progress
    ) -> None:
        """Embed new or edited passages and their sentences as records born at generation ``born``."""
        for i in range(0, len(to_embed), BATCH):
            batch = to_embed[i : i + BATCH]
            rids = [record_id(p) for p in batch]
            s_ids, s_docs, s_texts, s_meta = [], [], [], []
            owner: list[int] = []  # for each sentence record, its passage's place in the batch (-1: a question)
            for b, (p, rid) in enumerate(zip(batch, rids)):
                for k, (sentence, text) in enumerate(zip(p.sentence_texts(), p.sentence_embed_texts())):
                    owner.append(b)
                    s_ids.append(f"{rid}::s{k}")
                    s_docs.append(sentence)
                    s_texts.append(text)
                    s_meta.append({"passage_id": p.id, "k": k})
                for j, (k, question) in enumerate(p.questions):  # the questions a sentence answers (sidecar)
                    owner.append(-1)
                    s_ids.append(f"{rid}::q{j}")
                    s_docs.append(question)
                    s_texts.append(question)
                    s_meta.append({"passage_id": p.id, "k": k, "kind": "question"})
            s_vecs = embedder.embed_documents(s_texts) if s_ids else None
            new.add(
                ids=rids,
                embeddings=self._passage_vectors(batch, owner, s_vecs, embedder),
                documents=[p.text for p in batch],
                metadatas=[{**p.metadata(), "pid": p.id, "born": born, "died": LIVE} for p in batch],
            )
            if s_ids:
                new_sent.add(ids=s_ids, embeddings=s_vecs, documents=s_docs, metadatas=s_meta)
            stats.embedded_passages += len(batch)
            stats.embedded_sentences += len(s_ids)
            if on_progress:
                on_progress(stats.embedded_passages, len(to_embed))

    def _passage_vectors(self, batch: list[Passage], owner: list[int], s_vecs, embedder: Embedder):
        """The passages' vectors: encoded, or the normalised mean of their sentences' (``owner``: each sentence
        record's passage in ``batch``, -1 for a sidecar question, which does not count)."""
        if self.passage_vectors != "sentence_mean" or s_vecs is None:
            return embedder.embed_documents([p.embed_text for p in batch])
        out = np.zeros((len(batch), embedder.dim), dtype=np.float32)
        np.add.at(out, [b for b in owner if b >= 0], np.asarray(s_vecs, dtype=np.float32)[[b >= 0 for b in owner]])
        norms = np.linalg.norm(out, axis=1)
        missing = [i for i, n in enumerate(norms) if n == 0]
        out /= np.maximum(norms, 1e-9)[:, None]
        if missing:  # a passage without sentences (cannot happen for quotable text) is encoded
            out[missing] = embedder.embed_documents([batch[i].embed_text for i in missing])
        return out

    def _switch(self, name: str, number: int, embedder: Embedder, passages: int) -> None:
        """Point ``active`` at generation ``number`` of set ``name``: one write, so readers see the old or the
        new, never a mix."""
        self._meta().upsert(
            ids=["active"],
            embeddings=[[0.0]],
            metadatas=[
                {
                    "generation": f"{name}@{number}",
                    "collection": name,
                    "number": number,
                    "model": self.vectors_id(embedder.model_id),
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

    def _drop(self, name: str) -> None:
        for collection in (name, f"{name}__sentences"):
            try:
                self.client.delete_collection(collection)
            except Exception:
                pass


def _by_id(passages: list[Passage]) -> dict[str, Passage]:
    wanted = {p.id: p for p in passages}
    if len(wanted) != len(passages):
        dupes = sorted(pid for pid, n in Counter(p.id for p in passages).items() if n > 1)
        raise IndexUnusableError(f"two passages share the id {dupes[0]!r}; rename a section")
    return wanted


def _plan(
    wanted: dict[str, Passage], existing: dict[str, tuple[str, dict]]
) -> tuple[list[str], list[Passage], list[str]]:
    """(ids whose content is unchanged, passages to embed, ids to delete) against the served records."""
    unchanged = [pid for pid, p in wanted.items() if pid in existing and existing[pid][1].get("hash") == p.content_hash]
    same = set(unchanged)
    to_embed = [p for pid, p in wanted.items() if pid not in same]
    deleted = [pid for pid in existing if pid not in wanted]
    return unchanged, to_embed, deleted


def sentences_of(sentences, record_ids: Sequence[str], metas: Sequence[dict]) -> dict:
    """The stored sentences (ids, documents, metadatas, embeddings) of these passage records.

    Looked up by id (``<record id>::s<k>``; each passage records its sentence count): a metadata filter
    slows down as the sentence collection grows (22 ms against 1.4 ms at 174k sentences). An index built
    before sentence counts were recorded falls back to the filter."""
    include = ["embeddings", "documents", "metadatas"]
    if all("n_sentences" in m for m in metas):
        ids = [f"{rid}::s{k}" for rid, m in zip(record_ids, metas) for k in range(int(m["n_sentences"]))]
        return sentences.get(ids=ids, include=include)
    return sentences.get(where={"passage_id": {"$in": list(record_ids)}}, include=include)


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
    """One served generation, read-only: every passage's id, text and metadata (sorted by id), dense search
    through langchain_chroma, and the stored vectors.

    With ``exact_max`` > 0 and at most that many passages, their vectors are read once and searched exactly in
    memory (HNSW is for large collections: over 23 passages Chroma's search took 1.7 ms a query against 0.02 ms
    for the product). Sentences read for answers are kept in a bounded cache: a record id names its content
    (``<passage id>@<content hash>``), so a cached record can never be stale."""

    SENTENCE_CACHE = 4096  # passages whose sentences are kept

    def __init__(
        self, client: Any, passages: Any, sentences: Any, number: int | None = None, exact_max: int = 0
    ) -> None:
        # generation ``number`` of the set (None: an index from before collection sets, every record served)
        self.generation: str = passages.name if number is None else f"{passages.name}@{number}"
        self._filter = live_at(number) if number is not None else None
        self._passages, self._sentences = passages, sentences
        self._client = client
        self._search_store: Any = None  # langchain_chroma's Chroma, made on the first search that needs it
        got = get_all(passages, ["documents", "metadatas"], where=self._filter)
        pids = [m.get("pid", rid) for rid, m in zip(got["ids"], got["metadatas"])]
        order = sorted(range(len(pids)), key=pids.__getitem__)
        self.ids: list[str] = [pids[i] for i in order]
        self.records: list[str] = [got["ids"][i] for i in order]  # the Chroma record id of each passage
        self.docs: list[str] = [got["documents"][i] for i in order]
        self.metas: list[dict[str, Any]] = [got["metadatas"][i] for i in order]
        self.row: dict[str, int] = {pid: i for i, pid in enumerate(self.ids)}
        self._row_of_record: dict[str, int] = {rid: i for i, rid in enumerate(self.records)}
        self._extra, self._counted_at = 0, float("-inf")
        self._sentence_cache: OrderedDict[str, list[tuple[int, str, np.ndarray]]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._matrix: np.ndarray | None = None
        if 0 < len(self.ids) <= exact_max:
            self._matrix = self._read_matrix()
        else:
            self._searcher()  # made now, so the first question does not pay for importing LangChain's layer

    def _searcher(self) -> Any:
        """LangChain's Chroma vector store over the served collection, searched by vector only (no embedding
        function: queries are embedded once, upstream, for every stage)."""
        if self._search_store is None:
            from langchain_chroma import Chroma

            self._search_store = Chroma(client=self._client, collection_name=self._passages.name)
        return self._search_store

    def _read_matrix(self) -> np.ndarray:
        """Every served passage's stored vector, in row order, normalised (cosine = dot product)."""
        vectors: dict[str, Any] = {}
        with _reading("reading passage vectors"):
            for i in range(0, len(self.records), PAGE):
                got = self._passages.get(ids=self.records[i : i + PAGE], include=["embeddings"])
                vectors.update(zip(got["ids"], got["embeddings"]))
        matrix = np.asarray([vectors[r] for r in self.records], dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms > 0, norms, 1.0)

    def __len__(self) -> int:
        return len(self.ids)

    def _unserved(self) -> int:
        """How many records of the collection this generation does not serve (a sync under way, or the
        leftovers of an interrupted one); counted at most once a second."""
        now = time.monotonic()
        if now - self._counted_at > 1.0:
            self._extra, self._counted_at = max(0, self._passages.count() - len(self.ids)), now
        return self._extra

    def dense_search(self, query_vec: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(row, cosine similarity) of the k nearest passages served (approximate, HNSW).

        Chroma's metadata filter costs about 18 ms a query at 4,000 passages (1.9 ms without), so it is used
        only when many records are not served; otherwise the search asks for that many more and drops them."""
        k = min(k, len(self.ids))
        if self._matrix is not None:
            query = np.asarray(query_vec, dtype=np.float32)
            scores = self._matrix @ (query / (np.linalg.norm(query) or 1.0))
            top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
            return [(int(i), float(scores[i])) for i in sorted(top, key=lambda i: (-scores[i], i))]
        with _reading("dense search"):
            extra = self._unserved() if self._filter is not None else 0
            found = self._searcher().similarity_search_by_vector_with_relevance_scores(
                np.asarray(query_vec).tolist(),
                k=k + extra if extra <= UNFILTERED_SLACK else k,
                filter=self._filter if extra > UNFILTERED_SLACK else None,
            )
        # the collection's space is cosine, so similarity = 1 - distance
        return [
            (self._row_of_record[doc.id], 1.0 - float(distance))
            for doc, distance in found
            if doc.id in self._row_of_record
        ][:k]

    def passage_vectors(self, rows: Sequence[int]) -> np.ndarray:
        """Stored vectors of these passage rows, in order."""
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        if self._matrix is not None:
            return self._matrix[list(rows)]
        with _reading("reading passage vectors"):
            got = self._passages.get(ids=[self.records[i] for i in rows], include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"]))
        if len(by_id) < len(set(rows)):  # deleted by a newer generation a moment ago: the caller reloads
            raise StoreReadError("a passage of the served generation is gone")
        return np.asarray([by_id[self.records[i]] for i in rows], dtype=np.float32)

    def question_vectors(self) -> "SidecarQuestions":
        """Every sidecar question of the generation, with the passage row and sentence number it points at."""
        ids = [f"{rid}::q{j}" for rid, m in zip(self.records, self.metas) for j in range(int(m.get("n_questions", 0)))]
        if not ids:
            return SidecarQuestions([], [], [], np.zeros((0, 0), dtype=np.float32))
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
        rows = [self.row[pid] for pid in passage_ids]
        out: SentenceVectors = {}
        with self._cache_lock:
            for r in rows:
                cached = self._sentence_cache.get(self.records[r])
                if cached is not None:
                    self._sentence_cache.move_to_end(self.records[r])
                    out[self.ids[r]] = cached
        missing = [r for r in rows if self.ids[r] not in out]
        if not missing:
            return out
        with _reading("reading sentence vectors"):
            got = sentences_of(self._sentences, [self.records[r] for r in missing], [self.metas[r] for r in missing])
        fetched: SentenceVectors = {}
        for doc, meta, vec in zip(got["documents"], got["metadatas"], got["embeddings"]):
            fetched.setdefault(meta["passage_id"], []).append((int(meta["k"]), doc, np.asarray(vec, dtype=np.float32)))
        with self._cache_lock:
            for pid, items in fetched.items():  # keyed by passage id, cached by record id (id + content hash)
                items.sort(key=lambda t: t[0])
                self._sentence_cache[self.records[self.row[pid]]] = items
                while len(self._sentence_cache) > self.SENTENCE_CACHE:
                    self._sentence_cache.popitem(last=False)
        out.update(fetched)
        return out


def store_for(settings: Settings, *, create: bool) -> IndexStore:
    return IndexStore(
        open_client(settings, create=create),
        settings.collection,
        remote=settings.chroma_url.strip(),
        passage_vectors=settings.passage_vectors,
        exact_search_max=settings.exact_search_max,
    )


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
