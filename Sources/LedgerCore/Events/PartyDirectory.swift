/// The GLNs each participant lists, as its latest `participant` event that lists them states (`register` or
/// `identify`), and which participant each GLN names (docs/identity.md, "Parties").
public struct PartyDirectory: Sendable, Equatable {
    /// Each participant's GLN-13s.
    public private(set) var glns: [String: [String]] = [:]
    /// The participant each GLN-13 names.
    public private(set) var byGLN: [String: String] = [:]
    /// Each participant's name, from its registration.
    public private(set) var names: [String: String] = [:]

    public init() {}

    /// Adds a `participant` event's public fields: a registration's name, and the GLNs a `register` or `identify`
    /// lists, which replace the participant's earlier ones.
    public mutating func apply(_ fields: [String: JSONValue]) {
        guard let participant = fields["participant"]?.stringValue else { return }
        let action = fields["action"]?.stringValue
        if action == "register", let name = fields["name"]?.stringValue { names[participant] = name }
        guard action == "register" || action == "identify" else { return }
        for gln in glns[participant] ?? [] where byGLN[gln] == participant { byGLN[gln] = nil }
        let listed = Self.listedGLNs(fields)
        glns[participant] = listed
        for gln in listed { byGLN[gln] = participant }
    }

    /// The GLNs a `participant` event lists.
    public static func listedGLNs(_ fields: [String: JSONValue]) -> [String] {
        fields["glns"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Why the `participant` event `fields` may not list its GLNs: one of them names another participant. `nil` when
    /// they are free.
    public func conflict(_ fields: [String: JSONValue]) -> String? {
        guard let participant = fields["participant"]?.stringValue else { return nil }
        for gln in Self.listedGLNs(fields) {
            if let holder = byGLN[gln], holder != participant {
                let name = names[holder].map { " (\($0))" } ?? ""
                return
                    "GLN \(gln) already names participant '\(holder)'\(name); participant '\(participant)' cannot claim it too"
            }
        }
        return nil
    }

    /// The participant `place` names: a GLN one lists, as 13 digits, a PGLN URI or a Digital Link with `/417/`; or
    /// the GLN of an SGLN or a Digital Link with `/414/` that one lists (a party's own GLN written as a place). `nil`
    /// for anything else.
    public func participant(named place: String) -> String? {
        guard let gln = GLN.party(place) ?? GLN.location(place) else { return nil }
        return byGLN[gln]
    }
}
