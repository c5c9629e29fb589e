/// CSV text as RFC 4180 writes it: the one writer of every CSV the project produces (reject files, feature matrices,
/// sample networks, reports).
public enum CSVText {
    /// A cell, quoted when it holds a comma, a quote or a line break (its quotes doubled).
    public static func cell(_ cell: String) -> String {
        guard
            cell.utf8.contains(where: {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
            })
        else { return cell }
        return "\"" + cell.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// One line of `cells`, ended by `ending` (`\n`, or `\r\n` as RFC 4180 has it).
    public static func line(_ cells: [String], ending: String = "\n") -> String {
        cells.map(cell).joined(separator: ",") + ending
    }
}
