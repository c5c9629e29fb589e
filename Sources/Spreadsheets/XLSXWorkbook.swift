public import Foundation
internal import ZIPFoundation

/// A workbook of one sheet in the Office Open XML spreadsheet format (ECMA-376, `.xlsx`), which spreadsheet programs
/// open, sort and filter: a header row, frozen and with a filter on every column, then the rows.
///
/// Cells are inline strings or numbers, without styles or formulas. The bytes depend only on the sheet: every part of
/// the package carries the same fixed date, so the same rows give the same file.
public struct XLSXWorkbook: Sendable {
    /// A cell's value.
    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A number as its decimal text (`1004.6`), written as it is; text that is no such number is written as text.
        case number(String)
    }

    /// The sheet's name (at most 31 characters, none of `[]:*?/\`).
    public let sheetName: String
    public let header: [String]
    public let rows: [[Cell]]

    public init(sheetName: String, header: [String], rows: [[Cell]]) {
        self.sheetName = sheetName
        self.header = header
        self.rows = rows
    }

    /// The fixed date of every part of the package: 1 January 1980, the earliest a ZIP entry can carry.
    static let partDate = Date(timeIntervalSince1970: 315_532_800)

    /// The `.xlsx` file.
    ///
    /// - Throws: `XLSXWorkbook.Failure` when the ZIP package cannot be built.
    public func data() throws(Failure) -> Data {
        let parts: [(String, String)] = [
            ("[Content_Types].xml", Self.contentTypes),
            ("_rels/.rels", Self.packageRelationships),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", Self.workbookRelationships),
            ("xl/worksheets/sheet1.xml", worksheet),
        ]
        do {
            let archive = try Archive(accessMode: .create)
            for (path, text) in parts {
                let bytes = Data(text.utf8)
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: Self.partDate,
                    compressionMethod: .deflate
                ) { position, size in
                    bytes.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw Failure(reason: "the ZIP package was not kept in memory") }
            return data
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(reason: "cannot build the ZIP package: \(error)")
        }
    }

    /// Why a workbook could not be written.
    public struct Failure: Error, Sendable {
        public let reason: String
    }

    // MARK: - Parts

    static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
    static let spreadsheetNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let officeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static let contentTypes =
        declaration
        + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        + #"<Default Extension="xml" ContentType="application/xml"/>"#
        + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        + #"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        + "</Types>"

    static let packageRelationships =
        declaration + #"<Relationships xmlns="\#(relationshipsNamespace)">"#
        + #"<Relationship Id="rId1" Type="\#(officeRelationships)/officeDocument" Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    static let workbookRelationships =
        declaration + #"<Relationships xmlns="\#(relationshipsNamespace)">"#
        + #"<Relationship Id="rId1" Type="\#(officeRelationships)/worksheet" Target="worksheets/sheet1.xml"/>"#
        + "</Relationships>"

    /// The range the header's filter covers, as `A1:R12`.
    var filterRange: String { "A1:\(Self.column(max(header.count, 1) - 1))\(rows.count + 1)" }

    var workbook: String {
        let name = Self.escape(Self.sheetName(sheetName))
        let absolute = filterRange.split(separator: ":").map { reference in
            let letters = reference.prefix { $0.isLetter }
            return "$\(letters)$\(reference.dropFirst(letters.count))"
        }.joined(separator: ":")
        return Self.declaration
            + #"<workbook xmlns="\#(Self.spreadsheetNamespace)" xmlns:r="\#(Self.officeRelationships)">"#
            + #"<sheets><sheet name="\#(name)" sheetId="1" r:id="rId1"/></sheets>"#
            + #"<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">"#
            + "'\(name.replacingOccurrences(of: "'", with: "''"))'!\(absolute)</definedName></definedNames>"
            + "</workbook>"
    }

    var worksheet: String {
        var text = Self.declaration + #"<worksheet xmlns="\#(Self.spreadsheetNamespace)">"#
        text += #"<sheetViews><sheetView workbookViewId="0">"#
        text += #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        text += "</sheetView></sheetViews><sheetData>"
        Self.append(row: 1, header.map(Cell.text), to: &text)
        for (offset, row) in rows.enumerated() { Self.append(row: offset + 2, row, to: &text) }
        text += #"</sheetData><autoFilter ref="\#(filterRange)"/></worksheet>"#
        return text
    }

    static func append(row number: Int, _ cells: [Cell], to text: inout String) {
        text += #"<row r="\#(number)">"#
        for (index, cell) in cells.enumerated() {
            let reference = "\(column(index))\(number)"
            switch cell {
            case .number(let value) where isNumber(value):
                text += #"<c r="\#(reference)"><v>\#(value)</v></c>"#
            case .number(let value), .text(let value):
                guard !value.isEmpty else { continue }
                text +=
                    #"<c r="\#(reference)" t="inlineStr"><is><t xml:space="preserve">\#(escape(value))</t></is></c>"#
            }
        }
        text += "</row>"
    }

    // MARK: - Text

    /// The column letters of a zero-based index: A … Z, AA, AB, ….
    package static func column(_ index: Int) -> String {
        var letters = ""
        var rest = index + 1
        while rest > 0 {
            let digit = (rest - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + digit))) + letters
            rest = (rest - 1) / 26
        }
        return letters
    }

    /// Whether `text` is a decimal number a cell's `<v>` holds as it is: an optional minus, digits, an optional
    /// fraction.
    package static func isNumber(_ text: String) -> Bool {
        var digits = text.utf8[...]
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        let parts = digits.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { (48...57).contains($0) } }
    }

    /// `name` as a sheet may be named: without the characters a sheet name may not hold, at most 31 characters.
    package static func sheetName(_ name: String) -> String {
        let kept = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        return kept.isEmpty ? "Sheet1" : kept
    }

    /// `text` as XML character data: markup escaped, and each character XML cannot carry (a control character
    /// other than tab, line feed and carriage return) written as the format's `_xHHHH_`, as is the `_` of text that
    /// would read as such an escape.
    package static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "_" where looksEscaped(scalars, at: index): escaped += "_x005F_"
            case _ where scalar.value < 0x20 && ![0x09, 0x0A, 0x0D].contains(scalar.value),
                _ where scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                escaped +=
                    "_x" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16, uppercase: true) + "_"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Whether the `_` at `index` starts `_xHHHH_`.
    static func looksEscaped(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + 6 < scalars.count, scalars[index + 1] == "x", scalars[index + 6] == "_" else { return false }
        return scalars[(index + 2)..<(index + 6)].allSatisfy { $0.properties.isASCIIHexDigit }
    }
}
