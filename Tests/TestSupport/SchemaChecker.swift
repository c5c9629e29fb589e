public import LedgerCore

/// Checks a JSON value against the subset of JSON Schema 2020-12 that `Schemas/report.schema.json`
/// and `Schemas/openapi.json` use: `type`, `const`, `enum`, `required`, `properties`,
/// `additionalProperties`, `propertyNames`, `items`, `pattern` and local `$ref`. A keyword outside
/// that subset is reported as a problem, so a schema cannot grow a rule this checker silently skips.
public struct SchemaChecker {
    public let document: JSONValue
    /// Schema locations (`#/$defs/flag/properties/score`) of the declared members an instance held.
    public private(set) var membersSeen: Set<String> = []
    public private(set) var problems: [String] = []

    static let annotations: Set<String> = [
        "$schema", "$id", "$defs", "$comment", "title", "description", "format", "example",
    ]
    static let assertions: Set<String> = [
        "type", "const", "enum", "required", "properties", "additionalProperties", "propertyNames", "items", "pattern",
        "$ref",
    ]

    public init(document: JSONValue) { self.document = document }

    /// Checks `instance` against the schema at `pointer` (`#` for the whole document,
    /// `#/components/schemas/Event` for one of an OpenAPI document's), naming places from `path`.
    public mutating func check(_ instance: JSONValue, schemaAt pointer: String = "#", path: String = "report") {
        guard let (schema, resolved) = pointer == "#" ? (document, "#") : resolve(pointer) else {
            problems.append("\(pointer): no such schema")
            return
        }
        check(instance, path: path, schema: schema, pointer: resolved)
    }

    /// Every member some `properties` in the schema declares, by schema location.
    /// Checks `instance` against `schema`, a schema given inline whose `$ref`s point into the document.
    public mutating func check(_ instance: JSONValue, schema: JSONValue, path: String) {
        check(instance, path: path, schema: schema, pointer: "(inline)")
    }

    public var membersDeclared: Set<String> {
        var out: Set<String> = []
        func walk(_ value: JSONValue, _ pointer: String) {
            guard case .object(let members) = value else {
                if case .array(let elements) = value {
                    for (index, element) in elements.enumerated() { walk(element, "\(pointer)/\(index)") }
                }
                return
            }
            for (name, member) in members {
                if name == "properties", case .object(let declared) = member {
                    for key in declared.keys { out.insert("\(pointer)/properties/\(key)") }
                }
                walk(member, "\(pointer)/\(name)")
            }
        }
        walk(document, "#")
        return out
    }

    private mutating func check(_ instance: JSONValue, path: String, schema: JSONValue, pointer: String) {
        guard case .object(let keywords) = schema else {
            problems.append("\(pointer): a schema must be an object")
            return
        }
        for keyword in keywords.keys.sorted()
        where !Self.annotations.contains(keyword) && !Self.assertions.contains(keyword) {
            problems.append("\(pointer): keyword \(keyword) is not checked")
        }
        if let reference = keywords["$ref"]?.stringValue {
            guard let (target, targetPointer) = resolve(reference) else {
                problems.append("\(pointer): cannot resolve \(reference)")
                return
            }
            check(instance, path: path, schema: target, pointer: targetPointer)
        }
        if let type = keywords["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            if !allowed.contains(where: { Self.matches(instance, type: $0) }) {
                problems.append("\(path): expected \(allowed.joined(separator: " or ")), got \(instance)")
            }
        }
        if let constant = keywords["const"], constant != instance {
            problems.append("\(path): expected \(constant), got \(instance)")
        }
        if let allowed = keywords["enum"]?.arrayValue, !allowed.contains(instance) {
            problems.append("\(path): expected one of \(allowed), got \(instance)")
        }
        if case .string(let text) = instance, let pattern = keywords["pattern"]?.stringValue {
            if !Self.matches(text, pattern: pattern) {
                problems.append("\(path): \"\(text)\" does not match \(pattern)")
            }
        }
        if case .array(let elements) = instance, let items = keywords["items"] {
            for (index, element) in elements.enumerated() {
                check(element, path: "\(path)[\(index)]", schema: items, pointer: pointer + "/items")
            }
        }
        guard case .object(let members) = instance else { return }
        for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            problems.append("\(path).\(name): required by the schema but missing")
        }
        let declared = keywords["properties"]?.objectValue ?? [:]
        for name in members.keys.sorted() {
            let memberPath = "\(path).\(name)"
            if let names = keywords["propertyNames"] {
                check(.string(name), path: memberPath + " (name)", schema: names, pointer: pointer + "/propertyNames")
            }
            if let memberSchema = declared[name] {
                membersSeen.insert("\(pointer)/properties/\(name)")
                check(
                    members[name] ?? .null, path: memberPath, schema: memberSchema,
                    pointer: "\(pointer)/properties/\(name)")
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) {
                    problems.append("\(memberPath): not in the schema")
                } else {
                    check(
                        members[name] ?? .null, path: memberPath, schema: additional,
                        pointer: pointer + "/additionalProperties")
                }
            }
        }
    }

    private func resolve(_ reference: String) -> (JSONValue, String)? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = document
        for step in reference.dropFirst(2).split(separator: "/") {
            guard let next = node[String(step)] else { return nil }
            node = next
        }
        return (node, reference)
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("number", .number):
            return true
        case ("integer", .number(let lexeme)):
            return Int(lexeme) != nil
        default:
            return false
        }
    }

    private static func matches(_ text: String, pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return text.firstMatch(of: regex) != nil
    }
}
