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

    @Test("a due commit waits for an idle committer until the backlog limit; then it goes ahead and waits")
    func busyCommitterHoldsBackUpToTheBacklogLimit() {
        var schedule = CommitSchedule(delay: .milliseconds(50), batchSize: 100, backlogLimit: 400, start: start)
        schedule.processed(messages: 100)
        let now = start + .milliseconds(1)
        #expect(schedule.shouldCommit(withTicketChanges: false, committerBusy: false, at: now))
        #expect(!schedule.shouldCommit(withTicketChanges: false, committerBusy: true, at: now))
        #expect(!schedule.shouldCommit(withTicketChanges: true, committerBusy: true, at: now), "tickets wait too")
        schedule.processed(messages: 299)
        #expect(!schedule.shouldCommit(withTicketChanges: false, committerBusy: true, at: now))
        schedule.processed(messages: 1)
        #expect(schedule.shouldCommit(withTicketChanges: false, committerBusy: true, at: now), "the backlog limit")
        #expect(CommitSchedule(delay: .zero, batchSize: 10, start: start).backlogLimit == CommitSchedule.backlogBatches * 10)
    }

    @Test("the committer is busy from a submit until that transaction ends, and says when it ends")
    func committerReportsItsTransactions() async throws {
        let (ended, endedContinuation) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        var committer = BackgroundCommitter(onFinished: { endedContinuation.yield() })
        #expect(!committer.isBusy)
        try await committer.submit {
            for await _ in release { return }
        }
        #expect(committer.isBusy, "the transaction waits for its release")
        releaseContinuation.yield()
        var endings = ended.makeAsyncIterator()
        #expect(await endings.next() != nil)
        #expect(!committer.isBusy)
        try await committer.submit { throw CancellationError() }
        #expect(await endings.next() != nil, "a failed transaction ends too")
        #expect(!committer.isBusy)
        await #expect(throws: CancellationError.self) { try await committer.wait() }
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
