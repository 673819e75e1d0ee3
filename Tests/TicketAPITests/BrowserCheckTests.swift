import Foundation
import LinliCore
import LinliDaemon
import Simulation
import TestSupport
import Testing
import TicketStore

@testable import TicketAPI

@Suite(
    "Browser check: Debian's chromium renders the board of a daemon fed by the smoke scenario",
    .serialized,
    .timeLimit(.minutes(2))
)
struct BrowserCheckTests {
    static let smoke = APIFixtures.configDirectory.deletingLastPathComponent()
        .appendingPathComponent("Simulator/Scenarios/smoke.yaml")

    @Test("the rendered DOM shows the smoke scenario's three tickets, most urgent first, counting down")
    func boardInChromium() async throws {
        let chromium = try Chromium.find()
        let live = try await LiveDaemon.startWithAPI()
        let registry = try APIFixtures.registry()
        let scenario = try Scenario.load(
            file: Self.smoke.path,
            contents: try String(contentsOf: Self.smoke, encoding: .utf8),
            registry: registry
        )
        let start = scenario.start.resolve(now: WallClock.now())
        let messages = ScenarioGenerator(scenario: scenario, registry: registry).messages(start: start)
        try await live.publish(messages.map { ($0.topic, $0.payload) })
        let store = live.daemon.store
        try await LiveDaemon.waitUntil("the daemon's tickets match the smoke scenario") {
            let tickets = try await store.tickets(matching: TicketFilter())
            return ScenarioVerdict.verify(scenario.expectations, tickets: tickets).passed
        }
        let tickets = try await store.tickets(matching: TicketFilter())
        #expect(tickets.count == 3)

        let board = try await chromium.dumpDOM(live.url + "/?lang=en", in: live.directory)
        #expect(board.contains(#"<html lang="en" class="js">"#), "the board's script ran")
        let cards = BoardTests.ticketIDs(in: board)
        #expect(cards.count == 3)
        let byID = Dictionary(uniqueKeysWithValues: tickets.map { ($0.id, $0) })
        #expect(cards == tickets.sorted(by: BoardViews.boardOrder).map(\.id))
        #expect(cards.last.flatMap { byID[$0]?.rule } == "bin-full")
        for card in cards {
            let severity = byID[card]?.severity.rawValue ?? "?"
            #expect(board.contains(#"data-ticket-id="\#(card)" data-status="open" data-severity="\#(severity)""#))
        }
        #expect(board.contains(#"id="count-open"><b>3</b>"#))
        let countdowns = board.components(separatedBy: "data-due=\"").count - 1
        #expect(countdowns == 3)
        #expect(board.range(of: #"\d+m \d\ds left"#, options: .regularExpression) != nil)
        #expect(board.contains(#"<table class="ledger" id="ledger">"#))

        let chinese = try await chromium.dumpDOM(live.url + "/?lang=zh", in: live.directory)
        #expect(chinese.contains(#"<html lang="zh-CN" class="js">"#))
        #expect(chinese.contains("工单看板"))
        #expect(chinese.contains("紧急"))
        #expect(BoardTests.ticketIDs(in: chinese) == cards)

        let bin = try #require(tickets.first { $0.rule == "bin-full" })
        let page = try await chromium.dumpDOM(live.url + "/tickets/\(bin.id)?lang=en", in: live.directory)
        #expect(page.contains(#"data-ticket-id="\#(bin.id)" data-status="open""#))
        #expect(page.contains(#"<tr data-action="opened">"#))
        #expect(page.contains(#"<tr data-action="occurred">"#))
        #expect(page.contains(#"id="rule" data-rule="bin-full""#))
        #expect(page.contains(#"id="form-ack""#))
        for evidence in bin.evidence {
            #expect(page.contains("<li>\(evidence)</li>"))
        }

        let screenshot = live.directory.file("board.png")
        try await chromium.screenshot(live.url + "/?lang=zh", to: screenshot, width: 412, height: 915, in: live.directory)
        let size = (try FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        #expect(size > 10_000)
        try await live.stop()
    }
}
