"""Landing a batch of observations in the graph: the one path the crawl's spool, `adgraph ingest`
and `adgraph faces index` all take, so every ad that lands is linked and has its network.

Each step runs once the one before it is committed, and each is idempotent, so a batch that
failed part-way is simply landed again:

1. write the observations (graph.ingest.write_batch): ads, versions, identifiers, removals;
2. link the batch's new pictures to their near-duplicates (graph.neardup, NEAR_DUPLICATE);
3. link the batch's new faces to the same faces (graph.faces, SAME_FACE, at the engine's
   calibrated threshold);
4. settle the networks around the batch's live ads (graph.linking): identifiers judged common
   or evidence again, networks merged and split, events recorded.

When the crawl's cycle, an ingest or a face index ends, `finish` judges once more, each with every
ad of its picture family or face in view, the small common identifiers its batches met: a batch
sees part of an operation, and what it judged common on that part may be the operation's thread.

The near-duplicate index lives in the Lander (one per process that lands: one linker at a time,
see graph.neardup.link_near_duplicates)."""

from __future__ import annotations

from dataclasses import dataclass

import neo4j

from graph.commonness import Rules
from graph.faces import SAME_FACE_THRESHOLD, link_same_faces
from graph.ingest import IngestStats, write_batch
from graph.linking import Settled, settle, settle_commons
from graph.neardup import PhashIndex, link_near_duplicates, load_index
from graph.networks import ads_with_images
from graph.records import face_id


@dataclass(frozen=True)
class Landed:
    written: IngestStats
    near_duplicates: int
    same_faces: int
    settled: Settled


class Lander:
    """Lands batches of observations (as graph.records.normalize returns them) for one process."""

    def __init__(self, driver: neo4j.Driver, rules: Rules = Rules()):
        self.driver = driver
        self.rules = rules
        self._index: PhashIndex | None = None
        self._commons: set[tuple[str, str]] = set()  # small common identifiers the batches met

    @property
    def index(self) -> PhashIndex:
        if self._index is None:
            self._index = load_index(self.driver)
        return self._index

    def land(self, observations: list[dict]) -> Landed:
        live = [o for o in observations if not o["removed"]]
        new_images = {img["sha256"]: img["phash"] for o in live for img in o["images"] if img.get("phash")}
        # Read before writing: an index first read after the batch's pictures were written holds
        # them already, and would link none of them.
        index = self.index if new_images else None
        written = write_batch(self.driver, observations)
        near = link_near_duplicates(self.driver, index, sorted(new_images.items())) if new_images else 0
        faces = sorted({face_id(f) for o in live for f in o.get("faces", ()) if f.get("embedding")})
        same = self._link_faces(faces)
        ads = [(o["site"], o["site_ad_id"]) for o in live]
        settled = settle(self.driver, ads, f"a batch of {len(set(ads))} ads landed", self.rules)
        self._commons |= settled.small_commons
        return Landed(written, near, same, settled)

    def faces_added(self, faces: list[dict]) -> tuple[int, Settled]:
        """Faces found later in stored images (`adgraph faces index`), already written: link the
        same faces and settle the networks of the ads showing them. Returns (SAME_FACE edges, what settled)."""
        same = self._link_faces(sorted({face_id(f) for f in faces if f.get("embedding")}))
        ads = ads_with_images(self.driver, sorted({f["image_sha256"] for f in faces})) if faces else []
        settled = settle(self.driver, ads, f"faces found in {len({f['image_sha256'] for f in faces})} stored images",
                         self.rules)
        self._commons |= settled.small_commons
        return same, settled

    def finish(self) -> Settled:
        """Judge again, each whole, the small common identifiers the batches landed so far met
        (graph.linking.settle_commons); call it when a cycle, an ingest or a face index ends."""
        commons = sorted(self._commons)
        settled = settle_commons(self.driver, commons, f"{len(commons)} identifiers judged common while landing "
                                                       "judged again, every ad of each in view", self.rules)
        self._commons.clear()
        return settled

    def _link_faces(self, face_ids: list[str]) -> int:
        return link_same_faces(self.driver, face_ids, SAME_FACE_THRESHOLD) if face_ids else 0
