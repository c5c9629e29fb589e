/// Scans the bytes of an XML document up to its root element, before libxml2 parses them, and
/// refuses what must never reach the parser.
///
/// libxml2 2.9 has no option that forbids entity declarations (`XML_PARSE_NO_XXE` came with 2.13),
/// and it checks declared entities by parsing their replacement text even when it does not
/// substitute them, so a DOCTYPE with entity declarations is the way to billion-laughs expansion and
/// to external entities. The guard refuses any `<!ENTITY` inside a DOCTYPE, wherever it appears
/// (a false positive inside a comment or literal there is harmless), and any document it cannot
/// scan byte-wise: UTF-16/UTF-32 input, or text before the first `<`. Comments, processing
/// instructions and quoted literals are tracked so that a `]>` or `<x` inside them does not end the
/// scan early.
struct XMLPrologGuard {
    /// What the guard has concluded so far.
    enum Verdict: Equatable {
        /// Still inside the prolog; feed more bytes.
        case undecided
        /// The root element starts: the rest of the document is the parser's business.
        case rootReached
        /// The document is refused for `reason`, found on `line`.
        case refused(reason: String, line: Int)
    }

    /// The longest prolog accepted; a real document's XML declaration, comments and DOCTYPE are tiny.
    static let maximumPrologBytes = 1 << 20

    private enum State {
        case start
        case between
        case afterLessThan
        case afterBang(matched: Int)
        case comment(dashes: Int)
        case processingInstruction(questionMark: Bool)
        case doctype(quote: UInt8?)
        case subset(SubsetState)
        case afterSubset
        case done
    }

    private enum SubsetState {
        /// `markup` counts how much of `<!--` (1–3) or `<?` has just been seen.
        case normal(markup: Int)
        case quoted(UInt8)
        case comment(dashes: Int)
        case processingInstruction(questionMark: Bool)
    }

    private static let doctypeKeyword = Array("DOCTYPE".utf8)
    private static let entityKeyword = Array("<!ENTITY".utf8)

    private var state = State.start
    private var verdict = Verdict.undecided
    private var byteCount = 0
    private var line = 1
    private var entityMatch = 0

    /// The verdict after the bytes fed so far.
    var current: Verdict { verdict }

    /// Feeds the next byte of the document and returns the verdict; once it is not `undecided`, it
    /// no longer changes.
    mutating func feed(_ byte: UInt8) -> Verdict {
        guard verdict == .undecided else { return verdict }
        byteCount += 1
        if byte == UInt8(ascii: "\n") { line += 1 }
        if byteCount > Self.maximumPrologBytes {
            return refuse("the part before the root element is longer than 1 MiB")
        }
        switch state {
        case .start:
            if byteCount <= 3, byte == [0xEF, 0xBB, 0xBF][byteCount - 1] { return verdict }
            if byteCount == 1, byte == 0xFE || byte == 0xFF || byte == 0x00 {
                return refuse("the document is not encoded in UTF-8 (UTF-16 or UTF-32?); convert it to UTF-8")
            }
            state = .between
            return between(byte)
        case .between:
            return between(byte)
        case .afterLessThan:
            if byte == UInt8(ascii: "?") {
                state = .processingInstruction(questionMark: false)
            } else if byte == UInt8(ascii: "!") {
                state = .afterBang(matched: 0)
            } else if Self.startsName(byte) {
                state = .done
                verdict = .rootReached
            } else {
                return refuse("malformed markup before the root element (expected a name, '?' or '!' after '<')")
            }
        case .afterBang(let matched):
            if matched == 0, byte == UInt8(ascii: "-") {
                state = .afterBang(matched: -1)
            } else if matched == -1 {
                guard byte == UInt8(ascii: "-") else { return refuse("malformed comment before the root element") }
                state = .comment(dashes: 0)
            } else if matched >= 0, byte == Self.doctypeKeyword[matched] {
                state =
                    matched + 1 == Self.doctypeKeyword.count ? .doctype(quote: nil) : .afterBang(matched: matched + 1)
            } else {
                return refuse("unexpected '<!' markup before the root element (only comments and a DOCTYPE may appear)")
            }
        case .comment(let dashes):
            if byte == UInt8(ascii: ">"), dashes >= 2 {
                state = .between
            } else {
                state = .comment(dashes: byte == UInt8(ascii: "-") ? dashes + 1 : 0)
            }
        case .processingInstruction(let questionMark):
            if byte == UInt8(ascii: ">"), questionMark {
                state = .between
            } else {
                state = .processingInstruction(questionMark: byte == UInt8(ascii: "?"))
            }
        case .doctype(let quote):
            if let refusal = matchEntityKeyword(byte) { return refusal }
            if let quote {
                if byte == quote { state = .doctype(quote: nil) }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                state = .doctype(quote: byte)
            } else if byte == UInt8(ascii: "[") {
                state = .subset(.normal(markup: 0))
            } else if byte == UInt8(ascii: ">") {
                state = .between
            }
        case .subset(let subset):
            if let refusal = matchEntityKeyword(byte) { return refusal }
            state = .subset(Self.advance(subset, byte))
            if case .subset(.normal(markup: -1)) = state { state = .afterSubset }
        case .afterSubset:
            if byte == UInt8(ascii: ">") {
                state = .between
            } else if !Self.isSpace(byte) {
                return refuse("malformed DOCTYPE (expected '>' after its internal subset)")
            }
        case .done:
            break
        }
        return verdict
    }

    private mutating func between(_ byte: UInt8) -> Verdict {
        if byte == UInt8(ascii: "<") {
            state = .afterLessThan
        } else if !Self.isSpace(byte) {
            return refuse("not an XML document (expected '<' before the root element)")
        }
        return verdict
    }

    /// The next state inside a DOCTYPE's internal subset; `.normal(markup: -1)` marks its end.
    private static func advance(_ subset: SubsetState, _ byte: UInt8) -> SubsetState {
        switch subset {
        case .normal(let markup):
            switch (markup, byte) {
            case (1, UInt8(ascii: "?")): return .processingInstruction(questionMark: false)
            case (1, UInt8(ascii: "!")): return .normal(markup: 2)
            case (2, UInt8(ascii: "-")): return .normal(markup: 3)
            case (3, UInt8(ascii: "-")): return .comment(dashes: 0)
            case (_, UInt8(ascii: "<")): return .normal(markup: 1)
            case (_, UInt8(ascii: "\"")), (_, UInt8(ascii: "'")): return .quoted(byte)
            case (_, UInt8(ascii: "]")): return .normal(markup: -1)
            default: return .normal(markup: 0)
            }
        case .quoted(let quote):
            return byte == quote ? .normal(markup: 0) : subset
        case .comment(let dashes):
            if byte == UInt8(ascii: ">"), dashes >= 2 { return .normal(markup: 0) }
            return .comment(dashes: byte == UInt8(ascii: "-") ? dashes + 1 : 0)
        case .processingInstruction(let questionMark):
            if byte == UInt8(ascii: ">"), questionMark { return .normal(markup: 0) }
            return .processingInstruction(questionMark: byte == UInt8(ascii: "?"))
        }
    }

    private mutating func matchEntityKeyword(_ byte: UInt8) -> Verdict? {
        if byte == Self.entityKeyword[entityMatch] {
            entityMatch += 1
        } else {
            entityMatch = byte == Self.entityKeyword[0] ? 1 : 0
        }
        guard entityMatch == Self.entityKeyword.count else { return nil }
        return refuse("entity declarations are not allowed (the DOCTYPE declares an entity); remove the DOCTYPE")
    }

    private mutating func refuse(_ reason: String) -> Verdict {
        state = .done
        verdict = .refused(reason: reason, line: line)
        return verdict
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Whether `byte` may start an XML name: a letter, `_`, `:` or any non-ASCII byte.
    private static func startsName(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ":") || byte >= 0x80
    }
}
