import Foundation
import LinliCore
internal import OrderedCollections
import TestSupport
import Testing

@testable import LinliDaemon

/// The scratch thread the site files are parsed on, and the registry it hands back.
@Suite("Loading on a scratch thread")
struct ScratchThreadTests {
    struct Refused: Error, Equatable {
        var reason: String
    }

    @Test("the work's value comes back, computed on another thread")
    func returnsValue() {
        let caller = pthread_self()
        let (value, elsewhere) = ScratchThread.run { () -> (Int, Bool) in (6 * 7, pthread_equal(pthread_self(), caller) == 0) }
        #expect(value == 42)
        #expect(elsewhere)
    }

    @Test("the work's typed error is thrown to the caller")
    func throwsTypedError() {
        #expect(throws: Refused(reason: "broken")) {
            try ScratchThread.run { () throws(Refused) -> Int in throw Refused(reason: "broken") }
        }
    }

    @Test("the demo sites load to the same registry as on the calling thread, with the same locations")
    func demoSitesLoadTheSame() throws {
        let directory = Repository.configDirectory.appendingPathComponent("sites").path
        let direct = try SiteRegistry.load(files: ConfigurationFiles.yamlFiles(in: directory))
        let loaded = try ConfigurationFiles.loadSites(from: directory)
        #expect(loaded == direct)
        #expect(loaded.sites.values.flatMap { $0.devices.values.map(\.location) }.contains { !$0.isEmpty })
    }
}
