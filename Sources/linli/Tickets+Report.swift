import ArgumentParser
import LinliCore
import LinliDaemon
import TicketAPI

extension Linli.Tickets {
    /// `linli tickets report`: the ledger (台账).
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ledger per site and team: open, overdue, SLA compliance, time to acknowledge and resolve.",
            discussion: """
                Open and overdue are counted now. The other columns cover the tickets opened in the period \
                (default: the last 7 days): acknowledged and resolved within SLA (%), and the median and 90th \
                percentile (nearest rank) of the time to acknowledge and to resolve.
                """
        )

        @OptionGroup var options: SharedOptions
        @OptionGroup var remote: ServerOptions
        @Option(help: "The period is this many days before now (default 7).") var days: Int?
        @Option(help: "Start of the period, RFC 3339 (with --to, default now).") var from: String?
        @Option(help: "End of the period, RFC 3339.") var to: String?
        @Option(help: "Only this site.") var site: String?
        @Option(help: "Only this team.") var team: String?
        @Flag(help: "Print JSON, as GET /api/v1/report.") var json = false
        @Flag(help: "Print CSV: a header line, one line per site and team, then the total.") var csv = false

        func validate() throws {
            if json && csv { throw ValidationError("choose --json or --csv, not both") }
            if let days, !(1...366).contains(days) { throw ValidationError("--days must be from 1 to 366") }
            if days != nil && from != nil { throw ValidationError("give --days or --from, not both") }
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, RFC3339.parse(value) == nil {
                    throw ValidationError("\(name) '\(value)' must be an RFC 3339 time with offset")
                }
            }
            if to != nil && from == nil { throw ValidationError("--to needs --from") }
        }

        func run() async throws {
            var period: Ledger.Period?
            if let from = from.flatMap({ RFC3339.parse($0) }) {
                let end = to.flatMap { RFC3339.parse($0) } ?? WallClock.now()
                guard from < end else { throw ValidationError("--from must be earlier than --to") }
                period = Ledger.Period(from: from, to: end)
            }
            let ledger = try await options.backend(remote).report(period: period, days: days, site: site, team: team)
            if json {
                print(ledger.json(pretty: true))
            } else if csv {
                print(ledger.csv, terminator: "")
            } else {
                print(ledger.table)
            }
        }
    }
}
