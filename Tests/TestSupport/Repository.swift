public import Foundation

/// Where the repository and the built products are, for tests that read its files or run its executables.
public enum Repository {
    /// The repository root, found from this file's path (`Tests/TestSupport/Repository.swift`).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's `Config/` directory (the shipped `rules/` and `sites/`).
    public static let configDirectory = root.appendingPathComponent("Config")

    /// The directory of the built products (`.build/debug`), found from the test bundle's path.
    public static var productsDirectory: URL {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        return (bundle?.bundleURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
    }

    /// A built executable of the package (`linli`, `linli-sim`); `swift build` builds them all.
    public static func product(_ name: String) -> URL {
        productsDirectory.appendingPathComponent(name)
    }
}
