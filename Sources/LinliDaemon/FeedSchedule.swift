import LinliCore

/// The ticket feed's bookkeeping, with no I/O: which store revision it has published up to, and which
/// resolved tickets' retained messages are still to be cleared, and when.
///
/// It is persisted (``encoded()``, in the store's engine state under ``TicketFeed/stateKey``) after each
/// acknowledged pass, so a clear scheduled before a restart still happens after it, and changes made
/// while the daemon was down are published when it is back.
struct FeedSchedule: Sendable, Hashable {
    /// What to send to the broker.
    enum Action: Sendable, Hashable {
        /// Publish the ticket's JSON, retained.
        case publish(topic: String, ticket: Ticket)
        /// Clear the topic's retained message (an empty retained publish).
        case clear(topic: String)
    }

    /// A retained message to clear ``clearAfter`` after `resolvedAt` (so a changed `feed.clear_after` applies
    /// to clears already scheduled).
    struct PendingClear: Sendable, Hashable {
        var site: String
        var resolvedAt: EventTime
    }

    /// The store revision published up to.
    var revision: Int64 = 0
    /// Resolved tickets whose retained message is still up, by ticket id.
    var pending: [String: PendingClear] = [:]
    /// How long after resolution a retained message is cleared.
    let clearAfter: Duration
    /// Whether the next ``take(_:upTo:now:)`` is the catch-up of the feed's first run on this store (nothing
    /// persisted yet): tickets resolved long ago were never published, so they need no clearing.
    private(set) var firstRun: Bool

    /// The topic of a ticket: `linli/v1/{site}/tickets/{id}`.
    static func topic(site: String, id: String) -> String {
        "linli/v1/\(site)/tickets/\(id)"
    }

    /// Takes in the tickets written since ``revision`` (oldest write first) and the store's revision
    /// after them; returns what to send.
    ///
    /// An unresolved ticket is published and any pending clear for it dropped (it was reopened). A resolved
    /// one is published and its clear scheduled at `resolved_at + clearAfter`; when that time has already
    /// passed, only the clear is sent (nothing to announce any more), or nothing at all on a first run.
    mutating func take(_ tickets: [Ticket], upTo latest: Int64, now: EventTime) -> [Action] {
        var actions: [Action] = []
        for ticket in tickets {
            let topic = Self.topic(site: ticket.site, id: ticket.id)
            guard ticket.status == .resolved else {
                pending[ticket.id] = nil
                actions.append(.publish(topic: topic, ticket: ticket))
                continue
            }
            let resolvedAt = ticket.resolvedAt ?? ticket.updatedAt
            if resolvedAt + clearAfter > now {
                pending[ticket.id] = PendingClear(site: ticket.site, resolvedAt: resolvedAt)
                actions.append(.publish(topic: topic, ticket: ticket))
            } else {
                pending[ticket.id] = nil
                if !firstRun { actions.append(.clear(topic: topic)) }
            }
        }
        revision = max(revision, latest)
        firstRun = false
        return actions
    }

    /// The clears due by `now`, removed from ``pending``, in due order.
    mutating func dueClears(now: EventTime) -> [Action] {
        let due = pending.filter { $0.value.resolvedAt + clearAfter <= now }
            .sorted { ($0.value.resolvedAt, $0.key) < ($1.value.resolvedAt, $1.key) }
        for (id, _) in due { pending[id] = nil }
        return due.map { .clear(topic: Self.topic(site: $0.value.site, id: $0.key)) }
    }

    /// The persisted form: `{"revision": N, "pending": [{"id", "site", "resolved_at"}]}`, times in epoch
    /// milliseconds.
    func encoded() -> [UInt8] {
        var writer = JSONWriter(capacity: 64 + pending.count * 64)
        writer.beginObject()
        writer.key("revision")
        writer.integer(Int(revision))
        writer.key("pending")
        writer.beginArray()
        for (id, clear) in pending.sorted(by: { $0.key < $1.key }) {
            writer.beginObject()
            writer.key("id")
            writer.string(id)
            writer.key("site")
            writer.string(clear.site)
            writer.key("resolved_at")
            writer.integer(Int(clear.resolvedAt.milliseconds))
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// A new schedule (`stored` is `nil`), or the one persisted; an unreadable one counts as none.
    init(stored: [UInt8]?, clearAfter: Duration) {
        self.clearAfter = clearAfter
        guard let stored, let value = try? JSONValue(parsing: stored), let revision = value["revision"]?.number else {
            firstRun = true
            return
        }
        firstRun = false
        self.revision = Int64(revision)
        for entry in value["pending"]?.array ?? [] {
            guard let id = entry["id"]?.string, let site = entry["site"]?.string,
                let resolvedAt = entry["resolved_at"]?.number
            else { continue }
            pending[id] = PendingClear(site: site, resolvedAt: EventTime(milliseconds: Int64(resolvedAt)))
        }
    }
}
