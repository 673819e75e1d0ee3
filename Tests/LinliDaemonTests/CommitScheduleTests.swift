import Configuration
import Testing

@testable import LinliDaemon

/// When the pipeline commits; time is an input.
@Suite("Commit schedule")
struct CommitScheduleTests {
    let start = ContinuousClock.now

    @Test("ticket changes are due at once; other results wait for the delay or a full batch")
    func ticketChangesAtOnceOthersBatched() {
        var schedule = CommitSchedule(delay: .milliseconds(50), batchSize: 100, start: start)
        schedule.processed(messages: 3)
        #expect(schedule.isDue(withTicketChanges: true, at: start + .milliseconds(1)))
        #expect(!schedule.isDue(withTicketChanges: false, at: start + .milliseconds(1)))
        #expect(!schedule.isDue(withTicketChanges: false, at: start + .milliseconds(49)))
        #expect(schedule.isDue(withTicketChanges: false, at: start + .milliseconds(50)))

        schedule.processed(messages: 97)
        #expect(schedule.isDue(withTicketChanges: false, at: start + .milliseconds(1)), "a full batch is due at once")
    }

    @Test("a commit starts the delay and the message count afresh")
    func commitRestarts() {
        var schedule = CommitSchedule(delay: .milliseconds(50), batchSize: 100, start: start)
        schedule.processed(messages: 99)
        schedule.committed(at: start + .milliseconds(60))
        schedule.processed(messages: 99)
        #expect(!schedule.isDue(withTicketChanges: false, at: start + .milliseconds(100)))
        #expect(schedule.isDue(withTicketChanges: false, at: start + .milliseconds(110)))
    }

    @Test("nothing processed is never due; after a quiet spell the first message or tick is due at once")
    func idleAndQuietSpell() {
        var schedule = CommitSchedule(delay: .milliseconds(50), batchSize: 100, start: start)
        #expect(!schedule.isDue(withTicketChanges: false, at: start + .seconds(5)), "an idle daemon commits nothing")
        schedule.changed()
        #expect(schedule.isDue(withTicketChanges: false, at: start + .seconds(5)), "a tick may have changed state")
        schedule.committed(at: start + .seconds(5))
        schedule.processed(messages: 1)
        #expect(schedule.isDue(withTicketChanges: false, at: start + .seconds(10)))
    }

    @Test("a zero delay commits after every batch")
    func zeroDelay() {
        var eager = CommitSchedule(delay: .zero, batchSize: 100, start: start)
        eager.processed(messages: 1)
        #expect(eager.isDue(withTicketChanges: false, at: start))
    }

    @Test("pipeline.commit_delay_ms is read, defaults to 50 ms, and a negative value is refused naming the key")
    func configurationKey() throws {
        func configuration(_ milliseconds: Int?) throws -> DaemonConfiguration {
            var values: [AbsoluteConfigKey: ConfigValue] = [:]
            if let milliseconds {
                values[AbsoluteConfigKey(ConfigKey("pipeline.commit_delay_ms"))] = ConfigValue(.int(milliseconds), isSecret: false)
            }
            return try DaemonConfiguration(reader: ConfigReader(providers: [InMemoryProvider(values: values)]))
        }
        #expect(try configuration(nil).commitDelay == .milliseconds(50))
        #expect(try configuration(0).commitDelay == .zero)
        #expect(try configuration(200).commitDelay == .milliseconds(200))
        #expect {
            _ = try configuration(-1)
        } throws: { error in
            "\(error)".contains("pipeline.commit_delay_ms")
        }
    }
}
