"""What the ad and network pages show, read from the graph as plain JSON-ready data."""

from __future__ import annotations

import difflib
from datetime import datetime, timedelta, timezone

import neo4j

from graph.queries import ads as q
from graph.records import readable_phone
from graph.values import to_json

_READ = neo4j.RoutingControl.READ


def ad_detail(driver: neo4j.Driver, site: str, site_ad_id: str) -> dict | None:
    """The ad with every version (oldest first, each with its changes from the one before),
    identifiers, images and places; None when there is no such ad."""
    records = driver.execute_query(q.AD, site=site, site_ad_id=site_ad_id, routing_=_READ).records
    if not records:
        return None
    ad = {key: to_json(value) for key, value in records[0].items()}
    previous = None
    for version in ad["versions"]:
        version["changes"] = version_diff(previous, version) if previous else None
        previous = version
    return ad


def version_diff(old: dict, new: dict) -> list[list]:
    """Line-by-line changes from one version's title and body to the next: [op, text] with op one of
    ' ' (kept), '-' (removed) or '+' (added), for a page to show (escaped) without computing anything."""
    before = [f"title: {old['title']}"] + (old["body"] or "").splitlines()
    after = [f"title: {new['title']}"] + (new["body"] or "").splitlines()
    return [[line[0], line[2:]] for line in difflib.ndiff(before, after) if line[:1] in " -+"]


def network_detail(driver: neo4j.Driver, network_id: str) -> dict | None:
    """What the network page shows: its ads (with their versions), sites, phones (E.164 and readable),
    other identifiers, faces and face groups, the places it has posted in over time and per ISO week,
    the images used with more than one phone, and counts for triage; None when there is no such network.
    One read transaction, so every part describes the same moment of the graph."""
    with driver.session(default_access_mode=neo4j.READ_ACCESS) as session:
        ads, identifiers, places, images = session.execute_read(_read_network, network_id)
    if not ads:
        return None
    rows = [{k: to_json(v) for k, v in r.items()} for r in ads]
    spans = [(p["location_id"], _place_label(p), datetime.fromtimestamp(first, timezone.utc),
              datetime.fromtimestamp(last, timezone.utc)) for p in places for first, last in p["spans"]]
    weeks = places_per_week(spans)
    faces, groups = network_faces(images)
    reuse = image_reuse(images)
    live = sum(1 for r in rows if not r["removed_at"])
    site_rows = sites(rows)
    return {
        "network_id": network_id,
        "ads": rows,
        "sites": site_rows,
        "phones": [{"e164": r["key"], "national": readable_phone(r["key"]), "ads": r["ads"], "ignored": r["ignored"]}
                   for r in identifiers if r["kind"] == "Phone"],
        "identifiers": [r.data() for r in identifiers],
        "places": [{k: to_json(v) for k, v in r.items() if k != "spans"} for r in places],
        "places_per_week": weeks,
        "image_reuse": reuse,
        "faces": faces,
        "face_groups": groups,
        "first_seen": min(r["first_seen"] for r in rows),
        "last_seen": max(r["last_seen"] for r in rows),
        "counts": {kind: sum(1 for r in identifiers if r["kind"] == kind) for kind in ("Phone", "Email", "Handle", "Image")}
                  | {"ads": len(rows), "live": live, "removed": len(rows) - live, "places": len(places),
                     "sites": len(site_rows), "busiest_week_places": max((w["places"] for w in weeks), default=0),
                     "images_across_phones": len(reuse), "faces": len(faces), "face_groups": len(groups)},
    }


def _read_network(tx: neo4j.ManagedTransaction, network_id: str) -> tuple[list, list, list, list]:
    return tuple(list(tx.run(query, network_id=network_id))
                 for query in (q.NETWORK_ADS, q.NETWORK_IDENTIFIERS, q.NETWORK_PLACES, q.NETWORK_IMAGES))


def _place_label(place) -> str:
    return ", ".join(part for part in (place["name"], place["region"]) if part)


def places_per_week(spans: list[tuple[str, str, datetime, datetime]]) -> list[dict]:
    """How many distinct places the network advertised in each ISO week (UTC), oldest first, from
    (place id, label, first seen, last seen) for each ad's link to a place.

    The times are crawl sightings, not the ads' own posting dates (posted_at is what the site or the
    poster says, and is often missing or bumped). A link's first and last sightings both had the ad
    listing that place, so the place counts in every week from the first to the last: an ad that
    moved away and back (A, B, A) is counted in A through the weeks it was in B too. Weeks in which no
    ad was seen listing a place are left out: the crawl not seeing it is not evidence it was gone."""
    weeks: dict[tuple[int, int], dict[str, str]] = {}
    for place_id, label, first, last in spans:
        day = first.astimezone(timezone.utc).date()
        end = last.astimezone(timezone.utc).date()
        day -= timedelta(days=day.weekday())  # its week's Monday
        while day <= end:
            year, week, _ = day.isocalendar()
            weeks.setdefault((year, week), {})[place_id] = label
            day += timedelta(weeks=1)
    return [{"week": f"{year}-W{week:02d}", "places": len(labels), "names": sorted(set(labels.values()))}
            for (year, week), labels in sorted(weeks.items())]


def image_reuse(images) -> list[dict]:
    """The images shown on the network's ads with two or more distinct phones (one set of photos
    behind several numbers), most phones first: sha256, phone count, the numbers, ads, ignored."""
    reused = [{"sha256": i["sha256"], "phones": len(i["phones"]), "phone_numbers": sorted(i["phones"]),
               "ads": len(i["ads"]), "ignored": i["ignored"]}
              for i in images if len(i["phones"]) >= 2]
    return sorted(reused, key=lambda r: (-r["phones"], -r["ads"], r["sha256"]))


def network_faces(images) -> tuple[list[dict], list[dict]]:
    """The faces in the network's images, each with how many of its ads show it and its group, and the
    groups: faces joined through SAME_FACE edges (either way, through any chain of them) are taken for
    one person, so a group is a lead to one person to check by eye, not an identification. An ignored
    face joins no group, as it joins no network. Groups are numbered from 1, most ads first."""
    faces: dict[str, dict] = {}
    ads_of: dict[str, set[str]] = {}
    for image in images:
        for face in image["faces"]:
            faces[face["face_id"]] = {"face_id": face["face_id"], "image_sha256": image["sha256"],
                                      "engine": face["engine"], "model": face["model"], "box": face["box"],
                                      "score": face["score"], "first_seen": to_json(face["first_seen"]),
                                      "ads": len(image["ads"]), "ignored": face["ignored"], "group": None}
            ads_of.setdefault(face["face_id"], set()).update(image["ads"])
    parent = {face_id: face_id for face_id in faces}

    def root(face_id: str) -> str:
        while parent[face_id] != face_id:
            parent[face_id] = parent[parent[face_id]]
            face_id = parent[face_id]
        return face_id

    for image in images:
        for face in image["faces"]:
            for other in face["same_as"]:
                if other in faces and not face["ignored"] and not faces[other]["ignored"]:
                    low, high = sorted((root(face["face_id"]), root(other)))
                    parent[high] = low
    members: dict[str, list[str]] = {}
    for face_id in sorted(faces):
        members.setdefault(root(face_id), []).append(face_id)
    groups = []
    for ids in members.values():
        ads = set().union(*(ads_of[face_id] for face_id in ids))
        groups.append({"faces": ids, "ads": len(ads)})
    groups.sort(key=lambda g: (-g["ads"], -len(g["faces"]), g["faces"][0]))
    for number, group in enumerate(groups, 1):
        group["group"] = number
        for face_id in group["faces"]:
            faces[face_id]["group"] = number
    ordered = sorted(faces.values(), key=lambda f: (f["group"], -f["ads"], f["face_id"]))
    return ordered, [{"group": g["group"], "faces": g["faces"], "ads": g["ads"]} for g in groups]


def sites(ads: list[dict]) -> list[dict]:
    """The sites the network posts on, most ads first: site, ads, live ads."""
    counted: dict[str, dict] = {}
    for ad in ads:
        site = counted.setdefault(ad["site"], {"site": ad["site"], "ads": 0, "live": 0})
        site["ads"] += 1
        site["live"] += 0 if ad["removed_at"] else 1
    return sorted(counted.values(), key=lambda s: (-s["ads"], s["site"]))


def network_edges(driver: neo4j.Driver, network_id: str) -> list[dict]:
    return [r.data() for r in driver.execute_query(q.NETWORK_EDGES, network_id=network_id, routing_=_READ).records]
