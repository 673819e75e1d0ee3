/// The language of the board: Chinese or English.
///
/// Chosen by `?lang=zh` / `?lang=en`, else by the best match in `Accept-Language` (any `zh…` is Chinese,
/// any `en…` English, the higher `q` wins), else Chinese, the language of the compounds it serves.
public enum BoardLanguage: String, Sendable, Hashable, CaseIterable {
    /// 简体中文.
    case zh
    /// English.
    case en

    /// The language for a request with `query` (the `lang` parameter) and `acceptLanguage` (the header).
    public static func negotiate(query: String?, acceptLanguage: String?) -> BoardLanguage {
        if let query, let language = BoardLanguage(rawValue: query.lowercased()) { return language }
        guard let acceptLanguage else { return .zh }
        var best: (language: BoardLanguage, quality: Double)?
        for (index, item) in acceptLanguage.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";")
            let tag = parts.first.map { String($0).trimmed().lowercased() } ?? ""
            let language: BoardLanguage
            if tag == "zh" || tag.hasPrefix("zh-") {
                language = .zh
            } else if tag == "en" || tag.hasPrefix("en-") {
                language = .en
            } else {
                continue
            }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmed() }
                if pair.count == 2, pair[0] == "q", let value = Double(pair[1]) { quality = value }
            }
            // Earlier entries win ties: nudge later ones down by a hair.
            let ranked = quality - Double(index) * 1e-6
            if quality > 0, ranked > (best?.quality ?? -1) { best = (language, ranked) }
        }
        return best?.language ?? .zh
    }

    /// The value of the page's `lang` attribute.
    public var htmlTag: String {
        switch self {
        case .zh: "zh-CN"
        case .en: "en"
        }
    }
}
