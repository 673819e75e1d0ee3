import AsyncHTTPClient
import Foundation
import LinliCore
import LinliDaemon
import NIOCore
import NIOHTTP1
import TestSupport
import Testing
import TicketStore

@Suite("/metrics and /healthz of a live daemon on a real broker", .serialized, .timeLimit(.minutes(1)))
struct OperationsTests {
    /// One sample of the Prometheus text format: `name{label="value",…} number`.
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Parses the Prometheus text exposition format (comments skipped); fails on a line that is not a sample.
    static func parse(_ text: String) throws -> [Sample] {
        var samples: [Sample] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            var name = Substring(line)
            var labels: [String: String] = [:]
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw TestServerError("not a sample: \(line)")
            }
            name = line[..<space]
            if let open = name.firstIndex(of: "{") {
                guard name.last == "}" else { throw TestServerError("unclosed labels: \(line)") }
                let body = name[name.index(after: open)..<name.index(before: name.endIndex)]
                for pair in body.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\"") else {
                        throw TestServerError("bad label in: \(line)")
                    }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
                name = name[..<open]
            }
            samples.append(Sample(name: String(name), labels: labels, value: value))
        }
        return samples
    }

    static func value(_ samples: [Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    @Test("/metrics counts events, rejections by reason, rule work, tickets by rule, lag and store writes")
    func metrics() async throws {
        let live = try await LiveDaemon.startWithAPI()
        try await live.publish(events: [
            TestEvents.event(.binFill, device: "ZJ-B03-K", data: EventData(fillPct: 95)),
            TestEvents.event(.gateForced, device: "ZJ-G01"),
        ])
        try await live.publish([("linli/v1/zijing/bin/ZJ-B03-K/event", Array("{not json".utf8))])
        try await LiveDaemon.waitUntil("three messages are handled") {
            live.daemon.status.snapshot.handled == 3
        }
        let reply = try await TestServer.client.execute(.init(url: live.url + "/metrics"), timeout: .seconds(10))
        #expect(reply.status.code == 200)
        #expect(reply.headers.first(name: "Content-Type")?.hasPrefix("text/plain") == true)
        let body = try await reply.body.collect(upTo: 1 << 20)
        let samples = try Self.parse(String(buffer: body))
        #expect(Self.value(samples, "linli_events_received_total") == 3)
        #expect(Self.value(samples, "linli_events_accepted_total") == 2)
        let rejected = samples.filter { $0.name == "linli_events_rejected_total" }
        #expect(rejected.count == 1)
        #expect(rejected.first?.value == 1)
        #expect(rejected.first?.labels["reason"]?.isEmpty == false)
        #expect(Self.value(samples, "linli_rule_evaluations_total") == 2)
        #expect(Self.value(samples, "linli_tickets_opened_total", ["rule": "bin-full"]) == 1)
        #expect(Self.value(samples, "linli_tickets_opened_total", ["rule": "gate-forced"]) == 1)
        #expect(Self.value(samples, "linli_ingest_lag_seconds_count") == 2)
        let writes = try #require(Self.value(samples, "linli_store_write_seconds_count"))
        #expect(writes >= 1)
        #expect(Self.value(samples, "linli_broker_connected") == 1)
        #expect(Self.value(samples, "linli_broker_disconnects_total") == 0)
        #expect(Self.value(samples, "linli_tickets_unresolved", ["team": "security", "severity": "critical"]) == 1)
        #expect(Self.value(samples, "linli_tickets_unresolved", ["team": "sanitation", "severity": "medium"]) == 1)
        #expect(Self.value(samples, "linli_tickets_overdue", ["team": "security"]) == 0)
        #expect(samples.contains { $0.name == "linli_ingest_lag_seconds_bucket" && $0.labels["le"] == "+Inf" })
        try await live.stop()
    }

    @Test("/healthz is 200 with every check passing, and 503 naming the broker when it goes down")
    func health() async throws {
        let live = try await LiveDaemon.startWithAPI()
        try await LiveDaemon.waitUntil("the feed has connected too") { live.daemon.feed?.isConnected == true }
        let healthy = try await TestServer.client.execute(.init(url: live.url + "/healthz"), timeout: .seconds(10))
        #expect(healthy.status.code == 200)
        let body = try JSONValue(parsing: Array(try await healthy.body.collect(upTo: 1 << 16).readableBytesView))
        #expect(body["status"]?.string == "ok")
        #expect(body["checks"]?["broker"]?["ok"]?.bool == true)
        #expect(body["checks"]?["store"]?["ok"]?.bool == true)
        #expect(body["checks"]?["feed"]?["ok"]?.bool == true)
        #expect(try await live.daemon.store.engineState(key: "health.probe") != nil)

        live.broker.kill()
        try await LiveDaemon.waitUntil("/healthz reports the broker down") {
            let reply = try await TestServer.client.execute(.init(url: live.url + "/healthz"), timeout: .seconds(10))
            guard reply.status.code == 503 else { return false }
            let json = try JSONValue(parsing: Array(try await reply.body.collect(upTo: 1 << 16).readableBytesView))
            return json["status"]?.string == "unhealthy" && json["checks"]?["broker"]?["ok"]?.bool == false
                && json["checks"]?["store"]?["ok"]?.bool == true
        }
        let metrics = try await TestServer.client.execute(.init(url: live.url + "/metrics"), timeout: .seconds(10))
        let samples = try Self.parse(String(buffer: try await metrics.body.collect(upTo: 1 << 20)))
        #expect((Self.value(samples, "linli_broker_disconnects_total") ?? 0) >= 1)
        try await live.stop()
    }
}
