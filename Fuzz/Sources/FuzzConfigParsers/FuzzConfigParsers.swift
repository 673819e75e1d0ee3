import LinliCore

/// libFuzzer's entry point: the input's first byte picks the parser (even: rules, odd: site registry), the
/// rest is the YAML text. Loading must never trap; it either succeeds or reports issues with file:line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let selector = input.first else { return 0 }
    let text = String(decoding: input.dropFirst(), as: UTF8.self)
    if selector & 1 == 0 {
        do {
            _ = try RuleSet.load(files: [(name: "fuzz.yaml", contents: text)])
        } catch {
            precondition(!error.issues.isEmpty, "a rule file was refused without any issue")
        }
    } else {
        do {
            _ = try SiteRegistry.load(files: [(name: "fuzz.yaml", contents: text)])
        } catch {
            precondition(!error.issues.isEmpty, "a site registry was refused without any issue")
        }
    }
    return 0
}
