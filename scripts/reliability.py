#!/usr/bin/env python3
"""Linli's long-running reliability checks: the crash test and the soak.

Run through scripts/crash-test and scripts/soak, which build the binaries and pass --bin. Both start a
private mosquitto from Config/mosquitto.conf (listener, paths and credentials replaced) on a free loopback
port, and `linli serve` on a fresh store in a temporary directory.

crash  publishes a long generated stream at QoS 1 with `linli-sim replay`, kill -9s the daemon at random
       moments and restarts it, then compares the store with the stream: every valid event applied once,
       tickets exactly as a clean `linli replay` of the same stream gives. Prints events, kills, lost,
       duplicated; exits 1 on any difference.
soak   publishes at a steady rate for a while (10 minutes by default), samples the daemon's RSS every
       second, and fails on a growing trend after the warm-up.
"""

import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHINA = timezone(timedelta(hours=8))


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"mosquitto did not accept connections on port {port}")


class Broker:
    """mosquitto with the settings of Config/mosquitto.conf, on a free loopback port, anonymous, in `directory`."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.config = os.path.join(directory, "mosquitto.conf")
        lines = []
        skipping = ("listener", "password_file", "allow_anonymous", "persistence_location", "log_dest", "cafile",
                    "certfile", "keyfile", "tls_version", "require_certificate")
        with open(os.path.join(REPO, "Config", "mosquitto.conf")) as shipped:
            for line in shipped:
                if line.split(" ", 1)[0].strip() in skipping:
                    continue
                lines.append(line.rstrip("\n"))
        lines += [
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous true",
            f"persistence_location {directory}/",
            "log_dest stderr",
        ]
        if os.geteuid() == 0:
            lines.append("user root")  # otherwise mosquitto switches to 'mosquitto' and cannot write here
        with open(self.config, "w") as out:
            out.write("\n".join(lines) + "\n")
        self.process = None

    def start(self):
        executable = "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else "mosquitto"
        self.log = open(os.path.join(self.directory, "mosquitto.log"), "a")
        self.process = subprocess.Popen([executable, "-c", self.config], stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Daemon:
    """`linli serve` with its own YAML configuration, logging to daemon.log."""

    def __init__(self, binaries, directory, broker, clock="wall", dedup_capacity=None):
        self.binary = os.path.join(binaries, "linli")
        self.directory = directory
        self.store = os.path.join(directory, "linli.sqlite")
        self.config = os.path.join(directory, "linli.yaml")
        self.log_path = os.path.join(directory, "daemon.log")
        pipeline = f"  clock: {clock}\n"
        if dedup_capacity:
            pipeline += f"  dedup_capacity: {dedup_capacity}\n"
        with open(self.config, "w") as out:
            out.write(
                "mqtt:\n"
                f"  url: {broker.url}\n"
                "  client_id: linli-reliability\n"
                "  clean_session: false\n"
                "  qos: 1\n"
                "store:\n"
                f"  path: {self.store}\n"
                "sites:\n"
                f"  dir: {os.path.join(REPO, 'Config', 'sites')}\n"
                "rules:\n"
                f"  dir: {os.path.join(REPO, 'Config', 'rules')}\n"
                "pipeline:\n" + pipeline +
                "http:\n"
                "  enabled: false\n"
                "feed:\n"
                "  enabled: false\n"
            )
        self.process = None
        self.starts = 0

    def start(self, wait=False):
        self.starts += 1
        offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        log_file = open(self.log_path, "a")
        log_file.write(f"--- start {self.starts} ---\n")
        log_file.flush()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--config", self.config, "--log-level", "info"],
            stdout=log_file, stderr=subprocess.STDOUT, cwd=self.directory,
        )
        if wait:
            deadline = time.time() + 60
            while time.time() < deadline:
                if self.process.poll() is not None:
                    raise SystemExit(f"linli serve exited with {self.process.returncode}; see {self.log_path}")
                with open(self.log_path, "rb") as text:
                    text.seek(offset)
                    if b"ingesting" in text.read():
                        return
                time.sleep(0.05)
            raise SystemExit(f"linli serve did not subscribe within 60 s; see {self.log_path}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise SystemExit("linli serve did not stop within 60 s of SIGTERM")
        return self.process.returncode if self.process else 0

    def running(self):
        return self.process is not None and self.process.poll() is None

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def seen_count(self):
        """How many applied events the store's de-duplication memory holds."""
        rows = self.query("SELECT TOTAL(count) FROM seen_batch")
        return int(rows[0][0]) if rows else 0

    def seen_ids(self):
        """The ids of the applied events the store remembers (seen_batch blobs: u32 length + UTF-8 source,
        u32 length + UTF-8 id, i64 milliseconds, little-endian, repeated)."""
        ids = set()
        for (blob,) in self.query("SELECT events FROM seen_batch"):
            offset = 0
            while offset < len(blob):
                (length,) = struct.unpack_from("<I", blob, offset)
                offset += 4 + length
                (length,) = struct.unpack_from("<I", blob, offset)
                ids.add(blob[offset + 4:offset + 4 + length].decode())
                offset += 4 + length + 8
        return ids

    def query(self, sql):
        """Reads the store while the daemon runs (WAL mode: readers never block the writer)."""
        if not os.path.exists(self.store):
            return []
        connection = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []
        finally:
            connection.close()


# --- The stream -----------------------------------------------------------------------------------------

BINS = [f"ZJ-B{b:02d}-{s}" for b in (1, 3, 5, 6, 8) for s in "KRHO"]
GATES = ["ZJ-G01", "ZJ-G02", "ZJ-G03", "ZJ-G04"]
CARE = [("ZJ-C-0001", "R-0001"), ("ZJ-C-0002", "R-0002"), ("ZJ-C-0005", "R-0005"), ("ZJ-C-0012", "R-0012")]


def rfc3339(moment):
    return moment.isoformat(timespec="milliseconds")


def make_stream(count, rate, seed, start, step):
    """`count` messages: mostly valid events of every kind, about 2% malformed. Event times advance `step`
    seconds per message from `start`; publish times ("at") are spaced for `rate` messages per second."""
    rng = random.Random(seed)
    lines, valid_ids, invalid = [], [], 0
    published = datetime(2030, 1, 1, tzinfo=timezone.utc)
    for index in range(count):
        moment = start + timedelta(seconds=index * step)
        at = rfc3339(published + timedelta(seconds=index / rate))
        roll = rng.random()
        event_id = f"crash-{seed}-{index}"
        if roll < 0.02:
            topic = f"linli/v1/zijing/bin/{rng.choice(BINS)}/event"
            payload = rng.choice(['{"specversion":"1.0","id":', "not json at all", '{"specversion":"1.0"}'])
            lines.append({"topic": topic, "payload": payload, "at": at})
            invalid += 1
            continue
        if roll < 0.45:
            device, kind, etype = rng.choice(BINS), "bin", "linli.bin.fill"
            data = {"fill_pct": rng.choice([5, 15, 40, 60, 75, 88, 91, 95, 99])}
        elif roll < 0.55:
            device, kind, etype = rng.choice(BINS), "bin", "linli.bin.temperature"
            data = {"celsius": rng.choice([18, 22, 25, 31, 35, 38, 61, 70])}
        elif roll < 0.62:
            device, kind, etype = rng.choice(BINS), "bin", "linli.bin.contamination"
            data = {"expected": "kitchen", "detected": rng.choice(["other", "recyclable"]),
                    "confidence": rng.choice([0.5, 0.8, 0.95])}
        elif roll < 0.70:
            device, kind, etype = rng.choice(BINS), "bin", "linli.bin.heartbeat"
            data = {"battery_pct": rng.choice([8, 50, 90])}
        elif roll < 0.78:
            device, kind, etype = rng.choice(GATES), "gate", "linli.gate.door"
            data = {"state": rng.choice(["open", "closed"])}
        elif roll < 0.84:
            device, kind, etype = rng.choice(GATES), "gate", "linli.gate.pass"
            data = {"credential": rng.choice(["card", "face"]), "direction": rng.choice(["in", "out"])}
        elif roll < 0.87:
            device, kind, etype = rng.choice(GATES), "gate", "linli.gate.denied"
            data = {"credential": "card", "reason": rng.choice(["unknown", "expired"])}
        elif roll < 0.88:
            device, kind, etype, data = rng.choice(GATES), "gate", "linli.gate.forced", {}
        else:
            device, resident = rng.choice(CARE)
            kind = "care"
            sub = rng.random()
            if sub < 0.05:
                etype, data = "linli.care.sos", {"resident": resident}
            elif sub < 0.10:
                etype, data = "linli.care.fall", {"resident": resident, "confidence": rng.choice([0.6, 0.9])}
            elif sub < 0.55:
                etype, data = "linli.care.motion", {"resident": resident, "room": rng.choice(["kitchen", "bedroom"])}
            else:
                etype, data = "linli.care.checkin", {"resident": resident, "method": "button"}
        payload = json.dumps({
            "specversion": "1.0", "id": event_id, "source": f"/sites/zijing/devices/{device}", "type": etype,
            "time": rfc3339(moment), "datacontenttype": "application/json", "data": data,
        }, separators=(",", ":"))
        lines.append({"topic": f"linli/v1/zijing/{kind}/{device}/event", "payload": payload, "at": at})
        valid_ids.append(event_id)
    return lines, valid_ids, invalid


def write_stream(path, lines):
    with open(path, "w") as out:
        for line in lines:
            out.write(json.dumps(line, separators=(",", ":")) + "\n")


def publisher(binaries, stream, broker, speed="1"):
    return subprocess.Popen(
        [os.path.join(binaries, "linli-sim"), "replay", stream, "--broker", broker.url, "--speed", speed, "--qos", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def tickets_json(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:2])} failed ({result.returncode}): {result.stderr.strip()}")
    return json.loads(result.stdout)


# --- crash ----------------------------------------------------------------------------------------------

def crash(arguments):
    directory = tempfile.mkdtemp(prefix="linli-crash-")
    log(f"crash test in {directory}: {arguments.events} messages at {arguments.rate}/s, {arguments.kills} kills, "
        f"seed {arguments.seed}")
    start = datetime(2026, 11, 27, 6, 0, tzinfo=CHINA)
    lines, valid_ids, invalid = make_stream(arguments.events, arguments.rate, arguments.seed, start, step=1.0)
    stream = os.path.join(directory, "stream.jsonl")
    write_stream(stream, lines)

    broker = Broker(directory)
    broker.start()
    daemon = Daemon(arguments.bin, directory, broker, clock="event")
    rng = random.Random(arguments.seed)
    kills = []
    try:
        daemon.start(wait=True)
        began = time.time()
        sender = publisher(arguments.bin, stream, broker)
        while len(kills) < arguments.kills:
            time.sleep(rng.uniform(arguments.min_up, arguments.max_up))
            published_share = min(1.0, (time.time() - began) * arguments.rate / arguments.events)
            daemon.kill()
            kills.append(time.time() - began)
            log(f"kill -9 #{len(kills)} at {kills[-1]:.2f} s (stream about {published_share:.0%} published)")
            time.sleep(rng.uniform(0, arguments.max_down))
            daemon.start()
        output, _ = sender.communicate()
        if sender.returncode != 0:
            raise SystemExit(f"linli-sim replay failed: {output.decode(errors='replace')}")
        log(f"stream published in {time.time() - began:.1f} s; waiting for the daemon to apply it")
        deadline = time.time() + arguments.drain_timeout
        while time.time() < deadline:
            if daemon.seen_count() >= len(valid_ids):
                break
            if not daemon.running():
                raise SystemExit(f"linli serve exited on its own; see {daemon.log_path}")
            time.sleep(0.2)
        time.sleep(1)  # let the last commit's journal position land
        status = daemon.terminate()
        if status != 0:
            raise SystemExit(f"linli serve exited with {status} on SIGTERM; see {daemon.log_path}")
    finally:
        if daemon.running():
            daemon.kill()
        broker.stop()

    seen = daemon.seen_ids()
    lost = sorted(set(valid_ids) - seen, key=lambda i: int(i.rsplit("-", 1)[1]))
    dead_letters = daemon.query("SELECT COUNT(*) FROM dead_letter")[0][0]
    live = tickets_json([os.path.join(arguments.bin, "linli"), "tickets", "list", "--json", "--config", daemon.config,
                         "--db", daemon.store])
    replayed = tickets_json([os.path.join(arguments.bin, "linli"), "replay", stream, "--json", "--config",
                             daemon.config])
    live_by_id = {ticket["id"]: ticket for ticket in live}
    replay_by_id = {ticket["id"]: ticket for ticket in replayed}

    def comparable(ticket, other):
        return {k: v for k, v in ticket.items() if k in other}

    duplicated = 0
    differences = []
    for ticket_id in sorted(set(live_by_id) | set(replay_by_id)):
        mine, clean = live_by_id.get(ticket_id), replay_by_id.get(ticket_id)
        if mine is None or clean is None:
            differences.append(f"{ticket_id}: only in {'the replay' if mine is None else 'the crash-tested store'}")
            duplicated += mine["occurrences"] if mine else 0
            continue
        duplicated += max(0, mine["occurrences"] - clean["occurrences"])
        if comparable(mine, clean) != comparable(clean, mine):
            fields = [k for k in clean if k in mine and mine[k] != clean[k]]
            differences.append(f"{ticket_id}: differs in {', '.join(fields)}")

    print(f"events: {len(valid_ids)} valid + {invalid} malformed, published at {arguments.rate}/s")
    print(f"kills: {len(kills)} (kill -9 at " + ", ".join(f"{k:.1f}s" for k in kills) + f"), daemon starts: {daemon.starts}")
    print(f"lost: {len(lost)}" + (f" (first: {', '.join(lost[:5])})" if lost else ""))
    print(f"duplicated: {duplicated}")
    print(f"tickets: {len(live)} in the store, {len(replayed)} from a clean replay, "
          f"{'identical' if not differences else f'{len(differences)} different'}")
    print(f"dead letters: {dead_letters} (malformed messages published: {invalid}; a redelivered malformed "
          f"message may be recorded twice)")
    for difference in differences[:20]:
        print(f"  {difference}")
    ok = not lost and duplicated == 0 and not differences and len(kills) >= arguments.kills and dead_letters >= invalid
    print("crash test: " + ("PASSED" if ok else f"FAILED (files kept in {directory})"))
    if ok and not arguments.keep:
        subprocess.run(["rm", "-rf", directory])
    return 0 if ok else 1


# --- soak -----------------------------------------------------------------------------------------------

def slope(points):
    """Least-squares slope of (x, y) points."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var if var else 0.0


def soak(arguments):
    directory = tempfile.mkdtemp(prefix="linli-soak-")
    count = int(arguments.duration * arguments.rate)
    log(f"soak in {directory}: {arguments.duration} s at {arguments.rate}/s ({count} messages), "
        f"warm-up {arguments.warmup} s")
    # Event times follow the wall clock, so the live (wall-clock) engine treats them as current.
    start = datetime.now(CHINA) + timedelta(seconds=5)
    lines, valid_ids, invalid = make_stream(count, arguments.rate, arguments.seed, start, step=1 / arguments.rate)
    stream = os.path.join(directory, "stream.jsonl")
    write_stream(stream, lines)

    broker = Broker(directory)
    broker.start()
    daemon = Daemon(arguments.bin, directory, broker, clock="wall", dedup_capacity=arguments.dedup_capacity)
    samples = []
    try:
        daemon.start(wait=True)
        began = time.time()
        sender = publisher(arguments.bin, stream, broker)
        while sender.poll() is None:
            elapsed = time.time() - began
            samples.append((elapsed, daemon.rss_kib()))
            if len(samples) % 60 == 0:
                log(f"{elapsed:5.0f} s: RSS {samples[-1][1] / 1024:.1f} MiB, seen events kept "
                    f"{daemon.seen_count()}")
            if not daemon.running():
                raise SystemExit(f"linli serve exited during the soak; see {daemon.log_path}")
            time.sleep(max(0.0, began + len(samples) - time.time()))
        time.sleep(2)
        handled = daemon.query("SELECT COUNT(*) FROM dead_letter")
        status = daemon.terminate()
    finally:
        if daemon.running():
            daemon.kill()
        broker.stop()

    steady = [(t, rss) for t, rss in samples if t >= arguments.warmup]
    if len(steady) < 30:
        print(f"soak: FAILED: only {len(steady)} samples after the warm-up")
        return 1
    per_minute = slope([(t / 60, rss / 1024) for t, rss in steady])
    window = (steady[-1][0] - steady[0][0]) / 60
    values = sorted(rss for _, rss in steady)
    median = values[len(values) // 2] / 1024
    growth = per_minute * window
    limit = max(arguments.max_growth_mib, median * arguments.max_growth_share)
    print(f"soak: {len(samples)} RSS samples over {samples[-1][0]:.0f} s at {arguments.rate} messages/s, "
          f"{len(valid_ids)} valid + {invalid} malformed")
    print(f"RSS after warm-up: min {values[0] / 1024:.1f} MiB, median {median:.1f} MiB, max {values[-1] / 1024:.1f} MiB")
    print(f"trend after warm-up: {per_minute:+.3f} MiB/min, {growth:+.2f} MiB over {window:.1f} min "
          f"(limit {limit:.1f} MiB); daemon exit status {status}, dead letters {handled[0][0] if handled else '?'}")
    with open(os.path.join(directory, "rss.csv"), "w") as out:
        out.write("seconds,rss_kib\n" + "".join(f"{t:.1f},{rss}\n" for t, rss in samples))
    ok = growth <= limit and status == 0
    print("soak: " + ("PASSED" if ok else "FAILED") + f" (RSS samples in {directory}/rss.csv)")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="directory with the built linli and linli-sim")
    commands = parser.add_subparsers(dest="command", required=True)
    crash_parser = commands.add_parser("crash", help="kill -9 the daemon during a stream; compare with a replay")
    crash_parser.add_argument("--events", type=int, default=20000, help="messages in the stream")
    crash_parser.add_argument("--rate", type=int, default=1000, help="messages published per second")
    crash_parser.add_argument("--kills", type=int, default=8, help="kill -9s during the stream (at least)")
    crash_parser.add_argument("--seed", type=int, default=int(time.time()) % 100000, help="random seed")
    crash_parser.add_argument("--min-up", type=float, default=0.5, help="shortest time the daemon runs between kills (s)")
    crash_parser.add_argument("--max-up", type=float, default=2.5, help="longest time the daemon runs between kills (s)")
    crash_parser.add_argument("--max-down", type=float, default=0.5, help="longest time the daemon stays down (s)")
    crash_parser.add_argument("--drain-timeout", type=float, default=180, help="how long to wait for the backlog (s)")
    crash_parser.add_argument("--keep", action="store_true", help="keep the files even when the test passes")
    soak_parser = commands.add_parser("soak", help="steady rate for a long time; RSS must not grow")
    soak_parser.add_argument("--duration", type=int, default=600, help="seconds of traffic")
    soak_parser.add_argument("--rate", type=int, default=200, help="messages published per second")
    soak_parser.add_argument("--warmup", type=int, default=180, help="seconds excluded from the trend")
    soak_parser.add_argument("--dedup-capacity", type=int, default=20000,
                             help="pipeline.dedup_capacity: small enough to fill during the warm-up")
    soak_parser.add_argument("--max-growth-mib", type=float, default=8.0, help="allowed RSS growth after warm-up")
    soak_parser.add_argument("--max-growth-share", type=float, default=0.05,
                             help="allowed RSS growth as a share of the median")
    soak_parser.add_argument("--seed", type=int, default=7, help="random seed")
    arguments = parser.parse_args()
    arguments.bin = os.path.abspath(arguments.bin)
    return crash(arguments) if arguments.command == "crash" else soak(arguments)


if __name__ == "__main__":
    sys.exit(main())
