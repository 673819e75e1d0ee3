import Foundation
public import LinliCore

/// Reads rule and site-registry directories from disk and hands their text to Core's loaders.
public enum ConfigurationFiles {
    /// The `*.yaml` files of `directory`, sorted by name, as `(path, contents)`.
    /// - Throws: ``ConfigurationError`` naming the directory or file that cannot be read.
    public static func yamlFiles(in directory: String) throws(ConfigurationError) -> [(name: String, contents: String)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConfigurationError(issues: [
                ConfigurationIssue(file: directory, line: 0, column: 0, message: "cannot read directory")
            ])
        }
        var files: [(name: String, contents: String)] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path),
                let text = String(data: data, encoding: .utf8)
            else {
                throw ConfigurationError(issues: [
                    ConfigurationIssue(file: path, line: 0, column: 0, message: "cannot read the file as UTF-8 text")
                ])
            }
            files.append((path, text))
        }
        return files
    }

    /// Loads every site registry in `directory`.
    public static func loadSites(from directory: String) throws(ConfigurationError) -> SiteRegistry {
        let files = try yamlFiles(in: directory)
        guard !files.isEmpty else {
            throw ConfigurationError(issues: [
                ConfigurationIssue(file: directory, line: 0, column: 0, message: "no site registry (*.yaml) found")
            ])
        }
        // The YAML trees are several times the registry's size (for 100,000 devices about 130 MB against 11 MB):
        // they are built on a scratch thread, the registry's strings are copied out of its arena, and the memory
        // they took is handed back.
        let registry = try ScratchThread.run { () throws(ConfigurationError) -> SiteRegistry in
            try SiteRegistry.load(files: files)
        }.compacted()
        AllocatorSettings.releaseFreeMemory()
        return registry
    }

    /// Loads every rule file in `directory`.
    public static func loadRules(from directory: String) throws(ConfigurationError) -> RuleSet {
        try RuleSet.load(files: yamlFiles(in: directory))
    }
}
