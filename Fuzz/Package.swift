// swift-tools-version:6.2
import Foundation
import PackageDescription

/// libFuzzer targets for Linli's parsers of untrusted input, kept out of the main package so a normal build
/// never needs the fuzzer runtime. Built and run by `scripts/fuzz`
/// (`swift build -c release --sanitize fuzzer --package-path Fuzz`).
///
/// The main package is a path dependency, whose identity is the name of the repository's directory.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let linliCore = Target.Dependency.product(name: "LinliCore", package: repository.lastPathComponent.lowercased())

let package = Package(
    name: "linli-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzEventDecoder",
            dependencies: [linliCore],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "FuzzConfigParsers",
            dependencies: [linliCore],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
