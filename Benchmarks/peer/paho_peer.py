#!/usr/bin/env python3
"""The subscriber a user might write instead of Linli: paho-mqtt, three rules, SQLite.

It is the reference the benchmark suite (scripts/bench, `ingest`) compares Linli with. It drains a
persistent session's queue of contract events (Linli's wire format, contract events.md) and exits once it
has processed --count messages and committed what they changed, printing one JSON line:
{"events": N, "seconds": S, "rate": R, "ticket_writes": T, "tickets": K}.

Rules (three of the catalogue, with de-duplication):

- bin-full: a `linli.bin.fill` event with `data.fill_pct >= 90` opens a ticket for its device (medium,
  team sanitation, due in 30 min / 2 h) unless one is open for that device; while one is open, each such
  event adds an occurrence (count, last event time, evidence); `data.fill_pct <= 20` resolves it.
- gate-forced: a `linli.gate.forced` event opens a ticket for its gate (critical, security, 5 min / 1 h)
  unless one is open; another adds an occurrence; it never resolves by itself.
- care-sos: a `linli.care.sos` event opens a ticket for the resident in `data.resident` (critical, care,
  5 min / 1 h) unless one is open for that resident; another adds an occurrence; never resolves by itself.

De-duplication: one open ticket per (rule, site, subject), as above; and an event whose (`source`, `id`) was
already processed (an MQTT redelivery) is ignored (the last 200,000 keys are remembered, in memory).
A message that is not JSON, or lacks a field a rule reads, is skipped.

Every ticket write (open, occurrence, resolve) updates the `ticket` row and appends a `history` row.

Modes:
- naive (--mode naive): `json.loads`, SQLite as it comes (rollback journal, synchronous FULL), and a
  commit after every ticket write: the script as a user first writes it.
- tuned (--mode tuned): `orjson` when installed (else `json`), WAL with synchronous NORMAL, and one commit
  per 1,000 messages or 100 ms, whichever comes first (and one at the end).

Requires paho-mqtt (`pip install paho-mqtt`; scripts/bench installs it).
"""

import argparse
import collections
import json
import sqlite3
import sys
import time

import paho.mqtt.client as mqtt

try:
    import orjson
except ImportError:  # the tuned form falls back to the standard library
    orjson = None

SCHEMA = """
CREATE TABLE IF NOT EXISTS ticket (
    id TEXT PRIMARY KEY, rule TEXT NOT NULL, site TEXT NOT NULL, subject TEXT NOT NULL,
    severity TEXT NOT NULL, team TEXT NOT NULL, status TEXT NOT NULL, occurrences INTEGER NOT NULL,
    opened_at TEXT NOT NULL, last_event_at TEXT NOT NULL, evidence TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ticket_open ON ticket (rule, site, subject) WHERE status = 'open';
CREATE TABLE IF NOT EXISTS history (
    ticket_id TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL, note TEXT
);
"""

RULES = {
    # rule: (severity, team)
    "bin-full": ("medium", "sanitation"),
    "gate-forced": ("critical", "security"),
    "care-sos": ("critical", "care"),
}


class Peer:
    def __init__(self, args):
        self.args = args
        self.tuned = args.mode == "tuned"
        self.loads = orjson.loads if (self.tuned and orjson is not None) else json.loads
        self.db = sqlite3.connect(args.db)  # implicit BEGIN before writes; commit() ends the transaction
        if self.tuned:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.open = {}  # (rule, site, subject) -> [id, occurrences, evidence list]
        self.seen = set()
        self.seen_order = collections.deque()
        self.processed = 0
        self.ticket_writes = 0
        self.tickets = 0
        self.uncommitted = 0
        self.last_commit = time.monotonic()
        self.started = None
        self.finished = None

    # --- rules -----------------------------------------------------------------------------------------

    def handle(self, payload):
        try:
            event = self.loads(payload)
            source = event["source"]
            event_id = event["id"]
            kind = event["type"]
            data = event.get("data") or {}
        except (ValueError, KeyError, TypeError):
            return
        key = (source, event_id)
        if key in self.seen:
            return
        self.seen.add(key)
        self.seen_order.append(key)
        if len(self.seen_order) > 200_000:
            self.seen.discard(self.seen_order.popleft())
        parts = source.split("/")  # /sites/{site}/devices/{device}
        if len(parts) != 5:
            return
        site, device = parts[2], parts[4]
        at = event.get("time", "")
        if kind == "linli.bin.fill":
            fill = data.get("fill_pct")
            if not isinstance(fill, (int, float)):
                return
            if fill >= 90:
                self.raise_ticket("bin-full", site, "device:" + device, event_id, at)
            elif fill <= 20:
                self.resolve("bin-full", site, "device:" + device, event_id, at)
        elif kind == "linli.gate.forced":
            self.raise_ticket("gate-forced", site, "device:" + device, event_id, at)
        elif kind == "linli.care.sos":
            resident = data.get("resident")
            if isinstance(resident, str) and resident:
                self.raise_ticket("care-sos", site, "resident:" + resident, event_id, at)

    def raise_ticket(self, rule, site, subject, event_id, at):
        key = (rule, site, subject)
        ticket = self.open.get(key)
        if ticket is None:
            self.tickets += 1
            ticket_id = "T-%06d" % self.tickets
            severity, team = RULES[rule]
            self.open[key] = [ticket_id, 1, [event_id]]
            self.db.execute(
                "INSERT INTO ticket VALUES (?, ?, ?, ?, ?, ?, 'open', 1, ?, ?, ?)",
                (ticket_id, rule, site, subject, severity, team, at, at, json.dumps([event_id])),
            )
            self.history(ticket_id, at, "opened", "event " + event_id)
        else:
            ticket[1] += 1
            ticket[2] = (ticket[2] + [event_id])[-20:]
            self.db.execute(
                "UPDATE ticket SET occurrences = ?, last_event_at = ?, evidence = ? WHERE id = ?",
                (ticket[1], at, json.dumps(ticket[2]), ticket[0]),
            )
            self.history(ticket[0], at, "occurred", "event " + event_id)

    def resolve(self, rule, site, subject, event_id, at):
        ticket = self.open.pop((rule, site, subject), None)
        if ticket is None:
            return
        self.db.execute("UPDATE ticket SET status = 'resolved', last_event_at = ? WHERE id = ?", (at, ticket[0]))
        self.history(ticket[0], at, "resolved", "cleared by event " + event_id)

    def history(self, ticket_id, at, action, note):
        self.db.execute("INSERT INTO history VALUES (?, ?, ?, ?)", (ticket_id, at, action, note))
        self.ticket_writes += 1
        if not self.tuned:
            self.db.commit()  # one transaction per ticket write

    # --- MQTT ------------------------------------------------------------------------------------------

    def on_message(self, client, userdata, message):
        if self.started is None:
            self.started = time.monotonic()
        self.handle(message.payload)
        self.processed += 1
        if self.tuned:
            self.uncommitted += 1
            now = time.monotonic()
            if self.uncommitted >= 1000 or now - self.last_commit >= 0.1:
                self.db.commit()
                self.uncommitted = 0
                self.last_commit = now
        if self.processed >= self.args.count:
            self.db.commit()
            self.finished = time.monotonic()
            client.disconnect()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["naive", "tuned"], required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--client-id", required=True, help="the persistent session to drain")
    parser.add_argument("--qos", type=int, choices=[0, 1], default=1)
    parser.add_argument("--count", type=int, required=True, help="exit after this many messages")
    parser.add_argument("--db", required=True, help="the SQLite file")
    parser.add_argument("--topic", default="linli/v1/+/+/+/event")
    args = parser.parse_args()

    peer = Peer(args)
    began = time.monotonic()
    if hasattr(mqtt, "CallbackAPIVersion"):  # paho-mqtt 2.x
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=args.client_id, clean_session=False)
    else:
        client = mqtt.Client(client_id=args.client_id, clean_session=False)
    client.on_message = peer.on_message

    def on_connect(client, userdata, flags, reason_code, properties=None):
        client.subscribe(args.topic, qos=args.qos)

    client.on_connect = on_connect
    client.connect(args.host, args.port, keepalive=60)
    client.loop_forever()
    ended = peer.finished or time.monotonic()
    seconds = ended - began
    print(
        json.dumps(
            {
                "events": peer.processed,
                "seconds": round(seconds, 3),
                "rate": round(peer.processed / seconds, 1) if seconds > 0 else None,
                "ticket_writes": peer.ticket_writes,
                "tickets": peer.tickets,
            }
        )
    )
    return 0 if peer.processed >= args.count else 1


if __name__ == "__main__":
    sys.exit(main())
