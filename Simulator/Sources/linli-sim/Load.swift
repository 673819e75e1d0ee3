import ArgumentParser
import Foundation
import LinliCore
import Mosquitto
import Simulation

extension LinliSim {
    /// `linli-sim load`: steady synthetic traffic at a target rate, for benchmarks.
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish steady synthetic traffic at a target rate and report the rate achieved.",
            discussion: """
                Valid contract events (fill readings, temperatures and heartbeats of bins, gate passes and \
                heartbeats, care heartbeats: nothing that raises a ticket) spread round-robin over --devices \
                devices of --site: its registered devices first, then made-up ones (LOAD-B-00001, …) when the \
                site accepts unregistered devices (beisan does). Event times are the send time, ids \
                load-<run>-<n>. A scheduler keeps the rate: message n is due at n / rate after the start, and \
                whatever is due is published at once, so a late wake-up is caught up rather than lost. With \
                --stamp each event carries its send time to the microsecond in the CloudEvents extension \
                attribute "sentat", for measuring publish-to-ticket latency (Linli ignores extensions). The run \
                ends when the broker has acknowledged everything (QoS 1).
                """
        )

        @OptionGroup var brokerOptions: BrokerOptions

        @Option(help: "How many devices the events are spread over.")
        var devices = 100

        @Option(help: "Target rate in events per second, e.g. 2000 or 2000/s.")
        var rate: Rate = Rate(perSecond: 1000)

        @Option(help: "How long to publish, e.g. 10s, 5m.")
        var duration = "10s"

        @Option(help: "Publish QoS: 0 or 1.")
        var qos = 1

        @Flag(help: "Put each event's send time in a CloudEvents extension attribute, sentat.")
        var stamp = false

        @Option(help: "The site the devices belong to.")
        var site = "beisan"

        @Option(help: "The directory of site registry files (*.yaml).")
        var sites = "Config/sites"

        @Option(help: "Seed for the readings.")
        var seed: UInt64 = 1

        @Flag(help: "Print the report as JSON.")
        var json = false

        func validate() throws {
            guard devices >= 1 else { throw ValidationError("--devices must be at least 1") }
            guard qos == 0 || qos == 1 else { throw ValidationError("--qos must be 0 or 1") }
            guard let span = Duration(text: duration), span > .zero else {
                throw ValidationError("--duration '\(duration)' must be a duration such as 10s, 5m or 1h")
            }
            guard rate.perSecond * Double(span.milliseconds) / 1000 >= 1 else {
                throw ValidationError("--rate × --duration must be at least one event")
            }
        }

        func run() async throws {
            let logger = brokerOptions.makeLogger()
            let registry = try ScenarioInput.registry(from: sites)
            guard let siteRecord = registry[site: site] else {
                let known = registry.sites.keys.sorted().joined(separator: ", ")
                throw SimulatorError("site '\(site)' is not in the site registry (registered: \(known))")
            }
            let fleet = try LoadFleet(site: siteRecord, count: devices)
            let span = Duration(text: duration) ?? .seconds(10)
            let total = Int((rate.perSecond * Double(span.milliseconds) / 1000).rounded())
            var configuration = try brokerOptions.configuration()
            configuration.maxInflight = 256
            let runID = String(WallClock.now().milliseconds)
            if !json {
                print(
                    "load: \(total) events to \(brokerOptions.broker) at \(rate) over \(span.shortText), "
                        + "\(fleet.devices.count) devices at \(site) (\(fleet.registeredCount) registered), QoS \(qos)"
                        + (stamp ? ", stamped" : "")
                )
            }
            let qos: QoS = qos == 0 ? .atMostOnce : .atLeastOnce
            let stamp = stamp
            let rate = rate
            let seed = seed
            let report: LoadReport
            do {
                report = try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
                    var generator = LoadEventGenerator(fleet: fleet, runID: runID, seed: seed)
                    return try await LoadScheduler(rate: rate.perSecond, total: total).run { index in
                        let sent = WallClock.nowMicroseconds()
                        let message = generator.message(
                            index,
                            at: EventTime(milliseconds: sent / 1000),
                            stamp: stamp,
                            sentAtMicroseconds: sent
                        )
                        try await client.publish(topic: message.topic, payload: message.payload, qos: qos)
                    } flush: {
                        try await client.flush()
                    }
                }
            } catch let error as MQTTError {
                throw SimulatorError("\(error)")
            }
            if json {
                var object = JSONObject()
                object["events"] = .number(Double(report.published))
                object["target_rate"] = .number(rate.perSecond)
                object["publish_rate"] = .number((report.publishRate * 10).rounded() / 10)
                object["acknowledged_rate"] = .number((report.acknowledgedRate * 10).rounded() / 10)
                object["publish_seconds"] = .number(Double(report.publishing.milliseconds) / 1000)
                object["total_seconds"] = .number(Double(report.total.milliseconds) / 1000)
                object["late_wakeups"] = .number(Double(report.lateWakeups))
                object["devices"] = .number(Double(fleet.devices.count))
                object["qos"] = .number(qos == .atMostOnce ? 0 : 1)
                object["stamped"] = .bool(stamp)
                object["run"] = .string(runID)
                var writer = JSONWriter(pretty: true)
                writer.value(.object(object))
                print(writer.text)
            } else {
                let deviation = (report.publishRate / rate.perSecond - 1) * 100
                print(
                    "published \(report.published) events in \(report.publishing.shortText): "
                        + "\(Self.text(report.publishRate))/s (target \(rate), \(Self.signed(deviation))%); "
                        + "all acknowledged after \(report.total.shortText) (\(Self.text(report.acknowledgedRate))/s)"
                )
            }
        }

        /// `1999.8`.
        static func text(_ value: Double) -> String {
            String((value * 10).rounded() / 10)
        }

        /// `+0.1`, `-3.2`.
        static func signed(_ value: Double) -> String {
            (value >= 0 ? "+" : "") + text(value)
        }
    }
}

/// A rate in events per second, written `2000` or `2000/s`.
struct Rate: ExpressibleByArgument, CustomStringConvertible {
    /// Events per second.
    var perSecond: Double

    init(perSecond: Double) {
        self.perSecond = perSecond
    }

    init?(argument: String) {
        let number = argument.hasSuffix("/s") ? String(argument.dropLast(2)) : argument
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        perSecond = value
    }

    var description: String { "\(LinliSim.Load.text(perSecond))/s" }
}
